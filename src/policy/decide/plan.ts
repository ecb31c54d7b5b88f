/**
 * Step 1b: in plan mode, the `exit_plan_mode` call always asks. Its approval ends plan mode, so it is a
 * person's decision every time: no allow rule, mode or "allow always" answers it (deny rules still refuse
 * it, as every call).
 */
import { EXIT_PLAN_TOOL } from '../plan-mode.js';
import type { PolicyDecision } from '../types.js';
import { ask, type DecideContext } from './context.js';

/** The `ask` of a plan waiting for approval, or `undefined` for any other call. */
export function askPlanApproval(ctx: DecideContext): PolicyDecision | undefined {
  if (ctx.mode !== 'plan' || ctx.tool !== EXIT_PLAN_TOOL) return undefined;
  return ask(ctx, 'The plan needs your approval: approving it ends plan mode, denying it keeps the agent planning.');
}
