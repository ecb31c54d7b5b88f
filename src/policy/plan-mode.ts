/**
 * Plan mode, the parts the policy, the agent and the `exit_plan_mode` tool share: the tool's name and mark,
 * the session record of an approved plan, the modes a plan can lead to, and what the model is told.
 */
import type { JsonValue } from '../model/message.js';
import type { PermissionMode } from './types.js';

/** The name of the tool that carries a plan to the person who approves it. */
export const EXIT_PLAN_TOOL = 'exit_plan_mode';

/** Every mode, least access first: `plan` is `read-only` until a person approves the plan. */
export const MODES: readonly PermissionMode[] = ['plan', 'read-only', 'workspace-write', 'full-access'];

/** The modes an approved plan can lead to (not `plan` itself). */
export const AFTER_PLAN_MODES: readonly PermissionMode[] = MODES.slice(1);

/**
 * The session state key of the approval record. The agent writes it when a person approves an
 * `exit_plan_mode` call; it counts only when the session's log also holds that call, with the same input,
 * and its successful result naming the same mode (see `src/agent/plan-mode.ts`), so a tool that writes
 * state cannot forge it.
 */
export const PLAN_STATE_KEY = 'icode.plan-approval';

/** What the session keeps of an approved plan. */
export interface PlanApproval {
  /** The `exit_plan_mode` call a person approved. */
  readonly callId: string;
  /** `sha256:<hex>` of that call (`callDigest`): the plan that was shown. */
  readonly digest: string;
  /** The mode the approving agent's policy granted (its `afterPlan`). */
  readonly mode: PermissionMode;
}

/** The record as stored, or `undefined` for anything else (nothing, a malformed or unknown value). */
export function readPlanApproval(value: JsonValue | undefined): PlanApproval | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { callId, digest, mode } = value;
  if (typeof callId !== 'string' || typeof digest !== 'string' || typeof mode !== 'string') return undefined;
  if (!AFTER_PLAN_MODES.includes(mode as PermissionMode)) return undefined;
  return { callId, digest, mode: mode as PermissionMode };
}

/**
 * What the real tool answers when its call was approved. It names the mode granted, so the result in the
 * session's log binds the record's `mode` too: a record whose mode was changed later no longer matches.
 */
export function planApprovedText(mode: PermissionMode): string {
  return `The user approved your plan. Plan mode ends with this step: from your next step on you work in ${mode} mode. Carry the plan out.`;
}

/** The narrower of two modes: an approval never widens what a policy allows. */
export function narrowerMode(a: PermissionMode, b: PermissionMode): PermissionMode {
  return MODES.indexOf(a) <= MODES.indexOf(b) ? a : b;
}

const EXIT_PLAN_MARK: unique symbol = Symbol('exit_plan_mode');

/**
 * Marks the one real `exit_plan_mode` tool: only its approval is recorded, so another tool given the same
 * name (a custom or MCP tool) never ends plan mode.
 */
export function markExitPlanTool<T extends object>(tool: T): T {
  Object.defineProperty(tool, EXIT_PLAN_MARK, { value: true });
  return tool;
}

/** Whether a tool is the real `exit_plan_mode` tool. */
export function isExitPlanTool(tool: unknown): boolean {
  return typeof tool === 'object' && tool !== null && (tool as { [EXIT_PLAN_MARK]?: boolean })[EXIT_PLAN_MARK] === true;
}

/** What the model is told while its session plans: appended to the instructions of every request. */
export function planInstructions(hasExitTool: boolean): string {
  const propose = hasExitTool
    ? `When you have a plan, call ${EXIT_PLAN_TOOL} with it (the steps, and the files you will change) for the user's approval; if they deny it, revise the plan with their feedback and propose it again.`
    : 'When you have a plan, present it as your answer (the steps, and the files you will change) and stop.';
  return `You are in plan mode: only read-only tools run and nothing may be changed yet. Explore what you need, then propose a plan. ${propose}`;
}
