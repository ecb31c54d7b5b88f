/**
 * Step 5: protected paths (`.git/`, `.icode/`, shell startup files, `authorized_keys`) are never written
 * without an allow rule that names them, in every mode: such writes ask.
 */
import { protectedReason } from '../path-patterns.js';
import { coversTool, namesExplicitly, pathVerdict, wholeCommandMatch } from '../rule-match.js';
import type { PolicyDecision } from '../types.js';
import { ask, type DecideContext } from './context.js';

/** The `ask` of the first protected write no rule names, or `undefined`. */
export function askProtectedWrites(ctx: DecideContext): PolicyDecision | undefined {
  const { facts, rules, node, tool, normalized } = ctx;
  const wholeAllowed =
    facts.shell.length > 0 &&
    facts.shell.every(({ command }) => rules.allow.some((rule) => wholeCommandMatch(rule, command)));
  for (const target of facts.writes) {
    for (const candidate of target.candidates) {
      const why = protectedReason(candidate.canonical, node) ?? protectedReason(candidate.lexical, node);
      if (!why) continue;
      const explicit = target.fromBash
        ? wholeAllowed
        : rules.allow.some(
            (rule) =>
              (rule.family === 'edit' || coversTool(rule, tool, normalized)) &&
              namesExplicitly(rule, candidate.canonical) &&
              pathVerdict(rule, [target], ctx, true, node) === 'match',
          );
      if (!explicit) return ask(ctx, `Writing ${target.text}: ${why}.`);
    }
  }
  return undefined;
}
