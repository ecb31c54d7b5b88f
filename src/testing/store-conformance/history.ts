/** Conformance tests of history edits: truncate and fork. */
import {
  type ConformanceContext,
  SessionNotFoundError,
  StoreConflictError,
  StoreError,
  dataEntries,
  dataEntry,
  expectAnyRejection,
  expectRejection,
} from './context.js';

/** Registers the truncate and fork tests. */
export function historyTests(ctx: ConformanceContext): void {
  const { describe, it, expect } = ctx.t;
  const { timeout } = ctx.options;

  describe('truncate', () => {
    it('keeps the first `version` entries, and appends continue after them', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('truncate') });
      await store.append(info.id, dataEntries(1, 5), { expectedVersion: 0 });
      const truncated = await store.truncate(info.id, { version: 2 });
      expect(truncated.id).toBe(info.id);
      expect(truncated.version).toBe(2);
      expect((await store.get(info.id))?.version).toBe(2);
      expect((await store.load(info.id)).entries.map((e) => e.entry)).toEqual(dataEntries(1, 2));
      await expectRejection(store.append(info.id, [dataEntry(3)], { expectedVersion: 5 }), StoreConflictError);
      expect(await store.append(info.id, [dataEntry(30)], { expectedVersion: 2 })).toBe(3);
      const { entries } = await store.load(info.id);
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries[2]?.entry).toEqual(dataEntry(30));
    });

    it('truncates to zero and to the current version', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('truncate-edges') });
      await store.append(info.id, dataEntries(1, 3), { expectedVersion: 0 });
      expect((await store.truncate(info.id, { version: 3 })).version).toBe(3);
      expect((await store.load(info.id)).entries).toHaveLength(3);
      expect((await store.truncate(info.id, { version: 0 })).version).toBe(0);
      expect((await store.load(info.id)).entries).toEqual([]);
      expect(await store.append(info.id, [dataEntry(1)], { expectedVersion: 0 })).toBe(1);
    });

    it('refuses a version past the end, a bad version and a stale expectedVersion', { timeout }, async () => {
      const store = await ctx.open();
      const info = await store.create({ metadata: ctx.tag('truncate-errors') });
      await store.append(info.id, dataEntries(1, 3), { expectedVersion: 0 });
      await expectRejection(store.truncate(info.id, { version: 4 }), StoreError);
      await expectAnyRejection(store.truncate(info.id, { version: -1 }));
      const error = await expectRejection(
        store.truncate(info.id, { version: 1, expectedVersion: 2 }),
        StoreConflictError,
      );
      expect(error.actualVersion).toBe(3);
      expect((await store.load(info.id)).entries).toHaveLength(3);
      expect((await store.truncate(info.id, { version: 1, expectedVersion: 3 })).version).toBe(1);
    });
  });

  describe('fork', () => {
    it('copies the first `version` entries into a new session with parentId', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('fork');
      const parent = await store.create({ metadata: { ...tag, role: 'parent' } });
      await store.append(parent.id, dataEntries(1, 5), { expectedVersion: 0 });
      const fork = await store.fork(parent.id, { version: 3 });
      expect(fork.id).not.toBe(parent.id);
      expect(fork.parentId).toBe(parent.id);
      expect(fork.version).toBe(3);
      expect(fork.metadata).toEqual({ ...tag, role: 'parent' });
      expect(await store.get(fork.id)).toEqual(fork);
      const [parentLoaded, forkLoaded] = await Promise.all([store.load(parent.id), store.load(fork.id)]);
      expect(forkLoaded.entries).toEqual(parentLoaded.entries.slice(0, 3));
      expect((await store.get(parent.id))?.parentId).toBeUndefined();
    });

    it('is independent of its parent afterwards, both ways', { timeout }, async () => {
      const store = await ctx.open();
      const parent = await store.create({ metadata: ctx.tag('fork-independent') });
      await store.append(parent.id, dataEntries(1, 4), { expectedVersion: 0 });
      const fork = await store.fork(parent.id, { version: 2 });
      expect(await store.append(fork.id, [dataEntry(100)], { expectedVersion: 2 })).toBe(3);
      expect(await store.append(parent.id, [dataEntry(5)], { expectedVersion: 4 })).toBe(5);
      await store.truncate(parent.id, { version: 1 });
      expect((await store.load(fork.id)).entries.map((e) => e.entry)).toEqual([
        dataEntry(1),
        dataEntry(2),
        dataEntry(100),
      ]);
      expect((await store.load(parent.id)).entries.map((e) => e.entry)).toEqual([dataEntry(1)]);
      await store.delete(parent.id);
      const survivor = await store.load(fork.id);
      expect(survivor.info.version).toBe(3);
      expect(survivor.info.parentId).toBe(parent.id);
    });

    it('forks everything by default, and takes a given id and metadata', { timeout }, async () => {
      const store = await ctx.open();
      const tag = ctx.tag('fork-options');
      const parent = await store.create({ metadata: { ...tag, role: 'parent' } });
      await store.append(parent.id, dataEntries(1, 3), { expectedVersion: 0 });
      const whole = await store.fork(parent.id);
      expect(whole.version).toBe(3);
      const id = `fork-${crypto.randomUUID()}`;
      const named = await store.fork(parent.id, { version: 0, id, metadata: { ...tag, role: 'child' } });
      expect(named).toMatchObject({ id, version: 0, parentId: parent.id, metadata: { ...tag, role: 'child' } });
      expect((await store.load(id)).entries).toEqual([]);
      expect((await store.list({ metadata: { ...tag, role: 'child' } })).sessions.map((s) => s.id)).toEqual([id]);
      // A fork of a fork points at its own parent.
      const grandchild = await store.fork(whole.id, { version: 1 });
      expect(grandchild.parentId).toBe(whole.id);
    });

    it('refuses a version past the end and an existing id', { timeout }, async () => {
      const store = await ctx.open();
      const parent = await store.create({ metadata: ctx.tag('fork-errors') });
      await store.append(parent.id, dataEntries(1, 2), { expectedVersion: 0 });
      await expectRejection(store.fork(parent.id, { version: 3 }), StoreError);
      await expectRejection(store.fork(parent.id, { id: parent.id }), StoreError);
      await expectRejection(store.fork(`missing-${crypto.randomUUID()}`), SessionNotFoundError);
      expect((await store.load(parent.id)).entries).toHaveLength(2);
    });
  });
}
