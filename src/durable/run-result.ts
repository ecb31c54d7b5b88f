/**
 * What a durable run returns: the JSON part of a `RunResult`, as DBOS stores a workflow's output.
 *
 * @packageDocumentation
 */
import type { PendingApproval, RunResult, RunStatus } from '../events/run-result.js';
import type { JsonValue } from '../model/message.js';
import type { Usage } from '../model/usage.js';

/**
 * The outcome of a durable run, read from any process with `handle.result()`.
 *
 * @example
 * ```ts
 * const { status, text, pending } = await (await durable.enqueueRun('Deploy')).result();
 * ```
 */
export interface DurableRunResult {
  readonly sessionId: string;
  readonly status: RunStatus;
  readonly text: string;
  readonly turns: number;
  readonly usage: Usage;
  readonly cost?: number;
  /** The calls waiting for a decision when the run ended `paused` (no {@link approveRun} came in time). */
  readonly pending?: readonly PendingApproval[];
  readonly output?: JsonValue;
}

/** The stored part of `result`: messages stay in the session, errors are the workflow's error. */
export function summarize(result: RunResult): DurableRunResult {
  const { sessionId, status, text, turns, usage, cost, pending, output } = result;
  return JSON.parse(
    JSON.stringify({ sessionId, status, text, turns, usage, cost, pending, output }),
  ) as DurableRunResult;
}
