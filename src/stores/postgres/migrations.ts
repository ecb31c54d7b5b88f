/** The numbered schema migrations of the Postgres store, applied under an advisory lock and recorded. */
import { StoreError } from '../../errors/store-error.js';
import type { PgClient } from './pg-driver.js';

/** Quoted names of the store's objects in its schema, with its table prefix. */
export interface PgNames {
  readonly schema: string;
  readonly prefix: string;
  /** `"schema"."prefix<name>"`. */
  table(name: string): string;
}

/** One schema step. Numbers are never reused or edited once released; add a new one instead. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  sql(names: PgNames): string;
}

/** Every migration, in order. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'sessions, entries and the append function',
    sql: (n) => `
      CREATE SEQUENCE ${n.table('session_touch')};
      CREATE TABLE ${n.table('sessions')} (
        id text PRIMARY KEY,
        version integer NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        touch bigint NOT NULL DEFAULT nextval('${n.table('session_touch')}'),
        metadata text NOT NULL,
        metadata_jsonb jsonb NOT NULL,
        parent_id text
      );
      CREATE INDEX ${quote(`${n.prefix}sessions_recent`)} ON ${n.table('sessions')} (updated_at DESC, touch DESC);
      CREATE INDEX ${quote(`${n.prefix}sessions_metadata`)} ON ${n.table('sessions')} USING gin (metadata_jsonb jsonb_path_ops);
      CREATE TABLE ${n.table('entries')} (
        session_id text NOT NULL REFERENCES ${n.table('sessions')} (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        schema_version integer NOT NULL,
        created_at bigint NOT NULL,
        entry text NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      -- One round trip per append. The conditional UPDATE takes the session row lock and checks the version
      -- in one step (a concurrent appender waits on the lock, then finds the version moved on); the unique
      -- (session_id, seq) backs it. Returns the new version, -1 for an unknown session, or -2 - actual for
      -- a version conflict.
      CREATE FUNCTION ${n.table('append')}(p_id text, p_expected integer, p_entries text[], p_now bigint, p_schema integer)
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        current integer;
        added integer := coalesce(cardinality(p_entries), 0);
      BEGIN
        UPDATE ${n.table('sessions')}
          SET version = p_expected + added, updated_at = p_now, touch = nextval('${n.table('session_touch')}')
          WHERE id = p_id AND version = p_expected;
        IF NOT FOUND THEN
          SELECT version INTO current FROM ${n.table('sessions')} WHERE id = p_id;
          IF NOT FOUND THEN RETURN -1; END IF;
          RETURN -2 - current;
        END IF;
        INSERT INTO ${n.table('entries')} (session_id, seq, schema_version, created_at, entry)
          SELECT p_id, p_expected + t.ord::integer, p_schema, p_now, t.e FROM unnest(p_entries) WITH ORDINALITY AS t(e, ord);
        RETURN p_expected + added;
      END
      $fn$;
    `,
  },
  {
    version: 2,
    name: 'background task records',
    // Not tied to the sessions table: a task's session may live in another store. The record is JSON text;
    // the columns beside it are the revision checked on write, the status and owner judged on read, and
    // the lease its owner renews.
    sql: (n) => `
      CREATE TABLE ${n.table('tasks')} (
        id text PRIMARY KEY,
        session_id text NOT NULL,
        revision integer NOT NULL,
        status text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        record text NOT NULL,
        owner_token text,
        host text,
        pid integer,
        started text,
        scope text,
        lease_until bigint
      );
      CREATE INDEX ${quote(`${n.prefix}tasks_session`)} ON ${n.table('tasks')} (session_id, created_at);
      CREATE INDEX ${quote(`${n.prefix}tasks_owner`)} ON ${n.table('tasks')} (owner_token);
    `,
  },
];

/** Quotes an identifier already checked against `[A-Za-z0-9_]`. */
export function quote(identifier: string): string {
  return `"${identifier}"`;
}

/**
 * Brings the schema to the latest version in one transaction, under a transaction-scoped advisory lock
 * keyed by schema and prefix, so processes that start at once apply each migration exactly once.
 */
export async function migrate(
  client: PgClient,
  names: PgNames,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `icode:migrate:${names.schema}.${names.prefix}`,
    ]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
    if (exists.rows.length === 0) await client.query(`CREATE SCHEMA ${quote(names.schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.table('schema_migrations')} (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
    );
    const applied = new Set(
      (await client.query(`SELECT version FROM ${names.table('schema_migrations')}`)).rows.map((r) =>
        Number(r.version),
      ),
    );
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    const newer = [...applied].filter((v) => v > latest);
    if (newer.length > 0) {
      throw new StoreError(
        `The Postgres schema ${names.schema} has migration ${Math.max(...newer)}, newer than this version of icode knows (${latest}); upgrade icode.`,
      );
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(names));
      await client.query(
        `INSERT INTO ${names.table('schema_migrations')} (version, name, applied_at) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, Date.now()],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
