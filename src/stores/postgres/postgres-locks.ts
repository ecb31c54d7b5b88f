/**
 * The per-session run lock of the Postgres store: a session-level advisory lock held on a dedicated pooled
 * connection. Internal to `icode/stores/postgres`.
 */
import { StoreError } from '../../errors/store-error.js';
import { lockMethods, type LockAttempt } from '../store-helpers.js';
import type { SessionLock } from '../types.js';
import type { PgPool } from './pg-driver.js';

/** What the run lock needs from the store that owns it. */
export interface PostgresLockContext {
  /** The store's pool, connected and migrated. */
  readonly ready: () => Promise<PgPool>;
  /** Turns a driver error into the store's error (icode errors pass through). */
  readonly wrap: (error: unknown, sessionId?: string) => unknown;
  /** Prepended to a session id to name its advisory lock, so stores in other schemas or prefixes never collide. */
  readonly lockNamespace: string;
  /** The locks held through this store, which `close()` releases. */
  readonly heldLocks: Set<SessionLock>;
  /** Whether the store is closed. */
  readonly isClosed: () => boolean;
}

/** The `lockSession` and `tryLockSession` methods of a Postgres store. */
export function postgresLocks(context: PostgresLockContext): ReturnType<typeof lockMethods> {
  const { ready, wrap, lockNamespace, heldLocks, isClosed } = context;

  const takeLock = async (sessionId: string): Promise<LockAttempt> => {
    const client = await (await ready()).connect().catch((error: unknown) => Promise.reject(wrap(error, sessionId)));
    // A dropped connection emits 'error' on a checked-out client; without a listener Node ends the process.
    // The server frees the lock with the connection, so the lock is lost, and release() only cleans up.
    let lost = false;
    const onError = (): void => {
      lost = true;
    };
    client.on('error', onError);
    let got: boolean;
    try {
      const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        lockNamespace + sessionId,
      ]);
      got = rows[0]?.locked === true;
    } catch (error) {
      client.off?.('error', onError);
      client.release(true);
      throw wrap(error, sessionId);
    }
    if (!got || isClosed()) {
      client.off?.('error', onError);
      // A lock taken while the store closed is dropped with its connection, never handed out.
      client.release(got);
      if (got) throw new StoreError('The Postgres store is closed.', { sessionId });
      return {};
    }
    let released = false;
    const lock: SessionLock = {
      sessionId,
      async release() {
        if (released) return;
        released = true;
        heldLocks.delete(lock);
        client.off?.('error', onError);
        if (lost) {
          client.release(true);
          return;
        }
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockNamespace + sessionId]);
          client.release();
        } catch {
          // Destroying the connection frees its advisory locks on the server.
          client.release(true);
        }
      },
    };
    heldLocks.add(lock);
    return { lock };
  };

  return lockMethods(takeLock);
}
