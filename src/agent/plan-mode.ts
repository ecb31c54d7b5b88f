/**
 * Plan mode in the agent: whether a session still plans, the approval record, and the instruction the
 * model reads while it plans.
 *
 * A session leaves plan mode only through a person's approval of the real `exit_plan_mode` tool's call:
 * the agent then writes a record (`PLAN_STATE_KEY`) into the session state, and the record counts only when
 * the session's log also holds that exact call (same id, same digest) with the successful result the real
 * tool gives for the recorded mode. A tool
 * that writes session state cannot forge one (it has no approved call to point to), a call that was denied
 * has an error result, and a record pointing to another call or input is ignored. The log is read from the
 * store when the history the run holds was compacted, so the approval survives compaction and a resume in
 * another process.
 *
 * What an approval grants is bounded by the policy of the agent that runs the session: the narrower of its
 * `afterPlan` and the mode recorded when the plan was approved. A policy not in `plan` mode ignores all of
 * this: its own mode holds.
 */
import type { PendingApproval } from '../events/run-result.js';
import { callDigest } from '../internal/call-digest.js';
import type { ModelRequest } from '../model/language-model.js';
import type { JsonValue, Message } from '../model/message.js';
import {
  AFTER_PLAN_MODES,
  EXIT_PLAN_TOOL,
  isExitPlanTool,
  narrowerMode,
  PLAN_STATE_KEY,
  planApprovedText,
  planInstructions,
  readPlanApproval,
  type PlanApproval,
} from '../policy/plan-mode.js';
import type { PermissionCheck, PermissionMode, Policy } from '../policy/types.js';
import type { RunContext } from './run-context.js';

/** What a run found about the record it last saw (the state value, by identity). */
interface Verdict {
  readonly value: JsonValue | undefined;
  readonly granted: PermissionMode | undefined;
  /** The stored log was read for this record: a failed check is not repeated against the store. */
  readonly loaded: boolean;
}

const verdicts = new WeakMap<RunContext, Verdict>();

/**
 * The mode an approved plan grants the session of a `plan`-mode run, or `undefined` while it plans (and
 * for every other policy). Synchronous unless the approved call has left the history the run holds.
 */
export function planGrant(ctx: RunContext): PermissionMode | undefined | Promise<PermissionMode | undefined> {
  const policy = ctx.config.policy;
  if (policy.mode !== 'plan') return undefined;
  const value = ctx.state.get(PLAN_STATE_KEY);
  const known = verdicts.get(ctx);
  if (known !== undefined && known.value === value && known.granted !== undefined) return known.granted;
  const record = readPlanApproval(value);
  if (!record) return undefined;
  const grant = narrowerMode(afterPlanOf(policy), record.mode);
  if (approvedIn(ctx.history, record)) {
    verdicts.set(ctx, { value, granted: grant, loaded: false });
    return grant;
  }
  if (known !== undefined && known.value === value && known.loaded) return undefined;
  return ctx.config.store.load(ctx.sessionId).then(
    ({ entries }) => {
      const messages = entries.flatMap(({ entry }) => (entry.type === 'message' ? [entry.message] : []));
      const granted = approvedIn(messages, record) ? grant : undefined;
      verdicts.set(ctx, { value, granted, loaded: true });
      return granted;
    },
    // A store that cannot be read now proves nothing: the session plans (the narrow side) and asks again.
    () => undefined,
  );
}

/** A permission check with what the session's approved plan grants (the policy judges it). */
export function withPlanGrant(ctx: RunContext, check: PermissionCheck): PermissionCheck | Promise<PermissionCheck> {
  if (ctx.config.policy.mode !== 'plan') return check;
  const add = (grant: PermissionMode | undefined): PermissionCheck => (grant ? { ...check, afterPlan: grant } : check);
  const grant = planGrant(ctx);
  return grant instanceof Promise ? grant.then(add) : add(grant);
}

/**
 * The mode tools see (`ctx.permissionMode`): the policy's, or for a `plan` policy the mode its approval
 * granted. Every call is authorized (which checks the record) before it runs, so the answer is known
 * here; anything else reads as `plan`, the narrow side.
 */
export function permissionModeOf(ctx: RunContext): PermissionMode | undefined {
  const policy = ctx.config.policy;
  if (policy.mode !== 'plan') return policy.mode;
  const known = verdicts.get(ctx);
  return (known !== undefined && known.value === ctx.state.get(PLAN_STATE_KEY) ? known.granted : undefined) ?? 'plan';
}

/**
 * Records a person's approval of the real `exit_plan_mode` tool's call while the session plans. Called for
 * every approved call (from an approver or `agent.resume`); does nothing for any other.
 */
export function recordPlanApproval(ctx: RunContext, request: PendingApproval): void {
  const policy = ctx.config.policy;
  if (policy.mode !== 'plan' || request.name !== EXIT_PLAN_TOOL) return;
  if (!isExitPlanTool(ctx.config.tools.get(request.name)) || permissionModeOf(ctx) !== 'plan') return;
  let digest: string;
  try {
    digest = callDigest(request.name, request.input);
  } catch {
    return; // no canonical form: such a call is never shown, so never approved
  }
  const record: PlanApproval = { callId: request.id, digest, mode: afterPlanOf(policy) };
  ctx.state.set(PLAN_STATE_KEY, record as unknown as JsonValue);
}

/** The request of a turn, told to plan while the session of a `plan` policy has no approved plan. */
export function planModeRequest(ctx: RunContext, request: ModelRequest): ModelRequest | Promise<ModelRequest> {
  if (ctx.config.policy.mode !== 'plan') return request;
  const build = (grant: PermissionMode | undefined): ModelRequest => {
    if (grant) return request;
    const text = planInstructions(isExitPlanTool(ctx.config.tools.get(EXIT_PLAN_TOOL)));
    return { ...request, system: request.system ? `${request.system}\n\n${text}` : text };
  };
  const grant = planGrant(ctx);
  return grant instanceof Promise ? grant.then(build) : build(grant);
}

/** A policy's `afterPlan`; `read-only` when it has none or names no mode a plan leads to. */
function afterPlanOf(policy: Policy): PermissionMode {
  const mode = policy.afterPlan;
  return mode !== undefined && AFTER_PLAN_MODES.includes(mode) ? mode : 'read-only';
}

/**
 * Whether `messages` hold the recorded call (same id and digest) and its successful result, which names the
 * recorded mode (only the real tool, run after the approval, answers that).
 */
function approvedIn(messages: readonly Message[], record: PlanApproval): boolean {
  let called = false;
  for (const message of messages) {
    if (message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'tool-call' && part.id === record.callId) called = sameCall(part.name, part.input, record);
      }
    } else if (message.role === 'tool' && called) {
      for (const part of message.content) {
        if (part.id === record.callId && !part.isError && part.output === planApprovedText(record.mode)) return true;
      }
    }
  }
  return false;
}

function sameCall(name: string, input: JsonValue, record: PlanApproval): boolean {
  if (name !== EXIT_PLAN_TOOL) return false;
  try {
    return callDigest(name, input) === record.digest;
  } catch {
    return false;
  }
}
