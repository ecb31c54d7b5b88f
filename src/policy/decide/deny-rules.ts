/**
 * Step 1: deny rules. A rule that surely matches denies; one the call may match without showing it (an
 * `eval`, a path only known at run time, a search of a tree that may hold the file) is remembered, so the
 * call is asked about instead of allowed (step 3).
 */
import { ruleApplies } from '../rule-match.js';
import type { ParsedRule } from '../rules.js';
import type { PolicyDecision } from '../types.js';
import { deny, type DecideContext } from './context.js';

/** The deny of the first rule that surely matches; else the first rule that may match. */
export function checkDenyRules(ctx: DecideContext): { denied?: PolicyDecision; uncertain?: ParsedRule } {
  let uncertain: ParsedRule | undefined;
  for (const rule of ctx.rules.deny) {
    const verdict = ruleApplies(rule, ctx, ctx.node);
    if (verdict === 'match') return { denied: deny(`Denied by the rule ${rule.source}.`, { rule: rule.source }) };
    if (verdict === 'uncertain') uncertain ??= rule;
  }
  return uncertain ? { uncertain } : {};
}
