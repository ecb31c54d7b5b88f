/**
 * Resuming a paused session: each pending call is decided again here, not trusted from the store. An
 * approval satisfies only the policy's `ask`, and only for the exact call that was shown:
 *
 * 1. a denial refuses the call;
 * 2. the stored call must still match the digest recorded when it was asked (a changed stored input is
 *    refused, never run);
 * 3. the input is validated and the resuming agent's policy decides first: its deny rules and mode still
 *    refuse the call;
 * 4. an answer given with a digest binds to that digest: a call that is not the one shown is asked again;
 * 5. only then does the approved call run.
 */
import { RunStateError } from '../errors/config-error.js';
import type { PendingApproval } from '../events/run-result.js';
import { abortReason } from '../internal/abort.js';
import { callDigest } from '../internal/call-digest.js';
import type { Message, ToolResultPart } from '../model/message.js';
import type { ApprovalAnswer } from '../policy/types.js';
import type { SessionEntry } from '../stores/types.js';
import { applyAnswer, ask, decidePolicy, isAllow, refuse, refuseByPolicy, type Authorization } from './authorize.js';
import { executeTool, toolError, type ToolOutcome } from './execute-tool.js';
import type { RunContext } from './run-context.js';
import { finish, invalidInputMessage, mapBounded } from './run-tools.js';
import { orderResults, type SessionView } from './session-history.js';
import { checkToolInput } from './turn-limits.js';
import type { ResumeAnswer } from './types.js';

/** What resuming one pending call gave: its result, or a new request when it is asked again. */
type Resumed = { readonly result: ToolResultPart } | { readonly request: PendingApproval };

/**
 * Decides and runs the calls a paused session waits for, then stores the outcome. Returns the calls that
 * are asked again (the run pauses on them once more), or `undefined` when every call was decided.
 */
export async function resumeApprovals(
  ctx: RunContext,
  view: SessionView,
  approvals: Readonly<Record<string, ResumeAnswer>>,
): Promise<PendingApproval[] | undefined> {
  const paused = view.pending;
  if (!paused) throw new RunStateError(`Session ${ctx.sessionId} is not waiting for any approval.`);
  const requests = paused.requests;
  const missing = requests.filter((r) => !Object.hasOwn(approvals, r.id)).map((r) => r.id);
  if (missing.length > 0) {
    throw new RunStateError(`Resume needs a decision for every pending call; missing: ${missing.join(', ')}.`);
  }
  // Claimed before anything runs: the append expects the version this run loaded, so a second resume of
  // the same approvals (another process, a double click) fails before running a call twice; and after a
  // crash from here on, the calls are answered as interrupted instead of being run again.
  // (Results the paused turn already had are then lost with the pending entry: those calls are answered as
  // interrupted too, which tells the model to check their effects: the safe side.)
  const decisions = Object.fromEntries(
    requests.map((r) => [r.id, isAllow(unpack(approvals[r.id]!).answer) ? ('allow' as const) : ('deny' as const)]),
  );
  await ctx.persist([{ type: 'approvals-resolved', decisions }]);

  // Calls sharing an id (stored before ids were made unique, or edited in the store) cannot be told apart
  // by an answer keyed by id: none of them runs.
  const seen = new Map<string, number>();
  for (const r of requests) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
  const outcomes = await mapBounded(ctx.config.maxParallelTools, requests, (request) =>
    (seen.get(request.id) ?? 0) > 1
      ? refused(ctx, request, 'approver', sharedIdMessage(request.name))
      : resumeOne(ctx, request, approvals[request.id]!),
  );

  const results: ToolResultPart[] = [...(paused.results ?? [])];
  const asked: PendingApproval[] = [];
  for (const outcome of outcomes) {
    if ('request' in outcome) asked.push(outcome.request);
    else results.push(outcome.result);
  }
  const turn = paused.turn ?? ctx.sessionTurn;
  const ordered = orderResults(ctx.history, results);
  if (asked.length > 0) {
    // Paused again: the decided calls' results wait with the new requests, as in the first pause.
    const entries: SessionEntry[] = [{ type: 'pending-approvals', requests: asked, results: ordered, turn }];
    await ctx.persist(entries);
    return asked;
  }
  const toolMessage: Message = { role: 'tool', content: ordered };
  ctx.history.push(toolMessage);
  ctx.messages.push(toolMessage);
  await ctx.persist([{ type: 'message', message: toolMessage, turn }]);
  if (ctx.signal.aborted) throw abortReason(ctx.signal);
  return undefined;
}

/** The answer and the digest it was given for, from either form `resume` accepts. */
function unpack(given: ResumeAnswer): { answer: ApprovalAnswer | undefined; digest: string | undefined } {
  if (typeof given === 'object' && given !== null && 'answer' in given) {
    return { answer: given.answer, digest: given.digest };
  }
  return { answer: given, digest: undefined };
}

async function resumeOne(ctx: RunContext, request: PendingApproval, given: ResumeAnswer): Promise<Resumed> {
  const { answer, digest: shown } = unpack(given);
  if (!isAllow(answer)) return done(ctx, request, await applyAnswer(ctx, request, answer));
  const tool = ctx.config.tools.get(request.name);
  if (!tool) {
    return result(ctx, request, toolError('TOOL_NOT_FOUND', `Tool "${request.name}" no longer exists.`));
  }
  let actual: string | undefined;
  try {
    actual = callDigest(request.name, request.input);
  } catch {
    actual = undefined; // no canonical form: it cannot be what was shown
  }
  const stored = typeof request.digest === 'string' ? request.digest : undefined;
  if (actual === undefined || (stored !== undefined && stored !== actual)) {
    return refused(
      ctx,
      request,
      'approver',
      `This ${request.name} call was not run: the stored call no longer matches what was shown for approval (it was changed after it was asked). Make the call again if it is still needed.`,
    );
  }
  const check = checkToolInput(
    request.name,
    request.input,
    ctx.config.maxToolInputDepth,
    ctx.config.maxTurnOutputChars,
  );
  if (check.problem !== undefined) return result(ctx, request, toolError('TOOL_INPUT_INVALID', check.problem));
  const parsed = tool.input.safeParse(request.input);
  if (!parsed.success) {
    return result(ctx, request, toolError('TOOL_INPUT_INVALID', invalidInputMessage(tool, parsed.error)));
  }
  // The resuming agent's policy decides first: an approval answers an `ask`, never a deny rule or a mode.
  const decision = await decidePolicy(ctx, tool, request.id, request.input, parsed.data);
  if (decision.decision === 'deny') return done(ctx, request, await refuseByPolicy(ctx, request.id, decision));

  let authorization: Authorization;
  if (stored === undefined || (shown !== undefined && shown !== actual)) {
    // The answer cannot be tied to this exact call: show it again, with its digest.
    const why =
      stored === undefined
        ? 'Asked again: this stored call carries no digest to bind the approval to.'
        : 'Asked again: the approval was given for a different call (its digest does not match this one).';
    authorization = await ask(
      ctx,
      request.name,
      request.id,
      request.input,
      `${why} ${decision.reason}`,
      decision.suggestedRule,
    );
    if (authorization.kind === 'pending') return { request: authorization.request };
  } else {
    // "Allow always" adds the rule the current policy suggests for this call, never one read from the
    // store (a stored rule is not covered by the digest).
    const { suggestedRule: _stored, ...shownCall } = request;
    authorization = await applyAnswer(
      ctx,
      decision.suggestedRule === undefined ? shownCall : { ...shownCall, suggestedRule: decision.suggestedRule },
      answer,
    );
  }
  if (authorization.kind === 'refuse') return done(ctx, request, authorization);
  return result(ctx, request, await executeTool(ctx, tool, request.id, parsed.data));
}

async function result(ctx: RunContext, request: PendingApproval, outcome: ToolOutcome): Promise<Resumed> {
  return { result: await finish(ctx, request.id, request.name, request.input, outcome) };
}

/** The result of a call that was not run (a refusal; `run` is never passed here). */
function done(ctx: RunContext, request: PendingApproval, authorization: Authorization): Promise<Resumed> {
  const outcome =
    authorization.kind === 'refuse'
      ? authorization.outcome
      : toolError('PERMISSION_DENIED', `This ${request.name} call was not run.`);
  return result(ctx, request, outcome);
}

async function refused(
  ctx: RunContext,
  request: PendingApproval,
  source: 'approver' | 'mode',
  message: string,
): Promise<Resumed> {
  return done(ctx, request, await refuse(ctx, request.id, source, undefined, message));
}

function sharedIdMessage(name: string): string {
  return `This ${name} call was not run: another pending call has the same id, so an answer cannot tell them apart. Make the call again if it is still needed.`;
}
