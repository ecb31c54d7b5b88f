/**
 * The run locks of the memory store: one FIFO queue per session, so concurrent runs of a session in this
 * process take turns, in the order they asked, as they do across processes with the durable stores.
 * Internal and runtime-neutral.
 */
import { SessionLockedError } from '../errors/session-locked-error.js';
import { abortReason } from '../internal/abort.js';
import { checkLockTimeout } from './store-helpers.js';
import type { LockSessionOptions, SessionLock } from './types.js';

/** A caller in a session's queue: it leaves the queue when granted the lock or when it gives up. */
interface Waiter {
  grant(): void;
  fail(error: unknown): void;
}

/** Per-session FIFO locks of one memory store. */
export class MemoryLocks {
  /** A session is locked while it has an entry; the array holds the callers waiting, oldest first. */
  readonly #queues = new Map<string, Waiter[]>();
  readonly #onRelease: (sessionId: string) => void;

  /** `onRelease` runs after each release (also when the lock passes straight to a waiter). */
  constructor(onRelease: (sessionId: string) => void) {
    this.#onRelease = onRelease;
  }

  /** Whether a run holds the session's lock (or waits for it). */
  isLocked(sessionId: string): boolean {
    return this.#queues.has(sessionId);
  }

  /** Waits for the session's lock, in arrival order; see `LockSessionOptions` for the options. */
  acquire(sessionId: string, options: LockSessionOptions = {}): Promise<SessionLock> {
    const { signal, onWait } = options;
    const timeoutMs = checkLockTimeout(options.timeoutMs);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const queue = this.#queues.get(sessionId);
    if (!queue) {
      this.#queues.set(sessionId, []);
      return Promise.resolve(this.#lock(sessionId));
    }
    const since = Date.now();
    onWait?.({ sessionId, since });
    // onWait may have aborted the signal itself.
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (timeoutMs === 0) return Promise.reject(new SessionLockedError({ sessionId, waitedMs: 0 }));
    return new Promise<SessionLock>((resolve, reject) => {
      const leave = (): void => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.#lock(sessionId));
        },
        fail: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.fail(abortReason(signal!));
      const timer =
        timeoutMs === Infinity
          ? undefined
          : setTimeout(
              () => waiter.fail(new SessionLockedError({ sessionId, waitedMs: Date.now() - since })),
              timeoutMs,
            );
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** Fails every waiter with `error` and forgets every lock (the store closed). */
  clear(error: unknown): void {
    const waiters = [...this.#queues.values()].flat();
    this.#queues.clear();
    for (const waiter of waiters) waiter.fail(error);
  }

  #lock(sessionId: string): SessionLock {
    const queues = this.#queues;
    let released = false;
    return {
      sessionId,
      release: async () => {
        if (released) return;
        released = true;
        const queue = queues.get(sessionId);
        // Gone after clear(): the store closed, nothing to hand over.
        if (!queue) return;
        const next = queue[0];
        if (next) next.grant();
        else queues.delete(sessionId);
        this.#onRelease(sessionId);
      },
    };
  }
}
