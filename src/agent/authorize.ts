import type { PendingApproval } from '../events/run-result.js';
import { jsonEqual } from '../internal/json-safe.js';
import type { JsonValue } from '../model/message.js';
import type { ApprovalAnswer, PolicyDecision } from '../policy/types.js';
import type { Tool } from '../tools/tool.js';
import { toolError, type ToolOutcome } from './execute-tool.js';
import type { RunContext } from './run-context.js';

/** What the permission step decided for one call. */
export type Authorization =
  | { readonly kind: 'run' }
  | { readonly kind: 'refuse'; readonly outcome: ToolOutcome }
  | { readonly kind: 'pending'; readonly request: PendingApproval };

const REPEAT_LIMIT = 3;
const RUN: Authorization = { kind: 'run' };

/**
 * Decides whether a validated call may run: the repeated-call guard, then the policy, then (for `ask`)
 * the approver, or a pending approval when there is none. Emits the audit events.
 */
export async function authorize(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: JsonValue,
  parsed: unknown,
): Promise<Authorization> {
  const repeated = isRepeated(ctx, tool.name, input);
  // Paths are canonicalised in the sandbox for tools that say what they touch; others need no sandbox.
  const pending = tool.sandbox ?? (tool.access || ctx.config.options.sandbox ? ctx.sandbox() : undefined);
  const sandbox = pending instanceof Promise ? await pending : pending;
  let decision: PolicyDecision = await ctx.config.policy.decide({
    name: tool.name,
    input,
    readOnly: tool.readOnly,
    ...(tool.access ? { access: tool.access(parsed) } : {}),
    ...(sandbox ? { sandbox } : {}),
  });
  if (repeated && decision.decision === 'allow') {
    decision = {
      decision: 'ask',
      reason: `This exact ${tool.name} call was made ${REPEAT_LIMIT} times in a row.`,
    };
    if (!ctx.config.policy.approve) {
      return refuse(
        ctx,
        id,
        'mode',
        undefined,
        `You have made this exact ${tool.name} call ${REPEAT_LIMIT} times in a row with the same input. It will not run again: change your approach (different input, another tool, or ask the user).`,
      );
    }
  }
  if (decision.decision === 'allow') {
    if (decision.rule !== undefined) {
      const wait = ctx.emit({
        type: 'permission-decision',
        id,
        decision: 'allow',
        source: 'rule',
        rule: decision.rule,
        reason: decision.reason,
        runId: ctx.runId,
      });
      if (wait) await wait;
    }
    return RUN;
  }
  if (decision.decision === 'deny') {
    return refuse(
      ctx,
      id,
      decision.rule ? 'rule' : 'mode',
      decision.rule,
      `Permission denied: ${decision.reason.replace(/\.$/, '')}${decision.rule ? ` (rule ${decision.rule})` : ''}. Do not retry this call; find another way or ask the user.`,
      decision.errorCode,
    );
  }
  const wait = ctx.emit({
    type: 'permission-request',
    id,
    name: tool.name,
    input,
    reason: decision.reason,
    runId: ctx.runId,
  });
  if (wait) await wait;
  const approve = ctx.config.policy.approve;
  const request: PendingApproval = {
    id,
    name: tool.name,
    input,
    reason: decision.reason,
    ...(decision.suggestedRule !== undefined ? { suggestedRule: decision.suggestedRule } : {}),
  };
  if (!approve) return { kind: 'pending', request };
  const answer = await approve({ ...request, sessionId: ctx.sessionId });
  return applyAnswer(ctx, request, answer);
}

/** Turns an approver's (or a resume's) answer into an authorization, emitting the decision event. */
export async function applyAnswer(
  ctx: RunContext,
  request: PendingApproval,
  answer: ApprovalAnswer | undefined,
): Promise<Authorization> {
  if (answer === 'allow' || answer === 'allow-always') {
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

async function refuse(
  ctx: RunContext,
  id: string,
  source: 'mode' | 'rule' | 'approver' | 'hook',
  rule: string | undefined,
  message: string,
  errorCode: PolicyDecision['errorCode'] = 'PERMISSION_DENIED',
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
  return { kind: 'refuse', outcome: toolError(errorCode ?? 'PERMISSION_DENIED', message) };
}

/** Records the call and tells whether it is the third identical call in a row. */
function isRepeated(ctx: RunContext, name: string, input: JsonValue): boolean {
  const last = ctx.lastCall;
  if (last && last.name === name && jsonEqual(last.input, input)) return ++last.count >= REPEAT_LIMIT;
  ctx.lastCall = { name, input, count: 1 };
  return false;
}

/** Refusal by a `beforeToolCall` hook. */
export function refuseByHook(ctx: RunContext, id: string, reason: string): Promise<Authorization> {
  return refuse(ctx, id, 'hook', undefined, `Permission denied by a hook: ${reason}`);
}
