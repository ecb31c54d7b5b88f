/**
 * Background task records in the Postgres store: the `tasks` table, written with a revision check under
 * the row lock. Internal to `icode/stores/postgres`.
 */
import { checkTaskInput, taskConflict, taskMoved } from '../task-helpers.js';
import { ownerColumns, TASK_COLUMNS, toTaskRecord, type TaskLeases } from '../sqlite/task-rows.js';
import type { PutTaskOptions, TaskRecord, TaskRecordInput } from '../types.js';
import type { PgClient } from './pg-driver.js';

/** What the task methods need from the store that owns them. */
export interface PostgresTaskContext {
  /** The quoted `tasks` table. */
  readonly table: string;
  /** Runs `work` in one transaction on one pooled connection. */
  readonly transaction: <T>(sessionId: string | undefined, work: (client: PgClient) => Promise<T>) => Promise<T>;
  /** Runs one statement. */
  readonly query: (text: string, values: unknown[], sessionId?: string) => Promise<Record<string, unknown>[]>;
  /** Renews the leases of the running tasks this store wrote. */
  readonly leases: TaskLeases;
}

const pgCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

/** The `putTask`, `getTask` and `listTasks` methods of a Postgres store. */
export function postgresTasks(context: PostgresTaskContext): {
  putTask(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(sessionId: string): Promise<readonly TaskRecord[]>;
} {
  const { table, transaction, query, leases } = context;
  return {
    async putTask(task, options) {
      const text = checkTaskInput(task, options);
      const stored = await transaction(task.sessionId, async (client) => {
        const { rows } = await client.query(`SELECT revision, session_id FROM ${table} WHERE id = $1 FOR UPDATE`, [
          task.id,
        ]);
        const actual = rows[0] ? Number(rows[0].revision) : 0;
        if (actual !== options.expectedRevision) throw taskConflict(task, options.expectedRevision, actual);
        if (rows[0] && rows[0].session_id !== task.sessionId) throw taskMoved(task, String(rows[0].session_id));
        const now = Date.now();
        const owner = ownerColumns(task.status, leases.token, leases.leaseMs, now);
        // An update finds its row locked by the check above; a create may race another creator, whose row
        // then fails the unique key.
        try {
          const { rows: written } =
            actual === 0
              ? await client.query(
                  `INSERT INTO ${table} (id, session_id, revision, status, created_at, updated_at, record, owner_token, host, pid, started, scope, lease_until)
                   VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${TASK_COLUMNS}`,
                  [task.id, task.sessionId, task.status, task.createdAt, now, text, ...owner],
                )
              : await client.query(
                  `UPDATE ${table} SET revision = $2, status = $3, updated_at = $4, record = $5, owner_token = $6, host = $7,
                     pid = $8, started = $9, scope = $10, lease_until = $11
                   WHERE id = $1 RETURNING ${TASK_COLUMNS}`,
                  [task.id, actual + 1, task.status, now, text, ...owner],
                );
          return toTaskRecord(written[0]!, now);
        } catch (error) {
          if (pgCode(error) === '23505') throw taskConflict(task, options.expectedRevision, 1);
          throw error;
        }
      });
      leases.track(task.id, task.status);
      return stored;
    },

    async getTask(taskId) {
      const [row] = await query(`SELECT ${TASK_COLUMNS} FROM ${table} WHERE id = $1`, [taskId]);
      return row ? toTaskRecord(row) : undefined;
    },

    async listTasks(sessionId) {
      const rows = await query(
        `SELECT ${TASK_COLUMNS} FROM ${table} WHERE session_id = $1 ORDER BY created_at, id`,
        [sessionId],
        sessionId,
      );
      return rows.map((row) => toTaskRecord(row));
    },
  };
}
