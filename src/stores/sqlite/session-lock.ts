/** The per-session run lock that the durable stores offer beyond the `SessionStore` contract. */

/**
 * A held run lock on one session. Release it when the run ends; `release()` is idempotent.
 *
 * @example
 * ```ts
 * const lock = await store.lockSession(sessionId);
 * try { await agent.run(prompt, { sessionId }); } finally { await lock.release(); }
 * ```
 */
export interface SessionLock {
  readonly sessionId: string;
  release(): Promise<void>;
}

/** Options of `lockSession`. */
export interface LockSessionOptions {
  /** Stops waiting for the lock; the returned promise rejects with the abort reason. */
  readonly signal?: AbortSignal;
}
