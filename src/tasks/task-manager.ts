/**
 * The background tasks of one `taskTools` instance: it starts them (at most `maxConcurrent` at once, the
 * rest pending in a p-queue), keeps the ones this process runs, and reads the others (ended, running in
 * another process, or interrupted by a restart) from the store.
 */
import PQueue from 'p-queue';
import type { Agent } from '../agent/types.js';
import { sleep } from '../internal/abort.js';
import { createId } from '../internal/ids.js';
import type { Sandbox } from '../sandbox/types.js';
import { isActiveTask } from '../stores/task-helpers.js';
import type { TaskRecord, TaskRecordInput } from '../stores/types.js';
import { createBackgroundJobs } from '../tools/builtin/bash/background-jobs.js';
import { runAgentTask } from './agent-task.js';
import { LiveTask, type TaskStore } from './live-task.js';
import { runShellTask } from './shell-task.js';
import { unknownTask } from './task-format.js';

/** How often a task another process runs is read again while `task_output` waits for it. */
const REMOTE_POLL_MS = 500;

/** What `task_create` asks for, checked. */
export type TaskSpec =
  | {
      readonly kind: 'agent';
      readonly description: string;
      readonly agent: string;
      readonly prompt: string;
      /** The agent to run: `agent` narrowed by the creating run (see bound-agent.ts). */
      readonly run: Agent;
    }
  | {
      readonly kind: 'shell';
      readonly description: string;
      readonly command: string;
      readonly cwd?: string;
      readonly timeoutMs?: number;
      readonly sandbox: Sandbox;
      readonly readOnly: boolean;
    };

/** What `task_update` changes. */
export interface TaskChange {
  readonly description?: string;
  readonly notes?: string;
  /** A follow-up message to an agent task that has ended: it runs again in the same session. */
  readonly message?: string;
  /** Narrows the task's agent by the run that sends `message` (see bound-agent.ts). */
  readonly bind?: (agent: Agent, name: string) => Promise<Agent>;
}

/** A task as `task_output` reports it: its record and its output so far. */
export interface TaskSnapshot {
  readonly record: TaskRecord;
  readonly output: string;
  /** Whether this process runs it. */
  readonly local: boolean;
  /** Why the record could not be written, when the store failed. */
  readonly writeError?: string;
}

/** Options of a {@link TaskManager}, resolved by `taskTools`. */
export interface TaskManagerOptions {
  readonly store: TaskStore;
  readonly agents: Readonly<Record<string, Agent>>;
  readonly maxConcurrent: number;
  readonly maxOutputChars: number;
}

/** The background tasks of one `taskTools` instance. */
export class TaskManager {
  readonly agents: Readonly<Record<string, Agent>>;
  readonly #store: TaskStore;
  readonly #queue: PQueue;
  readonly #live = new Map<string, LiveTask>();
  readonly #maxOutputChars: number;
  // The bash tool's job registry runs the commands; the queue, not the registry, bounds how many run.
  readonly #jobs;

  constructor(options: TaskManagerOptions) {
    this.#store = options.store;
    this.agents = options.agents;
    this.#maxOutputChars = options.maxOutputChars;
    this.#queue = new PQueue({ concurrency: options.maxConcurrent });
    this.#jobs = createBackgroundJobs({ maxUnreadChars: options.maxOutputChars, maxRunningPerSession: Infinity });
  }

  /** Tasks running now, and tasks waiting for a slot. */
  get load(): { running: number; pending: number } {
    return { running: this.#queue.pending, pending: this.#queue.size };
  }

  /** Records a new task (pending) and queues it; returns its record as first stored. */
  async create(spec: TaskSpec, sessionId: string): Promise<TaskRecord> {
    const input: TaskRecordInput = {
      id: createId('task'),
      sessionId,
      kind: spec.kind,
      status: 'pending',
      description: spec.description,
      createdAt: Date.now(),
      ...(spec.kind === 'agent'
        ? { agent: spec.agent, prompt: spec.prompt }
        : { command: spec.command, ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }) }),
    };
    const record = await this.#store.putTask(input, { expectedRevision: 0 });
    const task = new LiveTask(this.#store, record, this.#maxOutputChars);
    this.#live.set(record.id, task);
    this.#enqueue(task, () =>
      spec.kind === 'agent'
        ? runAgentTask(task, { agent: spec.run, prompt: spec.prompt })
        : runShellTask(task, {
            jobs: this.#jobs,
            sandbox: spec.sandbox,
            command: spec.command,
            readOnly: spec.readOnly,
            ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
            ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
          }),
    );
    return task.record;
  }

  /** Queues the work of a pending task: it runs when a slot is free, unless it was stopped meanwhile. */
  #enqueue(task: LiveTask, work: () => Promise<void>): void {
    void this.#queue.add(async () => {
      // A task stopped while it waited has its final record already.
      if (!task.controller.signal.aborted) {
        try {
          await task.write({ status: 'running', startedAt: Date.now() });
        } catch {
          // The store failed: the task still runs, and says so in task_get.
        }
        await work().catch((error: unknown) =>
          task.finish({ status: 'failed', error: `The task failed: ${(error as Error).message}` }),
        );
      }
      await task.ended;
      // An ended task is read from the store from now on, unless its last write failed: then this copy
      // is the only true one.
      if (!task.writeError && !isActiveTask(task.record.status)) this.#live.delete(task.id);
    });
  }

  /** The task `id` of session `sessionId`: this process's copy when it runs it, else the store's. */
  async get(id: string, sessionId: string): Promise<TaskSnapshot> {
    const live = this.#live.get(id);
    if (live && live.record.sessionId === sessionId) {
      return {
        record: live.record,
        output: live.output.text,
        local: true,
        ...(live.writeError ? { writeError: live.writeError } : {}),
      };
    }
    const stored = await this.#store.getTask(id);
    if (!stored || stored.sessionId !== sessionId) throw unknownTask(id, await this.list(sessionId));
    return { record: stored, output: stored.output ?? '', local: false };
  }

  /** The tasks of a session, oldest first, with this process's copies of the ones it runs. */
  async list(sessionId: string): Promise<TaskRecord[]> {
    const stored = await this.#store.listTasks(sessionId);
    return stored.map((record) => this.#live.get(record.id)?.record ?? record);
  }

  /**
   * Waits until the task has ended, `timeoutMs` passed or `signal` fired, whichever comes first, and
   * returns it as it is then.
   */
  async wait(id: string, sessionId: string, timeoutMs: number, signal: AbortSignal): Promise<TaskSnapshot> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = await this.get(id, sessionId);
      const left = deadline - Date.now();
      if (!isActiveTask(snapshot.record.status) || left <= 0 || signal.aborted) return snapshot;
      const live = this.#live.get(id);
      // One signal ends every timer of this round, whichever way the round ends, so none is left behind.
      const round = new AbortController();
      const stop = (): void => round.abort();
      signal.addEventListener('abort', stop, { once: true });
      const nap = (ms: number): Promise<void> => sleep(ms, round.signal).catch(() => undefined);
      try {
        await Promise.race([live ? live.ended : nap(Math.min(REMOTE_POLL_MS, left)), nap(left)]);
      } finally {
        signal.removeEventListener('abort', stop);
        round.abort();
      }
    }
  }

  /**
   * Changes a task's description or notes, or sends a follow-up message to an agent task that has ended
   * (it runs again, in the same session, with what it said before). A task running in another process is
   * changed only there.
   */
  async update(id: string, sessionId: string, change: TaskChange): Promise<TaskRecord> {
    const { record, local } = await this.get(id, sessionId);
    if (!local && isActiveTask(record.status)) throw runsElsewhere(record, 'update');
    const fields = {
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.notes === undefined ? {} : { notes: change.notes }),
    };
    if (change.message !== undefined) return this.#followUp(record, change.message, fields, change.bind);
    const live = this.#live.get(id);
    if (live) return live.write(fields);
    return this.#store.putTask({ ...record, ...fields }, { expectedRevision: record.revision });
  }

  async #followUp(
    record: TaskRecord,
    message: string,
    fields: Partial<TaskRecordInput>,
    bind: TaskChange['bind'],
  ): Promise<TaskRecord> {
    if (record.kind !== 'agent') throw new Error(`Task ${record.id} runs a command; only agent tasks take messages.`);
    if (isActiveTask(record.status)) {
      throw new Error(
        `Task ${record.id} is still ${record.status}; wait for it with task_output (or stop it with task_stop), then send the message.`,
      );
    }
    const named = record.agent === undefined ? undefined : this.agents[record.agent];
    if (!named || !bind)
      throw new Error(`Task ${record.id} ran the agent "${record.agent}", which these task tools do not have.`);
    const agent = await bind(named, record.agent!);
    let task = this.#live.get(record.id);
    if (!task) {
      // A task of an earlier process (or an ended one forgotten here): this process takes it over.
      task = new LiveTask(this.#store, record, this.#maxOutputChars);
      this.#live.set(record.id, task);
    } else task.restart();
    const live = task;
    const { error: _error, exitCode: _exit, endedAt: _ended, ...rest } = live.record;
    live.record = { ...rest };
    const pending = await live.write({ ...fields, status: 'pending', output: '' });
    this.#enqueue(live, () =>
      runAgentTask(live, {
        agent,
        prompt: message,
        ...(record.runSessionId === undefined ? {} : { runSessionId: record.runSessionId }),
      }),
    );
    return pending;
  }

  /** Stops a task: a pending one never starts; a running one is aborted (its process group killed). */
  async stop(id: string, sessionId: string, timeoutMs: number): Promise<TaskRecord> {
    const { record, local } = await this.get(id, sessionId);
    if (!isActiveTask(record.status)) return record;
    const live = this.#live.get(id);
    if (!local || !live) throw runsElsewhere(record, 'stop');
    live.controller.abort(new Error('Stopped by task_stop.'));
    if (record.status === 'pending')
      await live.finish({ status: 'stopped', error: 'Stopped by task_stop before it started.' });
    const round = new AbortController();
    await Promise.race([live.ended, sleep(timeoutMs, round.signal).catch(() => undefined)]);
    round.abort();
    return live.record;
  }

  /** Stops every task this process runs, and waits until their final records are written. */
  async close(): Promise<void> {
    this.#queue.clear();
    const active = [...this.#live.values()].filter((task) => isActiveTask(task.record.status));
    await Promise.all(
      active.map(async (task) => {
        const wasPending = task.record.status === 'pending';
        task.controller.abort(new Error('Stopped: the task tools closed.'));
        if (wasPending)
          await task.finish({ status: 'stopped', error: 'Stopped before it started: the task tools closed.' });
        await task.ended;
      }),
    );
  }
}

/** The error for a change of a task that another process runs. */
function runsElsewhere(record: TaskRecord, what: 'update' | 'stop'): Error {
  const owner =
    record.owner?.pid === undefined
      ? ''
      : ` (pid ${record.owner.pid}${record.owner.host ? ` on ${record.owner.host}` : ''})`;
  return new Error(`Task ${record.id} is ${record.status} in another process${owner}; ${what} it from there.`);
}
