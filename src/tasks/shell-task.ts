/**
 * Runs a shell task: a background job of the `bash` tool's registry, whose output the task collects as it
 * comes and whose end it turns into the task's final status.
 */
import type { Sandbox } from '../sandbox/types.js';
import type { BackgroundJob, BackgroundJobs } from '../tools/builtin/bash/background-jobs.js';
import type { LiveTask, TaskPatch } from './live-task.js';

/** How often a running command's new output is collected. */
const POLL_MS = 250;

/** What a shell task runs. */
export interface ShellRun {
  readonly jobs: BackgroundJobs;
  readonly sandbox: Sandbox;
  readonly command: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Run with the file system read-only, as `bash` does in `read-only` and `plan` modes. */
  readonly readOnly: boolean;
}

/** Moves the job's unread output into the task's output. */
function collect(task: LiveTask, jobs: BackgroundJobs, job: BackgroundJob): void {
  const read = jobs.read(job.id, job.sessionId);
  if (read && read.newChars > 0) {
    task.output.push(read.output);
    task.flushSoon();
  }
}

/** `exit code 1`, `killed by SIGKILL`. */
function exitOf(job: BackgroundJob): string {
  const result = job.result;
  if (!result) return 'no exit status';
  if (result.exitCode !== null) return `exit code ${result.exitCode}`;
  return result.signal ? `killed by ${result.signal}` : 'no exit status';
}

/** The final record of an ended job: only exit code 0 completes it. */
function outcome(job: BackgroundJob, stopped: string | undefined): TaskPatch {
  const exitCode = job.result?.exitCode ?? null;
  if (job.status === 'failed')
    return { status: 'failed', error: `The command could not run: ${job.error ?? 'unknown error'}.` };
  if (stopped !== undefined || job.status === 'killed')
    return { status: 'stopped', exitCode, error: `${(stopped ?? 'Stopped.').replace(/\.$/, '')} (${exitOf(job)}).` };
  if (job.status === 'timed-out')
    return {
      status: 'failed',
      exitCode,
      error: `The command timed out and was killed with its process group (${exitOf(job)}).`,
    };
  if (exitCode === 0) return { status: 'completed', exitCode };
  const killed = exitCode === null && job.result?.signal;
  return {
    status: 'failed',
    exitCode,
    error: killed
      ? `The command was ${exitOf(job)} from outside (not by task_stop or a timeout); its output so far is kept.`
      : `The command failed with ${exitOf(job)}.`,
  };
}

/**
 * Runs the command to its end: starts the job, collects its output while it runs, and writes the final
 * record. A stop (the task's abort signal) kills the job's whole process group.
 */
export async function runShellTask(task: LiveTask, run: ShellRun): Promise<void> {
  let job: BackgroundJob;
  try {
    job = run.jobs.start({
      sandbox: run.sandbox,
      sessionId: task.record.sessionId,
      command: run.command,
      readOnly: run.readOnly,
      ...(run.cwd === undefined ? {} : { cwd: run.cwd }),
      ...(run.timeoutMs === undefined ? {} : { timeoutMs: run.timeoutMs }),
    });
  } catch (error) {
    await task.finish({ status: 'failed', error: `The command could not start: ${(error as Error).message}` });
    return;
  }
  const onStop = (): void => void run.jobs.kill(job.id);
  task.controller.signal.addEventListener('abort', onStop, { once: true });
  if (task.controller.signal.aborted) onStop();
  const poll = setInterval(() => collect(task, run.jobs, job), POLL_MS);
  poll.unref?.();
  try {
    await job.done;
  } finally {
    clearInterval(poll);
    task.controller.signal.removeEventListener('abort', onStop);
  }
  collect(task, run.jobs, job);
  await run.jobs.dispose(job.id);
  const stopped = task.controller.signal.aborted ? task.stopReason : undefined;
  await task.finish({ output: task.output.text, ...outcome(job, stopped) });
}
