/**
 * The per-session run lock of the SQLite store: a leased `session_locks` row that records its holder, renewed
 * while held. Internal to `icode/stores/sqlite`.
 */
import { randomUUID } from 'node:crypto';
import { lockMethods, type LockAttempt } from '../store-helpers.js';
import type { SessionLock, SessionLockOwner } from '../types.js';
import type { SqliteConnection } from './driver.js';
import { holderIsGone, localHolder, type LockHolder } from './lock-owner.js';

/** What the run lock needs from the store that owns it. */
export interface SqliteLockContext {
  /** Runs `work` in one write transaction of the store. */
  readonly write: <T>(sessionId: string | undefined, work: (db: SqliteConnection) => T) => Promise<T>;
  /** The store's open connection. */
  readonly db: () => Promise<SqliteConnection>;
  /** The lease of a run lock, in milliseconds. */
  readonly lockLeaseMs: number;
  /** The locks held through this store, which `close()` releases. */
  readonly heldLocks: Set<{ release(): Promise<void> }>;
  /** Whether the store is closed. */
  readonly isClosed: () => boolean;
}

/** The holder columns of a `session_locks` row (null in rows written before they existed). */
function lockHolder(row: Record<string, unknown>): Partial<LockHolder> {
  return {
    ...(typeof row.scope === 'string' ? { scope: row.scope } : {}),
    ...(row.pid !== null && row.pid !== undefined ? { pid: Number(row.pid) } : {}),
    ...(typeof row.started === 'string' ? { started: row.started } : {}),
  };
}

/** The owner a waiter is told about: what the row records. */
function ownerOf(row: Record<string, unknown>): SessionLockOwner | undefined {
  if (row.pid === null || row.pid === undefined) return undefined;
  return {
    ...(typeof row.host === 'string' ? { host: row.host } : {}),
    pid: Number(row.pid),
    ...(row.acquired_at !== null && row.acquired_at !== undefined ? { acquiredAt: Number(row.acquired_at) } : {}),
  };
}

/** The `lockSession` and `tryLockSession` methods of a SQLite store. */
export function sqliteLocks(context: SqliteLockContext): ReturnType<typeof lockMethods> {
  const { write, db, lockLeaseMs, heldLocks, isClosed } = context;

  const takeLock = async (sessionId: string): Promise<LockAttempt> => {
    const owner = randomUUID();
    const self = localHolder();
    const taken = await write(sessionId, (conn): LockAttempt | true => {
      const now = Date.now();
      const row = conn
        .prepare('SELECT expires_at, host, pid, started, scope, acquired_at FROM session_locks WHERE session_id = ?')
        .get(sessionId);
      // A live lease blocks, unless its holder ran on this machine and its process is gone (killed, crashed).
      if (row && Number(row.expires_at) > now && !holderIsGone(lockHolder(row))) {
        const owner = ownerOf(row);
        return owner ? { owner } : {};
      }
      conn
        .prepare(
          'INSERT OR REPLACE INTO session_locks (session_id, owner, expires_at, host, pid, started, scope, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(sessionId, owner, now + lockLeaseMs, self.host, self.pid, self.started, self.scope, now);
      return true;
    });
    if (taken !== true) return taken;
    const conn = await db();
    // Renew well before the lease runs out; unref'd so a forgotten lock does not keep the process alive.
    const renew = setInterval(
      () => {
        if (isClosed()) return;
        try {
          conn
            .prepare('UPDATE session_locks SET expires_at = ? WHERE session_id = ? AND owner = ?')
            .run(Date.now() + lockLeaseMs, sessionId, owner);
        } catch {
          // Busy for longer than the timeout: the next tick tries again, well within the lease.
        }
      },
      Math.max(50, Math.floor(lockLeaseMs / 3)),
    );
    renew.unref();
    let released = false;
    const lock: SessionLock = {
      sessionId,
      async release() {
        if (released) return;
        released = true;
        clearInterval(renew);
        heldLocks.delete(lock);
        // close() releases held locks before it closes the connection.
        if (isClosed()) return;
        conn.prepare('DELETE FROM session_locks WHERE session_id = ? AND owner = ?').run(sessionId, owner);
      },
    };
    heldLocks.add(lock);
    return { lock };
  };

  return lockMethods(takeLock);
}
