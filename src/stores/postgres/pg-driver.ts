/** The parts of the `pg` package the Postgres store uses, typed structurally, and its lazy loader. Internal. */
import { ConfigError } from '../../errors/config-error.js';

/** A query result. */
export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A connection checked out of a pool (`pg.PoolClient`). */
export interface PgClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A connection pool (`pg.Pool`, or anything shaped like it). */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max?: number;
  }) => PgPool & { on(event: 'error', listener: (error: Error) => void): unknown };
}

/** Loads `pg` (an optional peer dependency) and opens a pool; a missing package is a ConfigError naming it. */
export async function createPgPool(
  connectionString: string,
  max: number,
  load: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<PgPool> {
  let mod: { default?: PgModule } & Partial<PgModule>;
  try {
    mod = (await load('pg')) as typeof mod;
  } catch (error) {
    throw new ConfigError('postgresStore needs the optional peer dependency pg: run `npm install pg`.', {
      cause: error,
    });
  }
  const Pool = mod.Pool ?? mod.default?.Pool;
  if (!Pool) throw new ConfigError('postgresStore: the installed pg package has no Pool export; install pg 8.');
  const pool = new Pool({ connectionString, max });
  // An idle pooled connection that the server drops emits 'error' on the pool; the pool discards it, and
  // without a listener Node would end the process.
  pool.on('error', () => undefined);
  return pool;
}
