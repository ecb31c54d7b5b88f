/** The public types of the Postgres store: its connection, options and the store's own methods. */
import type {
  LockSessionOptions,
  PutTaskOptions,
  SessionLock,
  SessionStore,
  TaskRecord,
  TaskRecordInput,
} from '../types.js';
import type { PgPool } from './pg-driver.js';

/** Where the Postgres store connects: a connection string (the store owns the pool) or your own pool. */
export type PostgresConnection =
  { readonly connectionString: string; readonly poolSize?: number } | { readonly pool: PgPool };

/** Options of `postgresStore`. */
export interface PostgresStoreOptions {
  /** The schema holding the tables, created when missing. @defaultValue 'public' */
  readonly schema?: string;
  /** Prepended to every table name, e.g. `icode_`. Letters, digits and `_`. @defaultValue '' */
  readonly tablePrefix?: string;
  /**
   * The lease of a pending or running task's record, in milliseconds; the store renews it while the task
   * runs. A task whose process died on this machine reads as `interrupted` at once; one whose process ran
   * on another machine once its lease ran out. @defaultValue 30000
   */
  readonly taskLeaseMs?: number;
  /** @internal Replaces the module loader, to test a missing `pg`. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
}

/**
 * A `SessionStore` in Postgres, with a per-session run lock so that two workers (processes or machines)
 * never run the same session at once.
 */
export interface PostgresSessionStore extends SessionStore {
  /** Connects and applies migrations now instead of at the first call. */
  ready(): Promise<void>;
  /**
   * Waits until this caller holds the run lock of `sessionId`: a session-level `pg_advisory_lock` held until
   * `release()` on the one connection of the pool the store keeps for its locks (or until that connection
   * ends, so a crashed worker's locks free themselves: at once when its process dies, since the operating
   * system closes its socket; after the server's TCP keepalive when its whole machine vanishes, so set
   * `tcp_keepalives_idle` low on the server). A pool you pass needs at least two connections: one for the
   * locks, one or more for everything else. `onWait` is not told the holder.
   */
  lockSession(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  /** Takes the run lock of `sessionId` if it is free, else returns `undefined` at once. */
  tryLockSession(sessionId: string): Promise<SessionLock | undefined>;
  /** Writes a background task record; see {@link SessionStore.putTask}. */
  putTask(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(sessionId: string): Promise<readonly TaskRecord[]>;
}
