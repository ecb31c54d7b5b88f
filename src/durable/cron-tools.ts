/**
 * `cron_create`, `cron_list` and `cron_delete`: tools for an agent that schedules work, on DBOS schedules
 * (see {@link scheduleAgent}). The scheduled runs are runs of a durable agent you choose.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import type { DBOS } from '@dbos-inc/dbos-sdk';
import { tool } from '../tools/define-tool.js';
import type { Tool } from '../tools/tool.js';
import type { DurableAgent } from './durable-agent.js';
import { listAgentSchedules, scheduleAgent, unscheduleAgent } from './schedule.js';

/** Options of {@link cronTools}. */
export interface CronToolsOptions {
  /** Prefix of every schedule id the tools create, list and delete, so an agent sees only its own. @defaultValue 'cron-' */
  readonly prefix?: string;
  readonly dbos?: typeof DBOS;
}

const ID = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1-64 letters, digits, "_" or "-"')
  .describe('Name of the schedule');

/**
 * The cron tools. `target` is the durable agent each firing runs (give a function when it is the agent
 * the tools are given to, which exists only after them). Schedule ids get `prefix`, so the model can
 * neither see nor delete schedules it did not make.
 *
 * @example
 * ```ts
 * let durable: DurableAgent;
 * const agent = createAgent({ provider, store, tools: cronTools(() => durable) });
 * durable = durableAgent(agent);
 * ```
 */
export function cronTools(target: DurableAgent | (() => DurableAgent), options: CronToolsOptions = {}): Tool[] {
  const prefix = options.prefix ?? 'cron-';
  const dbos = options.dbos ? { dbos: options.dbos } : {};
  const durable = (): DurableAgent => (typeof target === 'function' ? target() : target);
  return [
    tool({
      name: 'cron_create',
      description:
        'Schedule a prompt to run on a cron schedule (5 fields, minute first, UTC). Each firing is a new run. Replaces a schedule of the same id.',
      input: z.object({
        id: ID,
        cron: z.string().min(9).max(100).describe('Cron expression, e.g. "0 9 * * 1-5"'),
        prompt: z.string().min(1).max(10_000).describe('What each firing is asked'),
      }),
      async execute({ id, cron, prompt }) {
        await scheduleAgent(durable(), { id: prefix + id, cron, input: prompt, ...dbos });
        return `Scheduled ${id} (${cron}).`;
      },
    }),
    tool({
      name: 'cron_list',
      description: 'List the schedules you created: id, cron, prompt and last firing.',
      input: z.object({}),
      readOnly: true,
      async execute() {
        const all = await listAgentSchedules(durable(), dbos);
        return all
          .filter((s) => s.id.startsWith(prefix))
          .map((s) => ({
            id: s.id.slice(prefix.length),
            cron: s.cron,
            prompt: typeof s.input === 'string' ? s.input : JSON.stringify(s.input),
            lastFiredAt: s.lastFiredAt,
          }));
      },
    }),
    tool({
      name: 'cron_delete',
      description: 'Delete a schedule you created. Firings already started finish.',
      input: z.object({ id: ID }),
      async execute({ id }) {
        await unscheduleAgent(prefix + id, dbos);
        return `Deleted ${id}.`;
      },
    }),
  ];
}
