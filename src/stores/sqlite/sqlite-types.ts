/** The public types of the SQLite store: its options and the store's own methods. */
import type {
  LockSessionOptions,
  PutTaskOptions,
  SessionLock,
  SessionStore,
  TaskRecord,
  TaskRecordInput,
} from '../types.js';
import type { ModuleImporter, SqliteDriverName } from './driver.js';

/** Options of `sqliteStore`. */
export interface SqliteStoreOptions {
  /** The database file, created with its folder when missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  /** How long a write waits for another connection's write lock, in milliseconds. @defaultValue 5000 */
  readonly busyTimeoutMs?: number;
  /**
   * `auto` uses Node's built-in `node:sqlite` when the running Node has it (22.5+), else the optional peer
   * `better-sqlite3`.
   * @defaultValue 'auto'
   */
  readonly driver?: SqliteDriverName | 'auto';
  /**
   * SQLite's `synchronous` setting. `full` syncs the WAL on every commit, so an append that returned
   * survives a power loss; `normal` survives a crashed process but may lose the last appends on power loss.
   * @defaultValue 'full'
   */
  readonly synchronous?: 'full' | 'normal';
  /**
   * The lease of a run lock, in milliseconds; live holders renew it. A holder that died on this machine
   * frees its lock at once; one that died on another machine (a file on a shared disk) or that cannot be
   * checked blocks others until its lease runs out. @defaultValue 30000
   */
  readonly lockLeaseMs?: number;
  /**
   * The lease of a pending or running task's record, in milliseconds; the store renews it while the task
   * runs. A task whose process died on this machine reads as `interrupted` at once; one whose process ran
   * elsewhere (a file on a shared disk) once its lease ran out. @defaultValue 30000
   */
  readonly taskLeaseMs?: number;
  /** @internal Replaces the module loader, to test a missing driver. */
  readonly importModule?: ModuleImporter;
}

/**
 * A `SessionStore` in a SQLite file, with a per-session run lock: two processes sharing the file never run
 * the same session at once when both take the lock.
 */
export interface SqliteSessionStore extends SessionStore {
  /** Opens the database and applies migrations now instead of at the first call; rejects on a bad path or a missing driver. */
  ready(): Promise<void>;
  /**
   * Waits until this caller holds the run lock of `sessionId`. The lock is a leased row that records the
   * holder's host, pid and process start time: a holder on this machine whose process is gone (killed,
   * crashed; a reused pid is told apart by its start time on Linux) loses the lock at once; any other
   * holder keeps it until its lease (`lockLeaseMs`) runs out. `onWait` is told the holder's host and pid.
   */
  lockSession(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  /** Takes the run lock of `sessionId` if it is free, else returns `undefined` at once. */
  tryLockSession(sessionId: string): Promise<SessionLock | undefined>;
  /** Writes a background task record; see {@link SessionStore.putTask}. */
  putTask(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(sessionId: string): Promise<readonly TaskRecord[]>;
  /** The driver in use, once open. */
  readonly driver: SqliteDriverName | undefined;
}
