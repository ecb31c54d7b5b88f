/**
 * The `bash_output` tool: new output and status of a background job.
 */
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { defaultBackgroundJobs, type BackgroundJob, type BackgroundJobs } from './background-jobs.js';
import { exitText, formatDuration } from './bash-format.js';
import { withAliases } from '../tool-input.js';

/** Options of {@link bashOutputTool} and {@link bashKillTool}. */
export interface BashJobToolOptions {
  /** The registry `bash` starts jobs in. @defaultValue the shared default registry */
  readonly jobs?: BackgroundJobs;
}

/** Aliases of `bash_id` that models trained on other harnesses send. */
export const BASH_ID_ALIASES: Readonly<Record<string, string>> = {
  bashId: 'bash_id',
  shell_id: 'bash_id',
  shellId: 'bash_id',
  task_id: 'bash_id',
  taskId: 'bash_id',
  id: 'bash_id',
};

const input = withAliases(
  z.object({
    bash_id: z.string().min(1).describe('The job id that bash returned, e.g. "bash_1".'),
    filter: z
      .string()
      .optional()
      .describe('A regular expression: only new output lines that match it are shown (the others are still consumed).'),
  }),
  BASH_ID_ALIASES,
);

/** One line telling where a job is. */
export function jobStatus(job: BackgroundJob): string {
  const { result } = job;
  const took = result ? formatDuration(result.durationMs) : formatDuration(Date.now() - job.startedAt);
  switch (job.status) {
    case 'running':
      return `Status: running (for ${took}).`;
    case 'exited':
      return `Status: finished, ${exitText(result!)}, after ${took}.`;
    case 'killed':
      return `Status: killed (${exitText(result!)}), after ${took}.`;
    case 'timed-out':
      return `Status: timed out and killed (${exitText(result!)}), after ${took}.`;
    case 'failed':
      return `Status: could not run: ${job.error ?? 'unknown error'}.`;
  }
}

/** What to say for an unknown id: the ids that exist. */
export function unknownJob(id: string, jobs: BackgroundJobs, sessionId: string): Error {
  const known = jobs.list(sessionId).map((job) => job.id);
  return new Error(
    `No background job "${id}" in this session. ${known.length > 0 ? `Known jobs: ${known.join(', ')}.` : 'Start one with bash and run_in_background: true.'}`,
  );
}

/**
 * The `bash_output` tool: the output a background job produced since the last call (head and tail when
 * it was long), optionally filtered by a regular expression, and its status.
 *
 * @example
 * ```ts
 * const jobs = createBackgroundJobs();
 * const tools = [bashTool({ jobs }), bashOutputTool({ jobs }), bashKillTool({ jobs })];
 * ```
 */
export function bashOutputTool(options: BashJobToolOptions = {}): Tool<z.output<typeof input>> {
  const jobs = options.jobs ?? defaultBackgroundJobs;
  return tool({
    name: 'bash_output',
    description:
      'Returns the new output of a background bash job (started with run_in_background) since the last call, and whether it is still running. Use `filter` (a regular expression) to keep only matching lines.',
    input,
    readOnly: true,
    execute(args, ctx) {
      let pattern: RegExp | undefined;
      if (args.filter !== undefined) {
        try {
          pattern = new RegExp(args.filter);
        } catch (error) {
          throw new Error(`filter is not a valid regular expression: ${(error as Error).message}`);
        }
      }
      const read = jobs.read(args.bash_id, ctx.sessionId);
      if (!read) throw unknownJob(args.bash_id, jobs, ctx.sessionId);
      let output = read.output.replace(/\n$/, '');
      if (pattern && output !== '') {
        output = output
          .split('\n')
          .filter((line) => pattern.test(line))
          .join('\n');
      }
      const lines = [
        `Job ${read.job.id}: ${read.job.command}`,
        jobStatus(read.job),
        read.newChars === 0
          ? '(no new output)'
          : pattern && output === ''
            ? `(no new line matches ${args.filter}; ${read.newChars} characters of new output)`
            : output,
      ];
      if (read.truncated) {
        lines.push(
          `[New output was ${read.newChars} characters; only its start and end are shown.${read.job.logPath ? ' The full output is in the job log.' : ''}]`,
        );
      }
      if (read.job.logPath) lines.push(`Log: ${read.job.logPath}`);
      return lines.join('\n');
    },
  });
}
