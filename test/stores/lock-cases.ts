/** Run lock cases the SQL store tests share, each registered as one `it` in the calling `describe`. */
import { expect, it } from 'vitest';
import type { LockSessionOptions, SessionLock } from '../../src/stores/types.js';

/** A store with a run lock. */
export interface LockingStore {
  lockSession(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  close(): Promise<void>;
}

/** A caller waiting for a held lock gives up with the abort reason when its signal aborts. */
export function itStopsWaitingOnAbort(open: () => LockingStore): void {
  it('stops waiting when the signal aborts', async () => {
    const a = open();
    const held = await a.lockSession('s');
    const controller = new AbortController();
    const waiting = a.lockSession('s', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('gave up')), 50);
    await expect(waiting).rejects.toThrow('gave up');
    await held.release();
    await a.close();
  });
}
