/**
 * Checks and encoding of background task records that every store shares. Internal, and free of
 * Node-only modules.
 *
 * @packageDocumentation
 */
import { StoreError } from '../errors/store-error.js';
import { isJsonSafe } from '../internal/json-safe.js';
import type { PutTaskOptions, TaskRecord, TaskRecordInput, TaskStatus } from './types.js';

/** Every task status. */
export const TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'pending',
  'running',
  'completed',
  'failed',
  'stopped',
  'interrupted',
]);

/** Whether a task with this status has not ended yet: a process is (or should be) working on it. */
export function isActiveTask(status: TaskStatus): boolean {
  return status === 'pending' || status === 'running';
}

/**
 * Checks a `putTask` call before anything is written: the record's fields and that it can be kept as
 * JSON, and the expected revision. Returns the record as JSON text.
 *
 * @throws TypeError for a malformed record or revision; StoreError for one that is not JSON-serialisable.
 */
export function checkTaskInput(task: TaskRecordInput, options: PutTaskOptions): string {
  const revision = options?.expectedRevision;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0) {
    throw new TypeError(`Expected expectedRevision to be a non-negative integer, got ${String(revision)}.`);
  }
  if (typeof task !== 'object' || task === null) throw new TypeError('Expected a task record object.');
  const problems = [
    typeof task.id === 'string' && task.id.length > 0 && task.id.length <= 200 ? '' : 'id (1 to 200 characters)',
    typeof task.sessionId === 'string' && task.sessionId.length > 0 ? '' : 'sessionId',
    task.kind === 'agent' || task.kind === 'shell' ? '' : "kind ('agent' or 'shell')",
    TASK_STATUSES.has(task.status) ? '' : 'status',
    typeof task.description === 'string' ? '' : 'description',
    Number.isFinite(task.createdAt) ? '' : 'createdAt',
  ].filter(Boolean);
  if (problems.length > 0) throw new TypeError(`Invalid task record: check ${problems.join(', ')}.`);
  // Only the written fields are kept: what the store adds is never taken from the caller.
  const { revision: _r, updatedAt: _u, owner: _o, ...fields } = task as Partial<TaskRecord> & TaskRecordInput;
  if (!isJsonSafe(fields)) {
    throw new StoreError(`Cannot write task ${task.id}: the record is not JSON-serialisable.`, {
      sessionId: task.sessionId,
    });
  }
  return JSON.stringify(fields);
}

/** The error of a `putTask` whose expected revision is stale (code `STORE_CONFLICT`). */
export function taskConflict(task: TaskRecordInput, expected: number, actual: number): StoreError {
  return new StoreError(
    `Task ${task.id} is at revision ${actual}, not the expected ${expected}: another writer updated it first.`,
    { sessionId: task.sessionId, code: 'STORE_CONFLICT' },
  );
}

/** The error of a `putTask` that would move a task to another session. */
export function taskMoved(task: TaskRecordInput, storedSessionId: string): StoreError {
  return new StoreError(`Task ${task.id} belongs to session ${storedSessionId}, not ${task.sessionId}.`, {
    sessionId: task.sessionId,
  });
}
