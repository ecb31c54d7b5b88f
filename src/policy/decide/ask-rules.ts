/**
 * Step 3: a deny rule the call may match without showing it asks, then ask rules ask.
 */
import { ruleApplies } from '../rule-match.js';
import type { ParsedRule } from '../rules.js';
import type { PolicyDecision } from '../types.js';
import { ask, type DecideContext } from './context.js';

/** The `ask` of an uncertain deny rule or of the first ask rule that may match, or `undefined`. */
export function checkAskRules(ctx: DecideContext, uncertainDeny: ParsedRule | undefined): PolicyDecision | undefined {
  if (uncertainDeny)
    return ask(
      ctx,
      `The call cannot be checked against the deny rule ${uncertainDeny.source} (its paths or commands are only known when it runs).`,
      uncertainDeny.source,
    );
  for (const rule of ctx.rules.ask)
    if (ruleApplies(rule, ctx, ctx.node) !== 'none')
      return ask(ctx, `The rule ${rule.source} asks before this call.`, rule.source);
  return undefined;
}
