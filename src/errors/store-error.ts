import { AgentError, type ErrorCode } from './agent-error.js';

/** A session store failed. Code `STORE_ERROR` (or a subclass's code); `sessionId` when known. */
export class StoreError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.StoreError');

  readonly sessionId?: string;

  constructor(message: string, options: { sessionId?: string; cause?: unknown; code?: ErrorCode } = {}) {
    super(options.code ?? 'STORE_ERROR', { message, cause: options.cause });
    if (options.sessionId !== undefined) this.sessionId = options.sessionId;
  }
}

/**
 * An append whose `expectedVersion` no longer matches the session: another writer got there first.
 * Code `STORE_CONFLICT`; reload the session and decide again.
 *
 * @example
 * ```ts
 * try { await store.append(id, entries, { expectedVersion: 4 }); }
 * catch (error) { if (StoreConflictError.isInstance(error)) console.log(error.actualVersion); }
 * ```
 */
export class StoreConflictError extends StoreError {
  static override readonly brand: symbol = Symbol.for('icode.error.StoreConflictError');

  readonly expectedVersion: number;
  readonly actualVersion: number;

  constructor(options: { sessionId: string; expectedVersion: number; actualVersion: number }) {
    super(
      `Session ${options.sessionId} is at version ${options.actualVersion}, not the expected ${options.expectedVersion}: another writer appended first.`,
      { sessionId: options.sessionId, code: 'STORE_CONFLICT' },
    );
    this.expectedVersion = options.expectedVersion;
    this.actualVersion = options.actualVersion;
  }
}

/** A session id that the store does not hold. Code `SESSION_NOT_FOUND`. */
export class SessionNotFoundError extends StoreError {
  static override readonly brand: symbol = Symbol.for('icode.error.SessionNotFoundError');

  constructor(sessionId: string) {
    super(`Session ${sessionId} does not exist.`, { sessionId, code: 'SESSION_NOT_FOUND' });
  }
}
