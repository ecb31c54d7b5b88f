/**
 * The per-session run lock of the Postgres store: a session-level advisory lock. Every lock of a store is
 * held on ONE dedicated connection, so runs never hold pool connections while they wait for queries: with a
 * connection per held lock, as many concurrent runs as the pool has connections would hold them all and
 * wait forever for one to store their turn. When the process dies, the server drops the connection and frees
 * every lock it held. Internal to `icode/stores/postgres`.
 */
import { StoreError } from '../../errors/store-error.js';
import { lockMethods, type LockAttempt } from '../store-helpers.js';
import type { SessionLock } from '../types.js';
import type { PgClient, PgPool } from './pg-driver.js';

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

/** The connection the store's locks live on; `lost` once it failed (the server freed its locks then). */
interface LockConnection {
  readonly client: PgClient;
  lost: boolean;
}

/** The `lockSession` and `tryLockSession` methods of a Postgres store, and the end of its lock connection. */
export function postgresLocks(context: PostgresLockContext): {
  readonly methods: ReturnType<typeof lockMethods>;
  /** Gives the lock connection back to the pool, once the held locks are released. */
  readonly close: () => Promise<void>;
} {
  const { ready, wrap, lockNamespace, heldLocks, isClosed } = context;
  let connection: Promise<LockConnection> | undefined;
  // Advisory locks are re-entrant within one server session: the connection that holds a session's lock
  // would get it again. Sessions locked (or being locked) through this store are refused here first.
  const local = new Set<string>();

  const lockConnection = (): Promise<LockConnection> => {
    connection ??= (async () => {
      const client = await (await ready()).connect();
      const held: LockConnection = { client, lost: false };
      // A dropped connection emits 'error'; without a listener Node ends the process. The server has freed
      // the locks with the connection: they are lost, and the next lock opens a new connection.
      client.on('error', () => {
        if (held.lost) return;
        held.lost = true;
        connection = undefined;
        client.release(true);
      });
      return held;
    })().catch((error: unknown) => {
      connection = undefined;
      throw wrap(error);
    });
    return connection;
  };

  const unlock = async (held: LockConnection, sessionId: string): Promise<void> => {
    if (held.lost) return;
    try {
      await held.client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockNamespace + sessionId]);
    } catch {
      // An unlock that fails leaves a connection in doubt: dropping it frees every lock it holds on the server.
      if (held.lost) return;
      held.lost = true;
      if (connection && (await connection.catch(() => undefined)) === held) connection = undefined;
      held.client.release(true);
    }
  };

  const takeLock = async (sessionId: string): Promise<LockAttempt> => {
    if (local.has(sessionId)) return {};
    local.add(sessionId);
    let held: LockConnection;
    let got: boolean;
    try {
      held = await lockConnection();
      const { rows } = await held.client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        lockNamespace + sessionId,
      ]);
      got = rows[0]?.locked === true;
    } catch (error) {
      local.delete(sessionId);
      throw wrap(error, sessionId);
    }
    if (!got || isClosed()) {
      // A lock taken while the store closed is given back at once, never handed out.
      if (got) await unlock(held, sessionId);
      local.delete(sessionId);
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
        await unlock(held, sessionId);
        local.delete(sessionId);
      },
    };
    heldLocks.add(lock);
    return { lock };
  };

  return {
    methods: lockMethods(takeLock),
    async close() {
      const pending = connection;
      connection = undefined;
      const held = await pending?.catch(() => undefined);
      if (held && !held.lost) {
        held.lost = true;
        held.client.release();
      }
    },
  };
}
