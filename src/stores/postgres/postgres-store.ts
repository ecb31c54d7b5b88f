import { ConfigError } from '../../errors/config-error.js';
import { SessionNotFoundError, StoreConflictError, StoreError } from '../../errors/store-error.js';
import { createId } from '../../internal/ids.js';
import type { JsonValue } from '../../model/message.js';
import { encodeEntries, encodeMetadata } from '../sqlite/codec.js';
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
import type { SessionLock } from '../types.js';
import {
  ENTRY_SCHEMA_VERSION,
  type CreateSessionOptions,
  type ListSessionsOptions,
  type LoadedSession,
  type SessionEntry,
  type SessionInfo,
  type SessionPage,
} from '../types.js';
import { migrate, quote, type PgNames } from './migrations.js';
import { createPgPool, type PgClient, type PgPool } from './pg-driver.js';
import { postgresLocks } from './postgres-locks.js';
import { postgresTasks } from './postgres-tasks.js';
import { DEFAULT_TASK_LEASE_MS, TaskLeases } from '../sqlite/task-rows.js';
import type { PostgresConnection, PostgresSessionStore, PostgresStoreOptions } from './postgres-types.js';

export type { PostgresConnection, PostgresSessionStore, PostgresStoreOptions } from './postgres-types.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIX = /^[A-Za-z0-9_]*$/;
const SESSION_COLUMNS = 'id, version, created_at, updated_at, touch, metadata, parent_id';

// A `\u0000` escape that is not itself an escaped backslash followed by `u0000`.
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** Encodes metadata for the JSONB column, which cannot hold NUL characters. */
function encodeJsonbMetadata(metadata: Readonly<Record<string, JsonValue>> | undefined, sessionId: string): string {
  const text = encodeMetadata(metadata);
  if (NUL_ESCAPE.test(text)) {
    throw new StoreError(
      `Session ${sessionId}: Postgres cannot keep NUL characters (\\u0000) in session metadata (JSONB).`,
      {
        sessionId,
      },
    );
  }
  return text;
}

const pgCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

/**
 * A durable `SessionStore` in Postgres, for services running on many processes and machines. Appends run
 * as one statement that locks the session row, checks `expectedVersion` and inserts (a unique
 * `(session_id, seq)` backs it), so per-session order holds under any concurrency. `list` pre-selects by
 * metadata with JSONB containment (`@>`, GIN-indexed). Migrations are numbered, recorded in
 * `schema_migrations`, and run under `pg_advisory_xact_lock` so concurrent starters do not race.
 *
 * `pg` is an optional peer dependency, loaded at the first call (or at `ready()`). `close()` ends the pool
 * only when the store created it from a connection string.
 *
 * @example
 * ```ts
 * import { postgresStore } from 'icode/stores/postgres';
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL! }, { schema: 'agents' });
 * const lock = await store.lockSession(sessionId);
 * try {
 *   await createAgent({ model, store }).run('Continue', { sessionId });
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export function postgresStore(
  connection: PostgresConnection,
  options: PostgresStoreOptions = {},
): PostgresSessionStore {
  const schema = options.schema ?? 'public';
  const prefix = options.tablePrefix ?? '';
  if (!IDENTIFIER.test(schema) || schema.length > 63)
    throw new ConfigError(`postgresStore: invalid schema name ${JSON.stringify(schema)}: use letters, digits and _.`);
  if (!PREFIX.test(prefix) || prefix.length > 40)
    throw new ConfigError(
      `postgresStore: invalid tablePrefix ${JSON.stringify(prefix)}: use up to 40 letters, digits and _.`,
    );
  const taskLeaseMs = options.taskLeaseMs ?? DEFAULT_TASK_LEASE_MS;
  if (!Number.isInteger(taskLeaseMs) || taskLeaseMs < 100)
    throw new ConfigError('postgresStore: `taskLeaseMs` must be an integer of at least 100.');
  const ownsPool = !('pool' in connection);
  if ('pool' in connection) {
    if (typeof connection.pool?.connect !== 'function')
      throw new ConfigError('postgresStore: `pool` must be a pg Pool.');
  } else if (typeof connection?.connectionString !== 'string' || connection.connectionString.length === 0) {
    throw new ConfigError('postgresStore: pass { connectionString } or { pool }.');
  }
  const names: PgNames = { schema, prefix, table: (name) => `${quote(schema)}.${quote(prefix + name)}` };
  const sessions = names.table('sessions');
  const entriesTable = names.table('entries');
  const tasksTable = names.table('tasks');
  const lockNamespace = `icode:${schema}.${prefix}:`;

  let started: Promise<PgPool> | undefined;
  let closed = false;
  const heldLocks = new Set<SessionLock>();

  const start = async (): Promise<PgPool> => {
    const created =
      'pool' in connection
        ? connection.pool
        : await createPgPool(connection.connectionString, connection.poolSize ?? 10, options.importModule);
    try {
      const client = await created.connect();
      try {
        await migrate(client, names);
      } finally {
        client.release();
      }
    } catch (error) {
      if (ownsPool) await created.end().catch(() => undefined);
      throw StoreError.isInstance(error)
        ? error
        : new StoreError(`postgresStore: cannot open the store: ${describe(error)}`, { cause: error });
    }
    return created;
  };

  const ready = async (): Promise<PgPool> => {
    if (closed) throw new StoreError('The Postgres store is closed.');
    started ??= start();
    try {
      return await started;
    } catch (error) {
      started = undefined;
      throw error;
    }
  };

  const wrap = (error: unknown, sessionId?: string): unknown => {
    if (StoreError.isInstance(error) || ConfigError.isInstance(error) || error instanceof TypeError) return error;
    return new StoreError(`Postgres store failed: ${describe(error)}`, {
      cause: error,
      ...(sessionId ? { sessionId } : {}),
    });
  };

  const locks = postgresLocks({ ready, wrap, lockNamespace, heldLocks, isClosed: () => closed });

  /** Runs `work` in one transaction on one pooled connection. */
  const transaction = async <T>(sessionId: string | undefined, work: (client: PgClient) => Promise<T>): Promise<T> => {
    const client = await (await ready()).connect().catch((error: unknown) => Promise.reject(wrap(error, sessionId)));
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').then(
        () => client.release(),
        (rollbackError: unknown) => client.release(rollbackError instanceof Error ? rollbackError : true),
      );
      throw wrap(error, sessionId);
    }
  };

  const query = async (text: string, values: unknown[], sessionId?: string): Promise<Record<string, unknown>[]> => {
    const p = await ready();
    try {
      return (await p.query(text, values)).rows;
    } catch (error) {
      throw wrap(error, sessionId);
    }
  };

  const leases = new TaskLeases(taskLeaseMs, (token, leaseUntil) =>
    closed
      ? undefined
      : query(`UPDATE ${tasksTable} SET lease_until = $1 WHERE owner_token = $2 AND status IN ('pending', 'running')`, [
          leaseUntil,
          token,
        ]),
  );

  const lockedSession = async (client: PgClient, id: string): Promise<SessionInfo> => {
    const { rows } = await client.query(`SELECT ${SESSION_COLUMNS} FROM ${sessions} WHERE id = $1 FOR UPDATE`, [id]);
    if (!rows[0]) throw new SessionNotFoundError(id);
    return toSessionInfo(rows[0]);
  };

  const insertSession = async (
    client: PgClient,
    id: string,
    version: number,
    metadata: string,
    parentId: string | null,
  ): Promise<SessionInfo> => {
    const now = Date.now();
    try {
      const { rows } = await client.query(
        `INSERT INTO ${sessions} (id, version, created_at, updated_at, metadata, metadata_jsonb, parent_id)
         VALUES ($1, $2, $3, $3, $4::text, $4::text::jsonb, $5) RETURNING ${SESSION_COLUMNS}`,
        [id, version, now, metadata, parentId],
      );
      return toSessionInfo(rows[0]!);
    } catch (error) {
      if (pgCode(error) === '23505')
        throw new StoreError(`Session ${id} already exists.`, { sessionId: id, cause: error });
      throw error;
    }
  };

  return {
    async ready() {
      await ready();
    },

    async create(createOptions: CreateSessionOptions = {}) {
      const id = createOptions.id ?? createId('ses');
      const metadata = encodeJsonbMetadata(createOptions.metadata, id);
      return transaction(id, (client) => insertSession(client, id, 0, metadata, null));
    },

    async get(id) {
      const [row] = await query(`SELECT ${SESSION_COLUMNS} FROM ${sessions} WHERE id = $1`, [id], id);
      return row ? toSessionInfo(row) : undefined;
    },

    async list(listOptions: ListSessionsOptions = {}): Promise<SessionPage> {
      const plan = planList(listOptions);
      let position = plan.position;
      const filter =
        listOptions.metadata && Object.keys(listOptions.metadata).length > 0
          ? encodeMetadata(listOptions.metadata)
          : undefined;
      // No stored metadata holds a NUL (create refuses it), and JSONB cannot parse one.
      if (filter && NUL_ESCAPE.test(filter)) return { sessions: [] };
      const found: ListedSession[] = [];
      for (;;) {
        const conditions: string[] = [];
        const values: unknown[] = [];
        if (position) {
          values.push(position.updatedAt, position.touch);
          conditions.push('(updated_at, touch) < ($1, $2)');
        }
        // Containment selects a superset of exact matches (arrays and objects may hold more); the exact
        // check below keeps the memory store's semantics.
        if (filter) conditions.push(`metadata_jsonb @> $${values.push(filter)}::jsonb`);
        values.push(plan.batch);
        const rows = await query(
          `SELECT ${SESSION_COLUMNS} FROM ${sessions} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
           ORDER BY updated_at DESC, touch DESC LIMIT $${values.length}`,
          values,
        );
        position = takeListBatch(rows, found, listOptions.metadata, plan);
        if (!position) break;
      }
      return toSessionPage(found, plan.limit);
    },

    async append(id, entries: readonly SessionEntry[], appendOptions) {
      assertVersion('expectedVersion', appendOptions?.expectedVersion);
      const expectedVersion = appendOptions.expectedVersion;
      const texts = encodeEntries(id, entries);
      const [row] = await query(
        `SELECT ${names.table('append')}($1, $2, $3::text[], $4, $5) AS result`,
        [id, expectedVersion, texts, Date.now(), ENTRY_SCHEMA_VERSION],
        id,
      );
      const result = Number(row?.result);
      if (result === -1) throw new SessionNotFoundError(id);
      if (result < -1) throw new StoreConflictError({ sessionId: id, expectedVersion, actualVersion: -2 - result });
      return result;
    },

    async load(id): Promise<LoadedSession> {
      // REPEATABLE READ gives both queries one snapshot, so the info matches the entries.
      const client = await (await ready()).connect().catch((error: unknown) => Promise.reject(wrap(error, id)));
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows: infoRows } = await client.query(`SELECT ${SESSION_COLUMNS} FROM ${sessions} WHERE id = $1`, [id]);
        if (!infoRows[0]) throw new SessionNotFoundError(id);
        const { rows } = await client.query(
          `SELECT seq, schema_version, created_at, entry FROM ${entriesTable} WHERE session_id = $1 ORDER BY seq`,
          [id],
        );
        await client.query('COMMIT');
        client.release();
        return { info: toSessionInfo(infoRows[0]), entries: rows.map(toStoredEntry) };
      } catch (error) {
        await client.query('ROLLBACK').then(
          () => client.release(),
          () => client.release(true),
        );
        throw wrap(error, id);
      }
    },

    async truncate(id, truncateOptions) {
      assertVersion('version', truncateOptions?.version);
      const { version, expectedVersion } = truncateOptions;
      return transaction(id, async (client) => {
        checkTruncate(await lockedSession(client, id), version, expectedVersion);
        await client.query(`DELETE FROM ${entriesTable} WHERE session_id = $1 AND seq > $2`, [id, version]);
        const { rows } = await client.query(
          `UPDATE ${sessions} SET version = $2, updated_at = $3, touch = nextval('${names.table('session_touch')}') WHERE id = $1 RETURNING ${SESSION_COLUMNS}`,
          [id, version, Date.now()],
        );
        return toSessionInfo(rows[0]!);
      });
    },

    async fork(id, forkOptions = {}) {
      const forkId = forkOptions.id ?? createId('ses');
      const metadata =
        forkOptions.metadata === undefined ? undefined : encodeJsonbMetadata(forkOptions.metadata, forkId);
      if (forkOptions.version !== undefined) assertVersion('version', forkOptions.version);
      return transaction(id, async (client) => {
        // FOR UPDATE keeps appends and truncates out until the copy is done.
        const source = await lockedSession(client, id);
        const version = forkVersion(source, forkOptions.version);
        const info = await insertSession(client, forkId, version, metadata ?? JSON.stringify(source.metadata), id);
        await client.query(
          `INSERT INTO ${entriesTable} (session_id, seq, schema_version, created_at, entry)
           SELECT $1, seq, schema_version, created_at, entry FROM ${entriesTable} WHERE session_id = $2 AND seq <= $3`,
          [forkId, id, version],
        );
        return info;
      });
    },

    async delete(id) {
      // Entries go with the session (ON DELETE CASCADE); tasks, not tied to the table, in the same statement.
      await query(
        `WITH gone AS (DELETE FROM ${tasksTable} WHERE session_id = $1) DELETE FROM ${sessions} WHERE id = $1`,
        [id],
        id,
      );
    },

    ...locks.methods,

    ...postgresTasks({ table: tasksTable, transaction, query, leases }),

    async close() {
      if (closed) return;
      closed = true;
      leases.stop();
      await Promise.allSettled([...heldLocks].map((lock) => lock.release()));
      await locks.close();
      const pending = started;
      started = undefined;
      if (!pending) return;
      const opened = await pending.catch(() => undefined);
      if (opened && ownsPool) await opened.end();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
