/**
 * The small synchronous SQLite interface the store needs, over Node's built-in `node:sqlite` or the
 * `better-sqlite3` package. Internal to `icode/stores/sqlite`.
 */
import { ConfigError } from '../../errors/config-error.js';

/** A value bound to a statement parameter. */
export type SqliteValue = string | number | bigint | null | Uint8Array;

/** A row as the drivers return it. */
export type SqliteRow = Record<string, unknown>;

/** A prepared statement. */
export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint };
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
}

/** An open database connection. */
export interface SqliteConnection {
  /** Which driver is in use. */
  readonly driver: SqliteDriverName;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** The SQLite drivers icode can use. */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** Loads a module by name; replaced in tests to simulate a missing package. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

// A variable specifier keeps TypeScript from resolving `node:sqlite`, which Node 20's types do not have,
// and keeps bundlers from trying to include either module.
const importModule: ModuleImporter = (specifier) => import(specifier);

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => SqliteConnectionLike;
}
interface BetterSqliteModule {
  default: new (path: string, options?: { timeout?: number }) => SqliteConnectionLike;
}
interface SqliteConnectionLike {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

function wrap(driver: SqliteDriverName, db: SqliteConnectionLike): SqliteConnection {
  return {
    driver,
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => void db.close(),
  };
}

/**
 * Opens `path` with the chosen driver. `auto` takes `node:sqlite` when the running Node has it (22.5 and
 * later; on 22.5 to 22.12 only with `--experimental-sqlite`), else `better-sqlite3`.
 */
export async function openSqlite(
  path: string,
  choice: SqliteDriverName | 'auto',
  load: ModuleImporter = importModule,
): Promise<SqliteConnection> {
  if (choice === 'auto' || choice === 'node:sqlite') {
    let nodeSqlite: NodeSqliteModule | undefined;
    try {
      nodeSqlite = (await load('node:sqlite')) as NodeSqliteModule;
    } catch (error) {
      if (choice === 'node:sqlite') {
        throw new ConfigError(
          `sqliteStore: driver 'node:sqlite' needs Node 22.5 or later (this is Node ${process.versions.node}); use driver 'better-sqlite3' or 'auto'.`,
          { cause: error },
        );
      }
    }
    if (nodeSqlite) return wrap('node:sqlite', new nodeSqlite.DatabaseSync(path));
  }
  let betterSqlite: BetterSqliteModule;
  try {
    betterSqlite = (await load('better-sqlite3')) as BetterSqliteModule;
  } catch (error) {
    throw new ConfigError(
      `sqliteStore needs the optional peer dependency better-sqlite3 on Node ${process.versions.node} (node:sqlite needs Node 22.5+): run \`npm install better-sqlite3\`.`,
      { cause: error },
    );
  }
  return wrap('better-sqlite3', new betterSqlite.default(path));
}
