/**
 * Conformance tests of background task records (`putTask`, `getTask`, `listTasks`), for stores that have
 * them; skipped for stores without.
 */
import type { SessionStore, TaskRecordInput } from '../../stores/types.js';
import { type ConformanceContext, expectAnyRejection, expectRejection, StoreError, userEntry } from './context.js';

type TaskStore = SessionStore & Required<Pick<SessionStore, 'putTask' | 'getTask' | 'listTasks'>>;

/** Registers the task record tests. */
export function taskTests(ctx: ConformanceContext): void {
  const { describe, it, expect } = ctx.t;
  const { timeout } = ctx.options;
  let unique = 0;
  const id = (label: string): string => `${label}-${crypto.randomUUID()}-${unique++}`;

  /** A store from the factory; skips the test when the store keeps no tasks. */
  const open = async (test: { skip(note?: string): void }): Promise<TaskStore> => {
    const store = await ctx.open();
    // The task record methods are optional in the SessionStore contract: a store without them has nothing to test.
    if (typeof store.putTask !== 'function') test.skip('the store has no putTask');
    return store as TaskStore;
  };

  const task = (sessionId: string, fields: Partial<TaskRecordInput> = {}): TaskRecordInput => ({
    id: id('task'),
    sessionId,
    kind: 'shell',
    status: 'running',
    description: 'Run the tests',
    createdAt: Date.now(),
    command: 'npm test',
    ...fields,
  });

  /** Expects `promise` to reject as a revision conflict. */
  const expectConflict = async (promise: Promise<unknown>): Promise<void> => {
    const error = await expectRejection(promise, StoreError);
    expect(error.code).toBe('STORE_CONFLICT');
  };

  describe('task records', () => {
    it('writes, reads and lists the tasks of a session, oldest first', { timeout }, async (test) => {
      const store = await open(test);
      const sessionId = id('tasks-session');
      const first = task(sessionId, { createdAt: 1000, output: 'PASS 12 tests\n✓ unicode ünïcödé 🚀', exitCode: null });
      const written = await store.putTask(first, { expectedRevision: 0 });
      expect(written).toMatchObject({ ...first, revision: 1 });
      expect(typeof written.updatedAt).toBe('number');
      const second = task(sessionId, {
        createdAt: 2000,
        kind: 'agent',
        status: 'completed',
        agent: 'explorer',
        prompt: 'Find the config loader',
        runSessionId: id('child'),
        notes: 'for the refactor',
        endedAt: 3000,
      });
      await store.putTask(second, { expectedRevision: 0 });
      const other = task(id('other-session'));
      await store.putTask(other, { expectedRevision: 0 });

      expect(await store.getTask(first.id)).toMatchObject({ ...first, revision: 1 });
      const listed = await store.listTasks(sessionId);
      expect(listed.map((t) => t.id)).toEqual([first.id, second.id]);
      expect(listed[1]).toMatchObject({ ...second, revision: 1 });
      expect(await store.getTask(id('missing'))).toBeUndefined();
      expect(await store.listTasks(id('no-such-session'))).toEqual([]);

      const ended = await store.putTask(
        { ...first, status: 'failed', error: 'exit code 1', exitCode: 1, endedAt: 5000 },
        { expectedRevision: 1 },
      );
      expect(ended).toMatchObject({ status: 'failed', error: 'exit code 1', exitCode: 1, revision: 2 });
      expect(ended.owner).toBeUndefined();
      expect(await store.getTask(first.id)).toMatchObject({ status: 'failed', revision: 2, output: first.output });
    });

    it('reads a task this live process runs as running, never as interrupted', { timeout }, async (test) => {
      const store = await open(test);
      const running = task(id('live-session'), { createdAt: 1000 });
      await store.putTask(running, { expectedRevision: 0 });
      expect((await store.getTask(running.id))?.status).toBe('running');
      const pending = task(running.sessionId, { status: 'pending', createdAt: 2000 });
      await store.putTask(pending, { expectedRevision: 0 });
      expect((await store.listTasks(running.sessionId)).map((t) => t.status)).toEqual(['running', 'pending']);
    });

    it('refuses a stale revision, and lets one of two writers of the same revision win', { timeout }, async (test) => {
      const store = await open(test);
      const record = task(id('conflict-session'));
      await store.putTask(record, { expectedRevision: 0 });
      await expectConflict(store.putTask(record, { expectedRevision: 0 }));
      await expectConflict(store.putTask({ ...record, notes: 'stale' }, { expectedRevision: 2 }));
      const writes = await Promise.allSettled(
        ['a', 'b', 'c'].map((notes) => store.putTask({ ...record, notes }, { expectedRevision: 1 })),
      );
      expect(writes.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
      for (const failed of writes.filter((w) => w.status === 'rejected'))
        expect((failed as PromiseRejectedResult).reason.code).toBe('STORE_CONFLICT');
      const stored = await store.getTask(record.id);
      expect(stored?.revision).toBe(2);
      const winner = writes.find((w) => w.status === 'fulfilled') as PromiseFulfilledResult<{ notes?: string }>;
      expect(stored?.notes).toBe(winner.value.notes);

      // Created at once by two writers: one of them.
      const twin = task(record.sessionId);
      const creates = await Promise.allSettled([0, 1].map(() => store.putTask(twin, { expectedRevision: 0 })));
      expect(creates.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
    });

    it('refuses malformed records, moves between sessions and values it cannot keep', { timeout }, async (test) => {
      const store = await open(test);
      const sessionId = id('bad-session');
      const record = task(sessionId);
      await expectAnyRejection(store.putTask(record, { expectedRevision: -1 }));
      await expectAnyRejection(store.putTask({ ...record, id: '' }, { expectedRevision: 0 }));
      await expectAnyRejection(store.putTask({ ...record, status: 'done' as never }, { expectedRevision: 0 }));
      await expectAnyRejection(store.putTask({ ...record, kind: 'job' as never }, { expectedRevision: 0 }));
      await expectRejection(store.putTask({ ...record, notes: 10n as never }, { expectedRevision: 0 }), StoreError);
      expect(await store.getTask(record.id)).toBeUndefined();
      await store.putTask(record, { expectedRevision: 0 });
      await expectRejection(
        store.putTask({ ...record, sessionId: id('elsewhere') }, { expectedRevision: 1 }),
        StoreError,
      );
      expect((await store.getTask(record.id))?.sessionId).toBe(sessionId);
    });

    it('deletes a session’s tasks with the session, and only them', { timeout }, async (test) => {
      const store = await open(test);
      const session = await store.create({ metadata: ctx.tag('tasks-delete') });
      await store.append(session.id, [userEntry('hi')], { expectedVersion: 0 });
      const mine = task(session.id, { status: 'completed' });
      const kept = task(id('kept-session'), { status: 'completed' });
      await store.putTask(mine, { expectedRevision: 0 });
      await store.putTask(kept, { expectedRevision: 0 });
      await store.delete(session.id);
      expect(await store.getTask(mine.id)).toBeUndefined();
      expect(await store.listTasks(session.id)).toEqual([]);
      expect((await store.getTask(kept.id))?.id).toBe(kept.id);
      // Tasks of a session the store does not hold go with a delete of that id too.
      await store.delete(kept.sessionId);
      expect(await store.getTask(kept.id)).toBeUndefined();
    });

    if (ctx.options.persistent === true)
      it('shows a task to another store instance on the same database', { timeout }, async (test) => {
        const a = await open(test);
        const b = await open(test);
        const record = task(id('shared-session'));
        await a.putTask(record, { expectedRevision: 0 });
        expect(await b.getTask(record.id)).toMatchObject({ ...record, revision: 1, status: 'running' });
        await b.putTask({ ...record, status: 'completed', output: 'done' }, { expectedRevision: 1 });
        await a.close();
        expect(await b.getTask(record.id)).toMatchObject({ status: 'completed', output: 'done', revision: 2 });
      });
  });
}
