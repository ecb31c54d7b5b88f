/**
 * What every step of a decision sees: the call's facts, the rules, the mode, and how to phrase an `ask`.
 */
import type { NodeHelpers } from '../paths.js';
import type { Context } from '../rule-match.js';
import type { ParsedRule } from '../rules.js';
import type { PermissionCheck, PermissionMode, PolicyDecision } from '../types.js';

/** The parsed rules of a policy. `allow` grows with "allow always". */
export interface RuleSet {
  readonly allow: ParsedRule[];
  readonly ask: readonly ParsedRule[];
  readonly deny: readonly ParsedRule[];
}

/** One call being decided. */
export interface DecideContext extends Context {
  readonly check: PermissionCheck;
  readonly node: NodeHelpers;
  readonly rules: RuleSet;
  readonly mode: PermissionMode;
}

/** An `ask` (`createPolicy` adds the call's suggested rule: it is made only for an `ask`). */
export function ask(_ctx: DecideContext, reason: string, rule?: string): PolicyDecision {
  return rule ? { decision: 'ask', reason, rule } : { decision: 'ask', reason };
}

/** A `deny` the model reads as a tool result. */
export function deny(
  reason: string,
  extra: { readonly rule?: string; readonly errorCode?: PolicyDecision['errorCode'] } = {},
): PolicyDecision {
  return {
    decision: 'deny',
    reason,
    ...(extra.rule ? { rule: extra.rule } : {}),
    errorCode: extra.errorCode ?? 'PERMISSION_DENIED',
  };
}
