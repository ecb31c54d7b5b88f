/**
 * Commands `bash` started with `run_in_background`, shared with `bash_output` and `bash_kill`.
 *
 * @packageDocumentation
 */
import { OutputBuffer } from '../../../sandbox/output-buffer.js';
import type { ExecResult, Sandbox } from '../../../sandbox/types.js';
import type { LogFile } from './bash-log-file.js';

/** Where a background job is. */
export type BackgroundJobStatus = 'running' | 'exited' | 'killed' | 'timed-out' | 'failed';

/** One background command. */
export interface BackgroundJob {
  readonly id: string;
  readonly sessionId: string;
  readonly command: string;
  readonly description?: string;
  readonly startedAt: number;
  status: BackgroundJobStatus;
  /** Set once the command has ended. */
  result?: ExecResult;
  /** Why the command could not run (`status: 'failed'`). */
  error?: string;
  /** Where its full output is saved, if it is. */
  readonly logPath?: string;
  /** Settles when the command has ended and its process group is gone. */
  readonly done: Promise<void>;
}

/** Options of {@link createBackgroundJobs}. */
export interface BackgroundJobsOptions {
  /** Unread output kept per job (head and tail) between two `bash_output` calls. @defaultValue 30000 */
  readonly maxUnreadChars?: number;
  /** Jobs running at once per session. @defaultValue 16 */
  readonly maxRunningPerSession?: number;
}

/** What {@link BackgroundJobs.start} runs. */
export interface StartJob {
  readonly sandbox: Sandbox;
  readonly sessionId: string;
  readonly command: string;
  readonly description?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Run with the file system read-only (`read-only` mode); see `ExecOptions.readOnly`. */
  readonly readOnly?: boolean;
  readonly log?: LogFile;
  /** How the log's path is shown to the model. @defaultValue `log.path` */
  readonly logLabel?: string;
}

/** New output of a job since the last read, and where the job is. */
export interface JobRead {
  readonly job: BackgroundJob;
  readonly output: string;
  /** Characters of new output, including those cut from the middle of `output`. */
  readonly newChars: number;
  readonly truncated: boolean;
}

interface Entry {
  readonly job: BackgroundJob;
  readonly controller: AbortController;
  unread: OutputBuffer;
}

/**
 * The registry of background jobs behind `bash`, `bash_output` and `bash_kill`. A job is visible only to
 * the session that started it. Memory per job is bounded: unread output is kept as head and tail.
 *
 * @example
 * ```ts
 * const jobs = createBackgroundJobs();
 * const tools = [bashTool({ jobs }), bashOutputTool({ jobs }), bashKillTool({ jobs })];
 * ```
 */
export class BackgroundJobs {
  readonly #entries = new Map<string, Entry>();
  readonly #maxUnread: number;
  readonly #maxRunning: number;
  #counter = 0;

  constructor(options: BackgroundJobsOptions = {}) {
    this.#maxUnread = options.maxUnreadChars ?? 30_000;
    this.#maxRunning = options.maxRunningPerSession ?? 16;
  }

  /**
   * Starts a command and returns its job at once.
   *
   * @throws Error when the session already runs `maxRunningPerSession` jobs.
   */
  start(spec: StartJob): BackgroundJob {
    const running = [...this.#entries.values()].filter(
      (entry) => entry.job.sessionId === spec.sessionId && entry.job.status === 'running',
    ).length;
    if (running >= this.#maxRunning) {
      throw new Error(
        `${running} background jobs are already running; stop one with bash_kill before starting another.`,
      );
    }
    const id = `bash_${++this.#counter}`;
    const controller = new AbortController();
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const job: BackgroundJob = {
      id,
      sessionId: spec.sessionId,
      command: spec.command,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      startedAt: Date.now(),
      status: 'running',
      ...(spec.log ? { logPath: spec.logLabel ?? spec.log.path } : {}),
      done,
    };
    const entry: Entry = { job, controller, unread: new OutputBuffer(this.#maxUnread) };
    this.#entries.set(id, entry);
    spec.sandbox
      .exec(spec.command, {
        signal: controller.signal,
        maxOutputChars: this.#maxUnread,
        ...(spec.readOnly ? { readOnly: true } : {}),
        ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
        ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
        onOutput: (chunk) => {
          entry.unread.push(chunk);
          spec.log?.write(chunk);
        },
      })
      .then(
        (result) => {
          job.result = result;
          job.status = result.aborted ? 'killed' : result.timedOut ? 'timed-out' : 'exited';
        },
        (error: unknown) => {
          job.status = 'failed';
          job.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        spec.log?.close();
        settle();
      });
    return job;
  }

  /** The job with this id, if it belongs to `sessionId`. */
  get(id: string, sessionId: string): BackgroundJob | undefined {
    const entry = this.#entries.get(id);
    return entry && entry.job.sessionId === sessionId ? entry.job : undefined;
  }

  /** Returns the output produced since the last read, and forgets it. */
  read(id: string, sessionId: string): JobRead | undefined {
    const entry = this.#entries.get(id);
    if (!entry || entry.job.sessionId !== sessionId) return undefined;
    const { unread } = entry;
    entry.unread = new OutputBuffer(this.#maxUnread);
    return { job: entry.job, output: unread.text, newChars: unread.totalChars, truncated: unread.truncated };
  }

  /** Stops a job (its whole process group) and waits until it is gone. */
  async kill(id: string): Promise<BackgroundJob | undefined> {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    entry.controller.abort();
    await entry.job.done;
    return entry.job;
  }

  /** Stops a job and forgets it. */
  async dispose(id: string): Promise<void> {
    await this.kill(id);
    this.#entries.delete(id);
  }

  /** Ids of the jobs of a session, oldest first. */
  list(sessionId: string): BackgroundJob[] {
    return [...this.#entries.values()].filter((entry) => entry.job.sessionId === sessionId).map((entry) => entry.job);
  }
}

/**
 * A new registry of background jobs, to share between `bashTool`, `bashOutputTool` and `bashKillTool`
 * made separately (`bashTools()` makes one for its three tools).
 *
 * @example
 * ```ts
 * const jobs = createBackgroundJobs({ maxUnreadChars: 10_000 });
 * ```
 */
export function createBackgroundJobs(options: BackgroundJobsOptions = {}): BackgroundJobs {
  return new BackgroundJobs(options);
}

/** The registry tools made without `jobs` share, so separately made tools still see each other's jobs. */
export const defaultBackgroundJobs: BackgroundJobs = new BackgroundJobs();
