/**
 * A task this process runs: its latest record, its output so far, and the one chain its writes go through,
 * so the store sees them in order and a write made elsewhere meanwhile (a note) is merged, not lost.
 */
import { OutputBuffer } from '../sandbox/output-buffer.js';
import type { SessionStore, TaskRecord, TaskRecordInput } from '../stores/types.js';

/** A store that keeps task records. */
export type TaskStore = SessionStore & Required<Pick<SessionStore, 'putTask' | 'getTask' | 'listTasks'>>;

/** What a write changes; the rest of the record stays as stored. */
export type TaskPatch = Partial<Omit<TaskRecordInput, 'id' | 'sessionId' | 'kind' | 'createdAt'>>;

/** Tries of a write that keeps meeting another writer's newer revision. */
const MAX_CONFLICT_RETRIES = 5;

/** How often the output of a running task is written to the store at most, so a crash keeps most of it. */
export const OUTPUT_FLUSH_MS = 1_000;

/** A task running (or waiting to run) in this process. */
export class LiveTask {
  /** The record as last written. */
  record: TaskRecord;
  /** Output so far, head and tail within the bound. */
  output: OutputBuffer;
  /** Stops the work (the agent run, the command's process group). */
  readonly controller = new AbortController();
  /** Set when the work has ended and its final record is written (or failed to be). */
  ended: Promise<void>;
  readonly #store: TaskStore;
  readonly #maxOutputChars: number;
  #writes: Promise<unknown> = Promise.resolve();
  #endWork!: () => void;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the last write failed, so a store outage is visible in `task_get`. */
  writeError: string | undefined;

  constructor(store: TaskStore, record: TaskRecord, maxOutputChars: number) {
    this.#store = store;
    this.record = record;
    this.#maxOutputChars = maxOutputChars;
    this.output = new OutputBuffer(maxOutputChars);
    this.ended = new Promise<void>((resolve) => (this.#endWork = resolve));
  }

  get id(): string {
    return this.record.id;
  }

  /** Why the task was stopped (`task_stop`, or the task tools closing), once it was. */
  get stopReason(): string {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof Error ? reason.message : 'Stopped.';
  }

  /** Starts a fresh output (a follow-up run of an agent task) and a fresh end. */
  restart(): void {
    this.output = new OutputBuffer(this.#maxOutputChars);
    this.ended = new Promise<void>((resolve) => (this.#endWork = resolve));
  }

  /**
   * Writes `patch` after every earlier write. A conflict (another process wrote a note meanwhile) is
   * resolved by re-reading the record and applying `patch` to it. Rejects only when the store fails.
   */
  write(patch: TaskPatch): Promise<TaskRecord> {
    const next = this.#writes.then(() => this.#put(patch));
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /** Writes the output so far within {@link OUTPUT_FLUSH_MS}, once, however much arrives meanwhile. */
  flushSoon(): void {
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      if (this.record.status === 'running') void this.write({ output: this.output.text }).catch(() => undefined);
    }, OUTPUT_FLUSH_MS);
    this.#flushTimer.unref?.();
  }

  /** Writes the final record and marks the work ended (also when the write fails: the task did end). */
  async finish(patch: TaskPatch): Promise<void> {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    try {
      await this.write({ endedAt: Date.now(), ...patch });
    } catch {
      // Recorded in writeError; the in-process record below still tells the truth.
    } finally {
      this.#endWork();
    }
  }

  async #put(patch: TaskPatch): Promise<TaskRecord> {
    let base = this.record;
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.#store.putTask({ ...base, ...patch }, { expectedRevision: base.revision });
        this.record = stored;
        this.writeError = undefined;
        return stored;
      } catch (error) {
        const conflict = (error as { code?: unknown }).code === 'STORE_CONFLICT';
        const fresh = conflict && attempt < MAX_CONFLICT_RETRIES ? await this.#store.getTask(base.id) : undefined;
        if (!fresh) {
          // Keep the change in memory so this process still reports it, and say why it is not stored.
          this.record = { ...this.record, ...patch };
          this.writeError = error instanceof Error ? error.message : String(error);
          throw error;
        }
        base = fresh;
      }
    }
  }
}
