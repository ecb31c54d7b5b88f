/**
 * Conformance tests of the run lock (`lockSession`), for stores that have one; skipped for stores without.
 */
import { SessionLockedError } from '../../errors/session-locked-error.js';
import type { LockWait, SessionLock, SessionStore } from '../../stores/types.js';
import { type ConformanceContext, dataEntry, expectAnyRejection, expectRejection } from './context.js';

type LockingStore = SessionStore & Required<Pick<SessionStore, 'lockSession'>>;

/** Resolves once `check()` holds, polling; rejects naming `what` after `timeoutMs`. */
async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Registers the run lock tests. */
export function lockTests(ctx: ConformanceContext): void {
  const { describe, it, expect } = ctx.t;
  const { timeout } = ctx.options;
  let unique = 0;
  const sessionId = (label: string): string => `lock-${label}-${crypto.randomUUID()}-${unique++}`;

  /** A store from the factory; skips the test when the store has no run lock. */
  const open = async (test: { skip(note?: string): void }): Promise<LockingStore> => {
    const store = await ctx.open();
    // `lockSession` is optional in the SessionStore contract: a store without it has no lock to test.
    if (typeof store.lockSession !== 'function') test.skip('the store has no lockSession');
    return store as LockingStore;
  };

  describe('run lock', () => {
    it(
      'lets one holder at a time have a session; a waiter is told, then gets it on release',
      { timeout },
      async (test) => {
        const store = await open(test);
        // The lock needs no stored session: the agent locks before it creates one.
        const id = sessionId('one');
        const held = await store.lockSession(id);
        expect(held.sessionId).toBe(id);
        const waits: LockWait[] = [];
        let second: SessionLock | undefined;
        const waiting = store.lockSession(id, { onWait: (wait) => waits.push(wait) }).then((lock) => (second = lock));
        await eventually(() => waits.length > 0, 'onWait is called for a held lock');
        expect(second).toBeUndefined();
        expect(waits).toHaveLength(1);
        expect(waits[0]?.sessionId).toBe(id);
        expect(typeof waits[0]?.since).toBe('number');
        expect(waits[0]!.since).toBeLessThanOrEqual(Date.now());

        // The lock only orders runs: the store still reads and writes the session, and other sessions are free.
        const info = await store.create({ id, metadata: ctx.tag('lock-one') });
        expect(await store.append(info.id, [dataEntry(1)], { expectedVersion: 0 })).toBe(1);
        const other = await store.lockSession(sessionId('other'), {
          onWait: () => expect.fail('onWait was called for a free lock'),
        });
        await other.release();

        await held.release();
        await held.release();
        await waiting;
        expect(second?.sessionId).toBe(id);
        await expectRejection(store.lockSession(id, { timeoutMs: 0 }), SessionLockedError);
        await second!.release();
        const again = await store.lockSession(id, { timeoutMs: 0 });
        await again.release();
        expect(waits).toHaveLength(1);
      },
    );

    it('hands a contended lock to one waiter at a time until every one had it', { timeout }, async (test) => {
      const store = await open(test);
      const id = sessionId('queue');
      let inside = 0;
      let most = 0;
      let served = 0;
      const worker = async (): Promise<void> => {
        const lock = await store.lockSession(id);
        inside++;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside--;
        served++;
        await lock.release();
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      expect(served).toBe(4);
      expect(most).toBe(1);
    });

    it(
      'gives up with SessionLockedError after timeoutMs (at once for 0), leaving the lock alone',
      { timeout },
      async (test) => {
        const store = await open(test);
        const id = sessionId('timeout');
        const held = await store.lockSession(id);
        const now = await expectRejection(store.lockSession(id, { timeoutMs: 0 }), SessionLockedError);
        expect(now.code).toBe('SESSION_LOCKED');
        expect(now.sessionId).toBe(id);
        const later = await expectRejection(store.lockSession(id, { timeoutMs: 100 }), SessionLockedError);
        expect(later.waitedMs).toBeGreaterThanOrEqual(0);
        await expectAnyRejection(store.lockSession(id, { timeoutMs: -1 }));
        await held.release();
        // Callers that gave up hold nothing: the lock is free.
        const free = await store.lockSession(id, { timeoutMs: 0 });
        await free.release();
      },
    );

    it('stops waiting when the signal aborts, and never takes the lock afterwards', { timeout }, async (test) => {
      const store = await open(test);
      const id = sessionId('abort');
      const held = await store.lockSession(id);
      const controller = new AbortController();
      let waited = false;
      const waiting = store.lockSession(id, { signal: controller.signal, onWait: () => (waited = true) });
      await eventually(() => waited, 'onWait is called for a held lock');
      controller.abort(new Error('gave up'));
      const error = await expectAnyRejection(waiting);
      expect(error instanceof Error ? error.message : error).toBe('gave up');
      await expectAnyRejection(store.lockSession(id, { signal: AbortSignal.abort(new Error('never')) }));
      await held.release();
      const free = await store.lockSession(id, { timeoutMs: 0 });
      await free.release();
    });

    it('fails the callers still waiting when the store closes', { timeout }, async (test) => {
      const store = await open(test);
      const id = sessionId('close');
      await store.lockSession(id);
      let waited = false;
      const waiting = store.lockSession(id, { onWait: () => (waited = true) });
      await eventually(() => waited, 'onWait is called for a held lock');
      // Expect the rejection before closing: the wait may fail while close() is still running, and a
      // rejection nobody listens for yet is reported as unhandled.
      const failed = expectAnyRejection(waiting);
      await store.close();
      await failed;
    });

    // Only a persistent store has other instances on the same data; for any other this case does not exist.
    if (ctx.options.persistent === true)
      it(
        'excludes other store instances on the same database, and close() releases held locks',
        { timeout },
        async (test) => {
          const a = await open(test);
          const b = await open(test);
          const id = sessionId('shared');
          await a.lockSession(id);
          await expectRejection(b.lockSession(id, { timeoutMs: 0 }), SessionLockedError);
          await a.close();
          const lock = await b.lockSession(id, { timeoutMs: 10_000 });
          await lock.release();
        },
      );
  });
}
