import type { DecisionSource, ToolErrorCode } from '../events/agent-event.js';
import type { PendingApproval } from '../events/run-result.js';
import { callDigest } from '../internal/call-digest.js';
import type { JsonValue } from '../model/message.js';
import { decidedAtOnce } from '../policy/decide-at-once.js';
import type { ApprovalAnswer, PermissionCheck, PolicyDecision } from '../policy/types.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Tool } from '../tools/tool.js';
import { toolError, type ToolOutcome } from './execute-tool.js';
import { recordPlanApproval, withPlanGrant } from './plan-mode.js';
import { isRepeated } from './repeat-guard.js';
import type { RunContext } from './run-context.js';

/** What the permission step decided for one call. */
export type Authorization =
  | { readonly kind: 'run' }
  | { readonly kind: 'refuse'; readonly outcome: ToolOutcome }
  | { readonly kind: 'pending'; readonly request: PendingApproval };

const RUN: Authorization = { kind: 'run' };

/**
 * Decides whether a validated call may run: the policy (told whether the tool needs approval for this
 * input), then the repeated-call guard on what it allows, then (for `ask`) the approver, or a pending
 * approval when there is none. Emits the audit events.
 *
 * Synchronous when nothing needs waiting for (a policy that decides at once, no approver asked, no slow
 * consumer): this runs for every tool call, and each promise and async frame shows on the hot path.
 */
export function authorize(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  parsed: unknown,
): Authorization | Promise<Authorization> {
  const repeated = isRepeated(ctx, tool, input);
  let decision: PolicyDecision | Promise<PolicyDecision>;
  try {
    const pending = tool.sandbox ?? (tool.access || ctx.config.options.sandbox ? ctx.sandbox() : undefined);
    decision =
      pending instanceof Promise
        ? pending.then((sandbox) => callPolicy(ctx, tool, id, input, parsed, sandbox))
        : callPolicy(ctx, tool, id, input, parsed, pending);
  } catch (error) {
    decision = failedDecision(tool.name, error);
  }
  if (decision instanceof Promise) {
    return decision.then(
      (answer) => authorizeDecision(ctx, tool, id, input, repeated, checkedDecision(tool.name, answer)),
      (error: unknown) => authorizeDecision(ctx, tool, id, input, repeated, failedDecision(tool.name, error)),
    );
  }
  return authorizeDecision(ctx, tool, id, input, repeated, checkedDecision(tool.name, decision));
}

/** What a checked decision means for the call: the guard, the audit events, and the approver for `ask`. */
function authorizeDecision(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  repeated: boolean,
  decision: PolicyDecision,
): Authorization | Promise<Authorization> {
  if (repeated && decision.decision === 'allow') {
    const turns = ctx.config.repeatGuard!.limit;
    decision = { decision: 'ask', reason: `This exact ${tool.name} call was made in ${turns} turns in a row.` };
    if (!ctx.config.policy.approve) {
      return refuse(
        ctx,
        id,
        'repeat-guard',
        undefined,
        `You have made this exact ${tool.name} call in ${turns} turns in a row with the same input. It will not run again: change your approach (different input, another tool, or ask the user).`,
      );
    }
  }
  if (decision.decision === 'allow') {
    if (decision.rule === undefined) return RUN;
    const wait = ctx.emit({
      type: 'permission-decision',
      id,
      decision: 'allow',
      source: 'rule',
      rule: decision.rule,
      reason: decision.reason,
      runId: ctx.runId,
    });
    return wait ? wait.then(() => RUN) : RUN;
  }
  if (decision.decision === 'deny') return refuseByPolicy(ctx, id, decision);
  return ask(ctx, tool.name, id, input, decision.reason, decision.suggestedRule);
}

/**
 * The policy's decision on a call, never a throw: a policy (or a tool's `access()`, or the sandbox it
 * needs) that throws, or answers something that is not a decision, refuses the call. A decision that
 * names `WORKSPACE_ESCAPE` is a refusal whatever it says, so a path outside the workspace is never asked.
 */
export async function decidePolicy(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  parsed: unknown,
): Promise<PolicyDecision> {
  try {
    // Paths are canonicalised in the sandbox for tools that say what they touch; others need no sandbox.
    const pending = tool.sandbox ?? (tool.access || ctx.config.options.sandbox ? ctx.sandbox() : undefined);
    const sandbox = pending instanceof Promise ? await pending : pending;
    return checkedDecision(tool.name, await callPolicy(ctx, tool, id, input, parsed, sandbox));
  } catch (error) {
    return failedDecision(tool.name, error);
  }
}

/**
 * Asks the policy, with the tool's `needsApproval` evaluated for this input. A `needsApproval` function
 * that throws makes the call refused (the caller turns a throw into a deny); one that answers anything but
 * `false` asks.
 */
function callPolicy(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  parsed: unknown,
  sandbox: Sandbox | undefined,
): Promise<PolicyDecision> | PolicyDecision {
  const policy = ctx.config.policy;
  const decide = (needsApproval: boolean): Promise<PolicyDecision> | PolicyDecision => {
    const check: PermissionCheck = {
      name: tool.name,
      input,
      readOnly: tool.readOnly,
      ...(tool.access ? { access: tool.access(parsed) } : {}),
      ...(sandbox ? { sandbox } : {}),
      ...(needsApproval ? { needsApproval } : {}),
    };
    // A `plan` policy is told what the session's approved plan grants; other policies get the check as is.
    const planned = withPlanGrant(ctx, check);
    if (planned instanceof Promise) return planned.then((c) => policy.decide(c));
    return decidedAtOnce(policy, planned) ?? policy.decide(planned);
  };
  const needs = tool.needsApproval;
  if (typeof needs !== 'function') return decide(needs === true);
  const runContext = ctx.settings.context;
  const context = {
    toolCallId: id,
    sessionId: ctx.sessionId,
    runId: ctx.runId,
    ...(runContext !== undefined ? { context: runContext } : {}),
  };
  return Promise.resolve(needs(parsed, context)).then((answer) => decide(answer !== false));
}

/** A decision as the loop uses it: nonsense refuses, and `WORKSPACE_ESCAPE` always refuses. */
function checkedDecision(name: string, decision: PolicyDecision): PolicyDecision {
  const verdict = (decision as PolicyDecision | undefined)?.decision;
  if (verdict !== 'allow' && verdict !== 'ask' && verdict !== 'deny') {
    return { decision: 'deny', reason: `The policy gave no valid decision for this ${name} call` };
  }
  if (decision.errorCode === 'WORKSPACE_ESCAPE' && verdict !== 'deny') return { ...decision, decision: 'deny' };
  return decision;
}

function failedDecision(name: string, error: unknown): PolicyDecision {
  return {
    decision: 'deny',
    reason: `The permission check for this ${name} call failed${errorLabel(error)}, so it is refused`,
  };
}

/**
 * What a policy failure is called in a refusal: its error code (`ELOOP`) or class name (`TypeError`),
 * never its message, which may name paths outside the workspace (a symlink's target).
 */
function errorLabel(error: unknown): string {
  const { code, name } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    name?: unknown;
  };
  const label = typeof code === 'string' ? code : typeof name === 'string' && name !== 'Error' ? name : undefined;
  return label !== undefined && /^[A-Za-z_][A-Za-z0-9_]{1,40}$/.test(label) ? ` (${label})` : '';
}

/** Refuses a call the policy denied, with the decision's error code (`WORKSPACE_ESCAPE` or the default). */
export function refuseByPolicy(ctx: RunContext, id: string, decision: PolicyDecision): Promise<Authorization> {
  const reason =
    typeof decision.reason === 'string' && decision.reason !== '' ? decision.reason : 'the policy denies it';
  return refuse(
    ctx,
    id,
    decision.rule ? 'rule' : 'mode',
    decision.rule,
    `Permission denied: ${reason.replace(/\.$/, '')}${decision.rule ? ` (rule ${decision.rule})` : ''}. Do not retry this call; find another way or ask the user.`,
    decision.errorCode === 'WORKSPACE_ESCAPE' ? 'WORKSPACE_ESCAPE' : 'PERMISSION_DENIED',
  );
}

/**
 * Asks about a call: emits `permission-request` with the digest of the exact call, then asks the approver,
 * or (with none) returns the pending approval the run pauses on.
 */
export async function ask(
  ctx: RunContext,
  name: string,
  id: string,
  input: JsonValue,
  reason: string,
  suggestedRule: string | undefined,
): Promise<Authorization> {
  let digest: string;
  try {
    digest = callDigest(name, input);
  } catch {
    // Reached only for an input that has no canonical JSON form; such a call is never shown or run.
    return refuse(
      ctx,
      id,
      'mode',
      undefined,
      `This ${name} call's input cannot be shown for approval, so it is refused.`,
    );
  }
  const wait = ctx.emit({ type: 'permission-request', id, name, input, reason, digest, runId: ctx.runId });
  if (wait) await wait;
  const request: PendingApproval = {
    id,
    name,
    input,
    reason,
    digest,
    ...(suggestedRule !== undefined ? { suggestedRule } : {}),
  };
  const approve = ctx.config.policy.approve;
  if (!approve) return { kind: 'pending', request };
  let answer: ApprovalAnswer | undefined;
  try {
    // The run's context reaches the live approver only: the stored pending request never holds it.
    const context = ctx.settings.context;
    answer = await approve({ ...request, sessionId: ctx.sessionId, ...(context !== undefined ? { context } : {}) });
  } catch {
    // An approver that fails has not approved: the call is refused, the run goes on.
    answer = undefined;
  }
  return applyAnswer(ctx, request, answer);
}

/** Whether an answer lets the call run. */
export function isAllow(answer: unknown): answer is 'allow' | 'allow-always' {
  return answer === 'allow' || answer === 'allow-always';
}

/** Turns an approver's (or a resume's) answer into an authorization, emitting the decision event. */
export async function applyAnswer(
  ctx: RunContext,
  request: PendingApproval,
  answer: ApprovalAnswer | undefined,
): Promise<Authorization> {
  if (isAllow(answer)) {
    recordPlanApproval(ctx, request);
    if (answer === 'allow-always' && request.suggestedRule !== undefined)
      ctx.config.policy.allowAlways?.(request.suggestedRule);
    const wait = ctx.emit({
      type: 'permission-decision',
      id: request.id,
      decision: 'allow',
      source: 'approver',
      runId: ctx.runId,
    });
    if (wait) await wait;
    return RUN;
  }
  const feedback =
    typeof answer === 'object' && answer !== null && answer.decision === 'deny' ? answer.feedback : undefined;
  const known = answer === 'deny' || feedback !== undefined;
  return refuse(
    ctx,
    request.id,
    'approver',
    undefined,
    feedback !== undefined
      ? `The user denied this ${request.name} call and said: ${feedback}`
      : known
        ? `The user denied this ${request.name} call. Do not retry it; ask the user how to proceed or take another approach.`
        : `This ${request.name} call was not approved (the approver gave no valid answer). Do not retry it.`,
  );
}

/** Emits the `deny` decision and returns the refusal the model reads. */
export async function refuse(
  ctx: RunContext,
  id: string,
  source: DecisionSource,
  rule: string | undefined,
  message: string,
  errorCode: ToolErrorCode = 'PERMISSION_DENIED',
): Promise<Authorization> {
  const wait = ctx.emit({
    type: 'permission-decision',
    id,
    decision: 'deny',
    source,
    ...(rule !== undefined ? { rule } : {}),
    reason: message,
    runId: ctx.runId,
  });
  if (wait) await wait;
  return { kind: 'refuse', outcome: toolError(errorCode, message) };
}

/** Refusal by a `beforeToolCall` hook. */
export function refuseByHook(ctx: RunContext, id: string, reason: string): Promise<Authorization> {
  return refuse(ctx, id, 'hook', undefined, `Permission denied by a hook: ${reason}`);
}
