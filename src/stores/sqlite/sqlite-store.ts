import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../errors/config-error.js';
import { SessionNotFoundError, StoreConflictError, StoreError } from '../../errors/store-error.js';
import { sleep } from '../../internal/abort.js';
import { createId } from '../../internal/ids.js';
import {
  ENTRY_SCHEMA_VERSION,
  type CreateSessionOptions,
  type ListSessionsOptions,
  type LoadedSession,
  type SessionEntry,
  type SessionInfo,
  type SessionPage,
} from '../types.js';
import {
  assertVersion,
  checkTruncate,
  forkVersion,
  planList,
  takeListBatch,
  toSessionInfo,
  toSessionPage,
  toStoredEntry,
  type ListedSession,
} from '../store-helpers.js';
import { encodeEntries, encodeMetadata, exactFilterPairs } from './codec.js';
import { openSqlite, type SqliteConnection } from './driver.js';
import { migrate } from './migrations.js';
import { sqliteLocks } from './sqlite-locks.js';
import { renewSqliteTasks, sqliteTasks } from './sqlite-tasks.js';
import { DEFAULT_TASK_LEASE_MS, TaskLeases } from './task-rows.js';
import type { SqliteSessionStore, SqliteStoreOptions } from './sqlite-types.js';

export type { SqliteSessionStore, SqliteStoreOptions } from './sqlite-types.js';

const SESSION_COLUMNS = 'id, version, created_at, updated_at, touch, metadata, parent_id';
const NEXT_TOUCH = '(SELECT coalesce(max(touch), 0) + 1 FROM sessions)';

function isUniqueViolation(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /UNIQUE constraint failed|PRIMARY KEY/i.test(message);
}

/**
 * A durable `SessionStore` in one SQLite file: WAL mode, one `BEGIN IMMEDIATE` transaction per write with
 * the version check inside it, numbered migrations recorded in `schema_migrations`, and safe for several
 * processes on one machine. Entries are stored as JSON text with their `seq`, `schema_version` and
 * `created_at`.
 *
 * The drivers are synchronous: a write that finds another process writing waits for it (up to
 * `busyTimeoutMs`) on the calling thread. Writes are short, so this is rarely felt; a service with many
 * concurrent writers on many machines wants `postgresStore`.
 *
 * The database opens at the first call (or at `ready()`). It runs on Node's built-in `node:sqlite` when the
 * running Node has it (22.5+), else on the optional peer `better-sqlite3` (12.x on Node 20), which must then
 * be installed: a missing driver is a `ConfigError` naming the package.
 *
 * @example
 * ```ts
 * import { sqliteStore } from 'icode/stores/sqlite';
 *
 * const store = sqliteStore({ path: '.icode/sessions.db' });
 * const agent = createAgent({ model, store });
 * // … at shutdown:
 * await store.close();
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteSessionStore {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigError('sqliteStore: `path` must be a non-empty file path (or ":memory:").');
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const lockLeaseMs = options.lockLeaseMs ?? 30_000;
  const taskLeaseMs = options.taskLeaseMs ?? DEFAULT_TASK_LEASE_MS;
  const synchronous = options.synchronous ?? 'full';
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new ConfigError('sqliteStore: `busyTimeoutMs` must be a non-negative integer.');
  if (!Number.isInteger(lockLeaseMs) || lockLeaseMs < 100)
    throw new ConfigError('sqliteStore: `lockLeaseMs` must be an integer of at least 100.');
  if (!Number.isInteger(taskLeaseMs) || taskLeaseMs < 100)
    throw new ConfigError('sqliteStore: `taskLeaseMs` must be an integer of at least 100.');
  if (synchronous !== 'full' && synchronous !== 'normal')
    throw new ConfigError("sqliteStore: `synchronous` must be 'full' or 'normal'.");

  let connection: Promise<SqliteConnection> | undefined;
  let opened: SqliteConnection | undefined;
  let closed = false;
  const heldLocks = new Set<{ release(): Promise<void> }>();

  const cannotOpen = (error: unknown): StoreError =>
    new StoreError(
      `sqliteStore: cannot open ${options.path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );

  const openOnce = async (): Promise<SqliteConnection> => {
    let raw: SqliteConnection;
    try {
      // Create the folder (`.icode/` in `.icode/sessions.db`); SQLite creates only the file.
      if (options.path !== ':memory:' && !options.path.startsWith('file:')) {
        await mkdir(dirname(resolve(options.path)), { recursive: true });
      }
      raw = await openSqlite(options.path, options.driver ?? 'auto', options.importModule);
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      throw cannotOpen(error);
    }
    // Statements are prepared once per connection and reused: preparing costs as much as a small insert.
    const statements = new Map<string, ReturnType<SqliteConnection['prepare']>>();
    const db: SqliteConnection = {
      ...raw,
      prepare(sql) {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = raw.prepare(sql)));
        return statement;
      },
    };
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      // Switching to WAL needs a moment of exclusive access; another process opening the same new file may
      // hold it, and this pragma does not wait on the busy timeout everywhere, so retry it briefly.
      const deadline = Date.now() + busyTimeoutMs;
      for (;;) {
        try {
          db.exec('PRAGMA journal_mode = WAL');
          break;
        } catch (error) {
          if (Date.now() > deadline || !/locked|busy/i.test(String(error))) throw error;
          await sleep(10);
        }
      }
      db.exec(`PRAGMA synchronous = ${synchronous.toUpperCase()}`);
      migrate(db);
    } catch (error) {
      db.close();
      throw StoreError.isInstance(error) ? error : cannotOpen(error);
    }
    if (closed) {
      db.close();
      throw new StoreError('The SQLite store is closed.');
    }
    opened = db;
    return db;
  };

  const db = async (): Promise<SqliteConnection> => {
    if (closed) throw new StoreError('The SQLite store is closed.');
    connection ??= openOnce();
    try {
      return await connection;
    } catch (error) {
      // Let a later call try again (the driver may have been installed, the folder created).
      connection = undefined;
      throw error;
    }
  };

  /** Runs `work` in one write transaction; driver errors become StoreErrors, icode errors pass through. */
  const write = async <T>(sessionId: string | undefined, work: (db: SqliteConnection) => T): Promise<T> => {
    const conn = await db();
    try {
      conn.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw new StoreError(`SQLite could not start a write: ${String(error)}`, {
        cause: error,
        ...(sessionId ? { sessionId } : {}),
      });
    }
    try {
      const result = work(conn);
      conn.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        conn.exec('ROLLBACK');
      } catch {
        // The transaction is already gone (SQLite rolls back on some errors itself).
      }
      if (StoreError.isInstance(error) || error instanceof TypeError) throw error;
      throw new StoreError(`SQLite write failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        ...(sessionId ? { sessionId } : {}),
      });
    }
  };

  /** Runs `work` in one read transaction, so it sees a single consistent snapshot. */
  const read = async <T>(work: (db: SqliteConnection) => T): Promise<T> => {
    const conn = await db();
    conn.exec('BEGIN');
    try {
      return work(conn);
    } finally {
      conn.exec('COMMIT');
    }
  };

  const leases = new TaskLeases(taskLeaseMs, async (token, leaseUntil) => {
    if (!closed) renewSqliteTasks(await db(), token, leaseUntil);
  });

  const sessionRow = (conn: SqliteConnection, id: string): SessionInfo => {
    const row = conn.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(id);
    if (!row) throw new SessionNotFoundError(id);
    return toSessionInfo(row);
  };

  const insertSession = (
    conn: SqliteConnection,
    id: string,
    version: number,
    metadata: string,
    parentId: string | null,
  ): SessionInfo => {
    const time = Date.now();
    try {
      conn
        .prepare(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ${NEXT_TOUCH}, ?, ?)`)
        .run(id, version, time, time, metadata, parentId);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new StoreError(`Session ${id} already exists.`, { sessionId: id, cause: error });
      throw error;
    }
    return sessionRow(conn, id);
  };

  return {
    get driver() {
      return opened?.driver;
    },

    async ready() {
      await db();
    },

    async create(createOptions: CreateSessionOptions = {}) {
      const id = createOptions.id ?? createId('ses');
      const metadata = encodeMetadata(createOptions.metadata);
      return write(id, (conn) => insertSession(conn, id, 0, metadata, null));
    },

    async get(id) {
      return read((conn) => {
        const row = conn.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(id);
        return row ? toSessionInfo(row) : undefined;
      });
    },

    async list(listOptions: ListSessionsOptions = {}): Promise<SessionPage> {
      const plan = planList(listOptions);
      let position = plan.position;
      const pairs = exactFilterPairs(listOptions.metadata);
      const where = pairs.map(() => `metadata -> ? = ?`);
      return read((conn) => {
        const found: ListedSession[] = [];
        for (;;) {
          const conditions = position ? ['(updated_at, touch) < (?, ?)', ...where] : where;
          const params = [
            ...(position ? [position.updatedAt, position.touch] : []),
            ...pairs.flatMap(([key, value]) => [`$."${key}"`, value]),
            plan.batch,
          ];
          const rows = conn
            .prepare(
              `SELECT ${SESSION_COLUMNS} FROM sessions ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY updated_at DESC, touch DESC LIMIT ?`,
            )
            .all(...params);
          position = takeListBatch(rows, found, listOptions.metadata, plan);
          if (!position) break;
        }
        return toSessionPage(found, plan.limit);
      });
    },

    async append(id, entries: readonly SessionEntry[], appendOptions) {
      assertVersion('expectedVersion', appendOptions?.expectedVersion);
      const expectedVersion = appendOptions.expectedVersion;
      const texts = encodeEntries(id, entries);
      return write(id, (conn) => {
        const row = conn.prepare('SELECT version FROM sessions WHERE id = ?').get(id);
        if (!row) throw new SessionNotFoundError(id);
        const version = Number(row.version);
        if (version !== expectedVersion)
          throw new StoreConflictError({ sessionId: id, expectedVersion, actualVersion: version });
        const createdAt = Date.now();
        const insert = conn.prepare(
          'INSERT INTO entries (session_id, seq, schema_version, created_at, entry) VALUES (?, ?, ?, ?, ?)',
        );
        let seq = version;
        for (const text of texts) insert.run(id, ++seq, ENTRY_SCHEMA_VERSION, createdAt, text);
        conn
          .prepare(`UPDATE sessions SET version = ?, updated_at = ?, touch = ${NEXT_TOUCH} WHERE id = ?`)
          .run(seq, createdAt, id);
        return seq;
      });
    },

    async load(id): Promise<LoadedSession> {
      return read((conn) => {
        const info = sessionRow(conn, id);
        const rows = conn
          .prepare('SELECT seq, schema_version, created_at, entry FROM entries WHERE session_id = ? ORDER BY seq')
          .all(id);
        return { info, entries: rows.map(toStoredEntry) };
      });
    },

    async truncate(id, truncateOptions) {
      assertVersion('version', truncateOptions?.version);
      const { version, expectedVersion } = truncateOptions;
      return write(id, (conn) => {
        checkTruncate(sessionRow(conn, id), version, expectedVersion);
        conn.prepare('DELETE FROM entries WHERE session_id = ? AND seq > ?').run(id, version);
        conn
          .prepare(`UPDATE sessions SET version = ?, updated_at = ?, touch = ${NEXT_TOUCH} WHERE id = ?`)
          .run(version, Date.now(), id);
        return sessionRow(conn, id);
      });
    },

    async fork(id, forkOptions = {}) {
      const forkId = forkOptions.id ?? createId('ses');
      const metadata = forkOptions.metadata === undefined ? undefined : encodeMetadata(forkOptions.metadata);
      if (forkOptions.version !== undefined) assertVersion('version', forkOptions.version);
      return write(id, (conn) => {
        const source = sessionRow(conn, id);
        const version = forkVersion(source, forkOptions.version);
        const info = insertSession(conn, forkId, version, metadata ?? JSON.stringify(source.metadata), id);
        conn
          .prepare(
            'INSERT INTO entries (session_id, seq, schema_version, created_at, entry) SELECT ?, seq, schema_version, created_at, entry FROM entries WHERE session_id = ? AND seq <= ?',
          )
          .run(forkId, id, version);
        return info;
      });
    },

    async delete(id) {
      await write(id, (conn) => {
        conn.prepare('DELETE FROM entries WHERE session_id = ?').run(id);
        conn.prepare('DELETE FROM sessions WHERE id = ?').run(id);
        conn.prepare('DELETE FROM tasks WHERE session_id = ?').run(id);
      });
    },

    ...sqliteLocks({ write, db, lockLeaseMs, heldLocks, isClosed: () => closed }),

    ...sqliteTasks({ write, read, leases }),

    async close() {
      if (closed) return;
      await Promise.allSettled([...heldLocks].map((lock) => lock.release()));
      leases.stop();
      closed = true;
      const pending = connection;
      connection = undefined;
      if (!pending) return;
      try {
        (await pending).close();
      } catch {
        // It never opened: nothing to close.
      }
      opened = undefined;
    },
  };
}
