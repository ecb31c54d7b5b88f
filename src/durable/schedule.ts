/**
 * Scheduled agents on DBOS scheduled workflows: every worker runs DBOS's scheduler, and each firing is a
 * workflow whose id is the schedule's name and the tick's time, so it runs once across the fleet.
 *
 * @packageDocumentation
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { RunInput } from '../agent/run-input.js';
import { ConfigError } from '../errors/config-error.js';
import type { DurableAgent, FiringContext } from './durable-agent.js';
import { firingOf } from './schedule-registry.js';

/** Options of {@link scheduleAgent}. */
export interface ScheduleAgentOptions {
  /** The schedule's name: unique in the application, and the prefix of each firing's session id. */
  readonly id: string;
  /** A cron expression, 5 fields (minute first) or 6 (second first): `'0 9 * * 1-5'`, `'*\/10 * * * * *'`. */
  readonly cron: string;
  /** What each firing's run is given. */
  readonly input: RunInput;
  /**
   * Firings missed while no worker was running: `'run'` starts each one (DBOS's backfill from the last
   * firing, each once) when a worker comes back; `'skip'` forgets them. @defaultValue 'run'
   */
  readonly missed?: 'run' | 'skip';
  /** IANA time zone of the cron expression. @defaultValue UTC */
  readonly timeZone?: string;
  readonly dbos?: typeof DBOS;
}

/** A schedule as stored. */
export interface AgentSchedule {
  readonly id: string;
  readonly cron: string;
  readonly input: RunInput;
  readonly status: string;
  /** ISO time of the last firing, if any. */
  readonly lastFiredAt: string | null;
}

/**
 * Runs `durable` on a cron schedule, once per tick across all workers. Safe to call from every worker at
 * start-up: a schedule that exists with the same definition is kept, a changed one is updated. Call it after
 * `DBOS.launch()`; `durableAgent` must have been called before the launch on every worker.
 *
 * @throws ConfigError for an invalid cron expression or a `durable` not made by `durableAgent`.
 * @example
 * ```ts
 * await scheduleAgent(durable, { id: 'nightly-triage', cron: '0 3 * * *', input: 'Triage the new issues.' });
 * ```
 */
export async function scheduleAgent(durable: DurableAgent, options: ScheduleAgentOptions): Promise<void> {
  const dbos = options.dbos ?? DBOS;
  const workflowFn = firingOf(durable);
  if (!workflowFn) throw new ConfigError('scheduleAgent needs an agent made by durableAgent.');
  const context: FiringContext = { id: options.id, input: options.input };
  const automaticBackfill = (options.missed ?? 'run') === 'run';
  const existing = await dbos.getSchedule(options.id);
  if (existing) {
    await dbos.updateSchedule(options.id, {
      schedule: options.cron,
      context,
      automaticBackfill,
      cronTimezone: options.timeZone ?? null,
    });
    return;
  }
  try {
    await dbos.createSchedule({
      scheduleName: options.id,
      workflowFn,
      schedule: options.cron,
      context,
      options: { automaticBackfill, ...(options.timeZone ? { cronTimezone: options.timeZone } : {}) },
    });
  } catch (error) {
    // Another worker created it at the same moment: that one stands.
    if (await dbos.getSchedule(options.id)) return;
    throw new ConfigError(`scheduleAgent: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The schedules of `durable` (all schedules of the application whose firings run it).
 *
 * @example
 * ```ts
 * for (const s of await listAgentSchedules(durable)) console.log(s.id, s.cron, s.lastFiredAt);
 * ```
 */
export async function listAgentSchedules(
  durable: DurableAgent,
  options: { readonly dbos?: typeof DBOS } = {},
): Promise<AgentSchedule[]> {
  const dbos = options.dbos ?? DBOS;
  const schedules = await dbos.listSchedules({ workflowName: `icode.scheduled.${durable.name}` });
  return schedules.map((s) => {
    const context = s.context as FiringContext;
    return { id: s.scheduleName, cron: s.schedule, input: context.input, status: s.status, lastFiredAt: s.lastFiredAt };
  });
}

/**
 * Deletes the schedule `id`: no firing starts after it; firings already started finish.
 *
 * @example
 * ```ts
 * await unscheduleAgent('nightly-triage');
 * ```
 */
export async function unscheduleAgent(id: string, options: { readonly dbos?: typeof DBOS } = {}): Promise<void> {
  await (options.dbos ?? DBOS).deleteSchedule(id);
}
