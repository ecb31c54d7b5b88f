/**
 * `bash`, `bash_output` and `bash_kill` made together.
 */
import type { Tool } from '../../tool.js';
import { createBackgroundJobs } from './background-jobs.js';
import { bashKillTool } from './bash-kill.js';
import { bashOutputTool } from './bash-output.js';
import { bashTool, type BashToolOptions } from './bash.js';

/**
 * The three shell tools sharing one background job registry (their own, unless `options.jobs` is given).
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [...bashTools({ root: process.cwd() })] });
 * ```
 */
export function bashTools(options: BashToolOptions = {}): Tool[] {
  const jobs = options.jobs ?? createBackgroundJobs();
  return [bashTool({ ...options, jobs }), bashOutputTool({ jobs }), bashKillTool({ jobs })];
}
