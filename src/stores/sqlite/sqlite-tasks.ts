/**
 * Background task records in the SQLite store: the `tasks` table, written with a revision check in one
 * transaction. Internal to `icode/stores/sqlite`.
 */
import { checkTaskInput, taskConflict, taskMoved } from '../task-helpers.js';
import type { PutTaskOptions, TaskRecord, TaskRecordInput } from '../types.js';
import type { SqliteConnection } from './driver.js';
import { ownerColumns, TASK_COLUMNS, toTaskRecord, type TaskLeases } from './task-rows.js';

/** What the task methods need from the store that owns them. */
export interface SqliteTaskContext {
  /** Runs `work` in one write transaction of the store. */
  readonly write: <T>(sessionId: string | undefined, work: (db: SqliteConnection) => T) => Promise<T>;
  /** Runs `work` in one read transaction of the store. */
  readonly read: <T>(work: (db: SqliteConnection) => T) => Promise<T>;
  /** Renews the leases of the running tasks this store wrote. */
  readonly leases: TaskLeases;
}

/** The `putTask`, `getTask` and `listTasks` methods of a SQLite store. */
export function sqliteTasks(context: SqliteTaskContext): {
  putTask(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(sessionId: string): Promise<readonly TaskRecord[]>;
} {
  const { write, read, leases } = context;
  return {
    async putTask(task, options) {
      const text = checkTaskInput(task, options);
      const stored = await write(task.sessionId, (conn) => {
        const row = conn.prepare('SELECT revision, session_id FROM tasks WHERE id = ?').get(task.id);
        const actual = row ? Number(row.revision) : 0;
        if (actual !== options.expectedRevision) throw taskConflict(task, options.expectedRevision, actual);
        if (row && row.session_id !== task.sessionId) throw taskMoved(task, String(row.session_id));
        const now = Date.now();
        conn
          .prepare(
            `INSERT OR REPLACE INTO tasks (id, session_id, revision, status, created_at, updated_at, record, owner_token, host, pid, started, scope, lease_until)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            task.id,
            task.sessionId,
            actual + 1,
            task.status,
            task.createdAt,
            now,
            text,
            ...(ownerColumns(task.status, leases.token, leases.leaseMs, now) as (string | number | null)[]),
          );
        return toTaskRecord(conn.prepare(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`).get(task.id)!, now);
      });
      leases.track(task.id, task.status);
      return stored;
    },

    async getTask(taskId) {
      return read((conn) => {
        const row = conn.prepare(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`).get(taskId);
        return row ? toTaskRecord(row) : undefined;
      });
    },

    async listTasks(sessionId) {
      return read((conn) =>
        conn
          .prepare(`SELECT ${TASK_COLUMNS} FROM tasks WHERE session_id = ? ORDER BY created_at, id`)
          .all(sessionId)
          .map((row) => toTaskRecord(row)),
      );
    },
  };
}

/** Extends the lease of every pending or running task `token` marks. */
export function renewSqliteTasks(conn: SqliteConnection, token: string, leaseUntil: number): void {
  conn
    .prepare("UPDATE tasks SET lease_until = ? WHERE owner_token = ? AND status IN ('pending', 'running')")
    .run(leaseUntil, token);
}
