/**
 * The order of a decision. Deny beats ask beats allow, whatever the order of the rules:
 *
 * 0. paths that cannot be resolved are denied;
 * 1. deny rules that surely match deny; in plan mode, `exit_plan_mode` then asks, whatever else holds;
 * 2. paths outside the workspace and its additional directories are denied (`WORKSPACE_ESCAPE`);
 * 3. deny rules the call may hide from, then ask rules, ask;
 * 4. the mode with the allow rules decides; a refusal of read-only mode denies here;
 * 5. protected writes and 6. dangerous commands ask;
 * then the mode's answer stands.
 */
import type { PolicyDecision } from '../types.js';
import { checkAskRules } from './ask-rules.js';
import { refuseOutside } from './boundary.js';
import type { DecideContext } from './context.js';
import { askDangerous } from './danger.js';
import { checkDenyRules } from './deny-rules.js';
import { judgeByMode } from './mode.js';
import { askPlanApproval } from './plan.js';
import { askProtectedWrites } from './protected.js';
import { refuseUnresolvable } from './unresolvable.js';

/** Decides one call whose facts are gathered. */
export function decideCall(ctx: DecideContext): PolicyDecision {
  const unresolvable = refuseUnresolvable(ctx);
  if (unresolvable) return unresolvable;
  const { denied, uncertain } = checkDenyRules(ctx);
  if (denied) return denied;
  const plan = askPlanApproval(ctx);
  if (plan) return plan;
  const outside = refuseOutside(ctx);
  if (outside) return outside;
  const asked = checkAskRules(ctx, uncertain);
  if (asked) return asked;
  const byMode = judgeByMode(ctx);
  if (byMode.decision === 'deny') return byMode;
  return askProtectedWrites(ctx) ?? askDangerous(ctx) ?? byMode;
}
