/** The numbered schema migrations of the SQLite store, applied once each and recorded. */
import { StoreError } from '../../errors/store-error.js';
import type { SqliteConnection } from './driver.js';

/** One schema step. Numbers are never reused or edited once released; add a new one instead. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'sessions, entries and session locks',
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        touch INTEGER NOT NULL,
        metadata TEXT NOT NULL,
        parent_id TEXT
      );
      CREATE INDEX sessions_recent ON sessions (updated_at DESC, touch DESC);
      CREATE INDEX sessions_touch ON sessions (touch);
      CREATE TABLE entries (
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        schema_version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE session_locks (
        session_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'run lock holders: host, pid, start time',
    // Columns added, nothing rewritten: rows of a lock taken before stay valid (and are judged by their
    // lease alone, since their holder is unknown).
    sql: `
      ALTER TABLE session_locks ADD COLUMN host TEXT;
      ALTER TABLE session_locks ADD COLUMN pid INTEGER;
      ALTER TABLE session_locks ADD COLUMN started TEXT;
      ALTER TABLE session_locks ADD COLUMN scope TEXT;
      ALTER TABLE session_locks ADD COLUMN acquired_at INTEGER;
    `,
  },
  {
    version: 3,
    name: 'background task records',
    // The record is JSON text; the columns beside it are what the store itself reads: the revision checked
    // on write, the status and owner judged on read, and the lease its owner renews.
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        record TEXT NOT NULL,
        owner_token TEXT,
        host TEXT,
        pid INTEGER,
        started TEXT,
        scope TEXT,
        lease_until INTEGER
      );
      CREATE INDEX tasks_session ON tasks (session_id, created_at);
      CREATE INDEX tasks_owner ON tasks (owner_token);
    `,
  },
];

/**
 * Brings the database to the latest schema in one `BEGIN IMMEDIATE` transaction, so processes that open
 * the same new file at once apply each migration exactly once.
 */
export function migrate(db: SqliteConnection, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const applied = new Set(
      db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((row) => Number(row.version)),
    );
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    const newer = [...applied].filter((v) => v > latest);
    if (newer.length > 0) {
      throw new StoreError(
        `The SQLite database has schema migration ${Math.max(...newer)}, newer than this version of icode knows (${latest}); upgrade icode.`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
