/** The scheduled-firing workflow each durable agent registered, for `scheduleAgent`. Internal. */
import type { ScheduledWorkflowFn } from '@dbos-inc/dbos-sdk';
import type { DurableAgent } from './durable-agent.js';

const firings = new WeakMap<DurableAgent, ScheduledWorkflowFn>();

/** Records the workflow that runs one firing of `durable`'s schedules. */
export function registerFiring(durable: DurableAgent, workflow: ScheduledWorkflowFn): void {
  firings.set(durable, workflow);
}

/** The firing workflow of `durable`, if `durableAgent` made it. */
export function firingOf(durable: DurableAgent): ScheduledWorkflowFn | undefined {
  return firings.get(durable);
}
