/**
 * Approvals of durable runs: a paused run waits for a DBOS message, so the decision can come from any
 * process, and the run continues in whichever worker holds it (or recovers it).
 *
 * @packageDocumentation
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { ResumeAnswer } from '../agent/types.js';

/** The DBOS message topic a paused durable run waits on. */
export const APPROVAL_TOPIC = 'icode.approvals';

/**
 * Answers the pending approvals of the durable run `runId`, from any process connected to the system
 * database (a DBOS process, or give a `DBOSClient`'s `send`). The run resumes with them as
 * `agent.resume(sessionId, { approvals })` would. Give `idempotencyKey` to make a retried call send once.
 *
 * @example
 * ```ts
 * const handle = await durable.enqueueRun('Deploy to staging');
 * // later, in the web process that showed the request:
 * await approveRun(handle.runId, { [request.id]: { answer: 'allow', digest: request.digest } });
 * ```
 */
export async function approveRun(
  runId: string,
  approvals: Readonly<Record<string, ResumeAnswer>>,
  options: { readonly idempotencyKey?: string; readonly dbos?: Pick<typeof DBOS, 'send'> } = {},
): Promise<void> {
  await (options.dbos ?? DBOS).send(runId, approvals, APPROVAL_TOPIC, options.idempotencyKey);
}
