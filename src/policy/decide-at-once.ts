/**
 * The synchronous side door of `createPolicy`'s `decide`, for the agent loop: a call the policy can judge
 * without waiting for anything (no path to resolve, no sandbox) is decided at once, so the hottest path of
 * a run (a custom tool call) pays no promise for its decision. Internal: not part of the `Policy` contract.
 */
import type { PermissionCheck, Policy, PolicyDecision } from './types.js';

/** The key of the side door, set on the `decide` function itself (a replaced `decide` never has it). */
export const DECIDE_AT_ONCE: unique symbol = Symbol('icode.decideAtOnce');

/** A `decide` with its side door: the decision now, or `undefined` when it needs the async path. */
export interface DecideAtOnce {
  [DECIDE_AT_ONCE]?: (check: PermissionCheck) => PolicyDecision | undefined;
}

/**
 * The decision of `policy` on `check` when it can be made at once; `undefined` for any other policy or call
 * (then `policy.decide` is asked).
 */
export function decidedAtOnce(policy: Policy, check: PermissionCheck): PolicyDecision | undefined {
  return (policy.decide as DecideAtOnce)[DECIDE_AT_ONCE]?.(check);
}
