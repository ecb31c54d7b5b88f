/** Conformance tests of session bookkeeping: create, get, list, delete, close. */
import type { SessionInfo } from '../../stores/types.js';
import {
  type ConformanceContext,
  SessionNotFoundError,
  StoreError,
  dataEntry,
  expectAnyRejection,
  expectRejection,
  userEntry,
} from './context.js';

const ids = (sessions: readonly SessionInfo[]): string[] => sessions.map((s) => s.id);

/** Registers the session bookkeeping tests. */
export function sessionTests(ctx: ConformanceContext): void {
  const { describe, it, expect } = ctx.t;
  const { timeout } = ctx.options;

  describe('create and get', () => {
    it('creates an empty session with a generated id and returns it from get', { timeout }, async () => {
      const store = await ctx.open();
      const before = Date.now();
      const info = await store.create({
        metadata: { user: 'ada', nested: { a: [1, 2, { b: null }] }, ...ctx.tag('create') },
      });
      expect(typeof info.id).toBe('string');
      expect(info.id.length).toBeGreaterThan(0);
      expect(info.version).toBe(0);
      expect(info.parentId).toBeUndefined();
      expect(info.createdAt).toBeGreaterThanOrEqual(before - 5_000);
      expect(info.updatedAt).toBeGreaterThanOrEqual(info.createdAt);
      expect(info.metadata).toMatchObject({ user: 'ada', nested: { a: [1, 2, { b: null }] } });
      const got = await store.get(info.id);
      expect(got).toEqual(info);
      const other = await store.create();
      expect(other.id).not.toBe(info.id);
      expect(other.metadata).toEqual({});
    });

    it('uses a given id and refuses a duplicate one with StoreError', { timeout }, async () => {
      const store = await ctx.open();
      const id = `conformance-${crypto.randomUUID()}`;
      const info = await store.create({ id });
      expect(info.id).toBe(id);
      await expectRejection(store.create({ id }), StoreError);
      expect((await store.get(id))?.version).toBe(0);
    });

    it('returns undefined from get for an unknown id', { timeout }, async () => {
      const store = await ctx.open();
      expect(await store.get(`missing-${crypto.randomUUID()}`)).toBeUndefined();
    });

    it('keeps unicode metadata exactly', { timeout }, async () => {
      const store = await ctx.open();
      const metadata = {
        title: 'مرحبا 👩‍💻 שלום',
        'ключ 🔑': ['é', 'e\u0301', '\u2028'],
        ...ctx.tag('unicode-metadata'),
      };
      const info = await store.create({ metadata });
      expect((await store.get(info.id))?.metadata).toEqual(metadata);
    });
  });

  describe('list', () => {
    it('lists newest-updated first, and an append moves a session to the front', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('list-order');
      const a = await store.create({ metadata: tag });
      const b = await store.create({ metadata: tag });
      const c = await store.create({ metadata: tag });
      expect(ids((await store.list({ metadata: tag })).sessions)).toEqual([c.id, b.id, a.id]);
      await store.append(a.id, [dataEntry(1)], { expectedVersion: 0 });
      const page = await store.list({ metadata: tag });
      expect(ids(page.sessions)).toEqual([a.id, c.id, b.id]);
      expect(page.nextCursor).toBeUndefined();
      expect(page.sessions[0]?.version).toBe(1);
      for (let i = 1; i < page.sessions.length; i++) {
        expect(page.sessions[i - 1]!.updatedAt).toBeGreaterThanOrEqual(page.sessions[i]!.updatedAt);
      }
      // Without a filter the newest session of the whole store comes first.
      const d = await store.create();
      expect(ids((await store.list({ limit: 1 })).sessions)).toEqual([d.id]);
    });

    it('pages with limit and nextCursor, without gaps or repeats', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('list-pages');
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await store.create({ metadata: tag })).id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ metadata: tag, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        sizes.push(page.sessions.length);
        seen.push(...ids(page.sessions));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(sizes).toEqual([3, 3, 1]);
      expect(seen).toEqual(created.slice().reverse());
    });

    it('returns at most 50 sessions by default', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('list-default-limit');
      for (let i = 0; i < 52; i++) await store.create({ metadata: tag });
      const first = await store.list({ metadata: tag });
      expect(first.sessions).toHaveLength(50);
      expect(first.nextCursor).toBeDefined();
      const second = await store.list({ metadata: tag, cursor: first.nextCursor! });
      expect(second.sessions).toHaveLength(2);
      expect(second.nextCursor).toBeUndefined();
    });

    it('filters by metadata: every given key/value pair must match', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('list-filter');
      const ada = await store.create({ metadata: { ...tag, user: 'ada', team: { name: 'core', size: 3 } } });
      const grace = await store.create({ metadata: { ...tag, user: 'grace', team: { name: 'core', size: 3 } } });
      await store.create({ metadata: { ...tag, user: 'alan', team: { name: 'infra', size: 3 }, tags: ['x', 'y'] } });
      expect(ids((await store.list({ metadata: { ...tag, user: 'ada' } })).sessions)).toEqual([ada.id]);
      expect(ids((await store.list({ metadata: { ...tag, team: { name: 'core', size: 3 } } })).sessions)).toEqual([
        grace.id,
        ada.id,
      ]);
      expect(
        (await store.list({ metadata: { ...tag, user: 'ada', team: { name: 'infra', size: 3 } } })).sessions,
      ).toEqual([]);
      expect((await store.list({ metadata: { ...tag, user: 'nobody' } })).sessions).toEqual([]);
      // A partial array is not equal to the stored one.
      expect((await store.list({ metadata: { ...tag, tags: ['x'] } })).sessions).toEqual([]);
      expect((await store.list({ metadata: { ...tag, missing: null } })).sessions).toEqual([]);
      expect((await store.list({ metadata: tag })).sessions).toHaveLength(3);
    });
  });

  describe('delete', () => {
    it('removes the session and its entries; later calls throw SessionNotFoundError', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('delete');
      const doomed = await store.create({ metadata: tag });
      const kept = await store.create({ metadata: tag });
      await store.append(doomed.id, [dataEntry(1), dataEntry(2)], { expectedVersion: 0 });
      await store.delete(doomed.id);
      expect(await store.get(doomed.id)).toBeUndefined();
      expect(ids((await store.list({ metadata: tag })).sessions)).toEqual([kept.id]);
      await expectRejection(store.load(doomed.id), SessionNotFoundError);
      await expectRejection(store.append(doomed.id, [dataEntry(3)], { expectedVersion: 2 }), SessionNotFoundError);
      await expectRejection(store.truncate(doomed.id, { version: 0 }), SessionNotFoundError);
      await expectRejection(store.fork(doomed.id), SessionNotFoundError);
      // The id can be used again, and the new session starts empty.
      const again = await store.create({ id: doomed.id });
      expect(again.version).toBe(0);
      expect((await store.load(doomed.id)).entries).toEqual([]);
    });

    it('is a no-op for an unknown id', { timeout }, async () => {
      const store = await ctx.open();
      await expect(store.delete(`missing-${crypto.randomUUID()}`)).resolves.toBeUndefined();
    });

    it('throws SessionNotFoundError from append, load, truncate and fork of an unknown id', { timeout }, async () => {
      const store = await ctx.open();
      const id = `missing-${crypto.randomUUID()}`;
      const error = await expectRejection(
        store.append(id, [dataEntry(1)], { expectedVersion: 0 }),
        SessionNotFoundError,
      );
      expect(error.sessionId).toBe(id);
      await expectRejection(store.load(id), SessionNotFoundError);
      await expectRejection(store.truncate(id, { version: 0 }), SessionNotFoundError);
      await expectRejection(store.fork(id), SessionNotFoundError);
    });
  });

  describe('close', () => {
    it('closes idempotently, and a closed store refuses work', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('close') });
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      await expectAnyRejection(store.get(info.id));
      await expectAnyRejection(store.create());
      await expectAnyRejection(store.append(info.id, [dataEntry(1)], { expectedVersion: 0 }));
    });

    if (ctx.options.persistent) {
      it('keeps sessions and entries across close and reopen', { timeout }, async () => {
        const first = await ctx.open();
        const info = await first.create({ metadata: ctx.tag('reopen') });
        await first.append(info.id, [userEntry('kept'), dataEntry(2)], { expectedVersion: 0 });
        await first.close();
        const second = await ctx.open();
        const loaded = await second.load(info.id);
        expect(loaded.info.version).toBe(2);
        expect(loaded.entries.map((e) => e.entry)).toEqual([userEntry('kept'), dataEntry(2)]);
        expect(await second.append(info.id, [dataEntry(3)], { expectedVersion: 2 })).toBe(3);
      });
    }
  });
}
