/**
 * Step 6: dangerous commands (`rm -rf ~`, `git push --force`, `curl … | sh`) ask in every mode, unless a
 * rule allows that exact command.
 */
import { wholeCommandMatch } from '../rule-match.js';
import { matchBash } from '../rules.js';
import type { PolicyDecision } from '../types.js';
import { ask, type DecideContext } from './context.js';

/** The `ask` of the first dangerous command no exact rule allows, or `undefined`. */
export function askDangerous(ctx: DecideContext): PolicyDecision | undefined {
  const allow = ctx.rules.allow;
  for (const { command, details } of ctx.facts.shell) {
    if (!details.dangerous) continue;
    const exactly =
      allow.some((rule) => wholeCommandMatch(rule, command)) ||
      (!details.compoundDanger &&
        details.simpleCommands
          .filter((c) => c.dangerous)
          .every((c) =>
            allow.some(
              (rule) =>
                rule.bash?.kind === 'exact' &&
                c.forms.some((form) =>
                  matchBash(rule.bash!, { words: form.words, openEnded: c.openEnded, codeArgs: form.codeArgs ?? [] }),
                ),
            ),
          ));
    if (!exactly)
      return ask(
        ctx,
        `Dangerous command: ${details.reasons
          .filter((r) => r.startsWith('dangerous: '))
          .map((r) => r.slice(11))
          .join('; ')}.`,
      );
  }
  return undefined;
}
