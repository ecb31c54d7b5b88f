/**
 * The background task records of the memory store. Tasks in memory belong to this process, so they are
 * never read as interrupted: they go with it. Internal and runtime-neutral.
 */
import { checkTaskInput, taskConflict, taskMoved } from './task-helpers.js';
import type { PutTaskOptions, TaskRecord, TaskRecordInput } from './types.js';

/** Task records by id, and the ids of each session's tasks in creation order. */
export class MemoryTasks {
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #bySession = new Map<string, Set<string>>();

  put(task: TaskRecordInput, options: PutTaskOptions): TaskRecord {
    const text = checkTaskInput(task, options);
    const stored = this.#tasks.get(task.id);
    const actual = stored?.revision ?? 0;
    if (actual !== options.expectedRevision) throw taskConflict(task, options.expectedRevision, actual);
    if (stored && stored.sessionId !== task.sessionId) throw taskMoved(task, stored.sessionId);
    // A copy through JSON, as the durable stores keep it: later changes to the caller's object never leak in.
    const record: TaskRecord = {
      ...(JSON.parse(text) as TaskRecordInput),
      revision: actual + 1,
      updatedAt: Date.now(),
    };
    this.#tasks.set(task.id, record);
    let ids = this.#bySession.get(task.sessionId);
    if (!ids) this.#bySession.set(task.sessionId, (ids = new Set()));
    ids.add(task.id);
    return record;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.#tasks.get(taskId);
  }

  list(sessionId: string): TaskRecord[] {
    const ids = this.#bySession.get(sessionId) ?? [];
    return [...ids]
      .map((id) => this.#tasks.get(id)!)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Forgets a session's tasks (the session was deleted). */
  deleteSession(sessionId: string): void {
    for (const id of this.#bySession.get(sessionId) ?? []) this.#tasks.delete(id);
    this.#bySession.delete(sessionId);
  }

  clear(): void {
    this.#tasks.clear();
    this.#bySession.clear();
  }
}
