/**
 * Approvals of durable runs: a paused run waits for a DBOS message, so the decision can come from any
 * process, and the run continues in whichever worker holds it (or recovers it).
 *
 * @packageDocumentation
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { ResumeAnswer } from '../agent/types.js';
import { ConfigError } from '../errors/config-error.js';

/** The DBOS message topic a paused durable run waits on. */
export const APPROVAL_TOPIC = 'icode.approvals';

/** The workflow attribute naming a durable run's session. */
export const SESSION_ATTRIBUTE = 'icode.session';

/** What {@link approveRun} needs of DBOS: the `DBOS` class, or a `DBOSClient` in a process without workers. */
export type ApprovalSender = Pick<typeof DBOS, 'send' | 'listWorkflows'>;

/**
 * Answers the pending approvals of a durable run, from any process connected to the system database. The
 * run resumes with them as `agent.resume(sessionId, { approvals })` would. Name the run by its `runId`, or
 * by `{ sessionId }` for the running run of that session (runs started by `durableAgent`; a scheduled
 * firing is named by its run id). Give `idempotencyKey` to make a retried call send once.
 *
 * @throws ConfigError when no running durable run has that session.
 * @example
 * ```ts
 * const handle = await durable.enqueueRun('Deploy to staging');
 * // later, in the web process that showed the request:
 * await approveRun(handle.runId, { [request.id]: { answer: 'allow', digest: request.digest } });
 * await approveRun({ sessionId }, { [request.id]: 'deny' }, { dbos: client }); // a DBOSClient
 * ```
 */
export async function approveRun(
  run: string | { readonly sessionId: string },
  approvals: Readonly<Record<string, ResumeAnswer>>,
  options: { readonly idempotencyKey?: string; readonly dbos?: ApprovalSender } = {},
): Promise<void> {
  const dbos = options.dbos ?? DBOS;
  let runId: string;
  if (typeof run === 'string') runId = run;
  else {
    const [found] = await dbos.listWorkflows({
      attributes: { [SESSION_ATTRIBUTE]: run.sessionId },
      status: 'PENDING',
      sortDesc: true,
      limit: 1,
    });
    if (!found) throw new ConfigError(`approveRun: no running durable run has session ${run.sessionId}.`);
    runId = found.workflowID;
  }
  await dbos.send(runId, approvals, APPROVAL_TOPIC, options.idempotencyKey);
}
