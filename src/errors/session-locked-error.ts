import type { SessionLockOwner } from '../events/agent-event.js';
import { StoreError } from './store-error.js';

/**
 * A session's run lock stayed held by another run for longer than the caller would wait (`lockTimeoutMs`
 * of `createAgent`, `timeoutMs` of `lockSession`). Code `SESSION_LOCKED`; nothing was run or stored. Try
 * again later, or look at `owner` to see who holds it.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, store, lockTimeoutMs: 2_000 });
 * try {
 *   await agent.run('Continue', { sessionId }).result;
 * } catch (error) {
 *   if (SessionLockedError.isInstance(error)) console.warn(`busy: held by pid ${error.owner?.pid}`);
 * }
 * ```
 */
export class SessionLockedError extends StoreError {
  static override readonly brand: symbol = Symbol.for('icode.error.SessionLockedError');

  override readonly sessionId: string;
  /** How long the caller waited, in milliseconds. */
  readonly waitedMs: number;
  /** The holder, when the store knows it. */
  readonly owner?: SessionLockOwner;

  constructor(options: { sessionId: string; waitedMs: number; owner?: SessionLockOwner }) {
    const holder = describeOwner(options.owner);
    super(
      `Session ${options.sessionId} is locked by another run${holder}; gave up after waiting ${options.waitedMs} ms.`,
      { sessionId: options.sessionId, code: 'SESSION_LOCKED' },
    );
    this.sessionId = options.sessionId;
    this.waitedMs = options.waitedMs;
    if (options.owner) this.owner = options.owner;
  }
}

function describeOwner(owner: SessionLockOwner | undefined): string {
  if (owner?.pid === undefined) return '';
  return owner.host === undefined ? ` (pid ${owner.pid})` : ` (pid ${owner.pid} on ${owner.host})`;
}
