/**
 * The `bash_kill` tool: stops a background job.
 */
import { z } from 'zod';
import { tool } from '../../define-tool.js';
import type { Tool } from '../../tool.js';
import { defaultBackgroundJobs } from './background-jobs.js';
import { BASH_ID_ALIASES, jobStatus, unknownJob, type BashJobToolOptions } from './bash-output.js';
import { withAliases } from '../tool-input.js';

const input = withAliases(
  z.object({ bash_id: z.string().min(1).describe('The job id that bash returned, e.g. "bash_1".') }),
  BASH_ID_ALIASES,
);

/**
 * The `bash_kill` tool: stops a background job and its whole process group (SIGTERM, then SIGKILL after a
 * grace period), and waits until it is gone.
 *
 * @example
 * ```ts
 * const jobs = createBackgroundJobs();
 * const tools = [bashTool({ jobs }), bashOutputTool({ jobs }), bashKillTool({ jobs })];
 * ```
 */
export function bashKillTool(options: BashJobToolOptions = {}): Tool<z.output<typeof input>> {
  const jobs = options.jobs ?? defaultBackgroundJobs;
  return tool({
    name: 'bash_kill',
    description: 'Stops a background bash job (started with run_in_background) and every process it started.',
    input,
    readOnly: false,
    async execute(args, ctx) {
      const job = jobs.get(args.bash_id, ctx.sessionId);
      if (!job) throw unknownJob(args.bash_id, jobs, ctx.sessionId);
      if (job.status !== 'running') return `Job ${job.id} had already ended. ${jobStatus(job)}`;
      await jobs.kill(job.id);
      return `Job ${job.id} stopped. ${jobStatus(job)}`;
    },
  });
}
