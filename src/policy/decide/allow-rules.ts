/**
 * Step 4a: what allow rules cover. Each helper names the rule that allows a part of the call, so the mode
 * step (4b) can let through what the mode alone would refuse or ask about.
 */
import type { BashCommandInfo } from '../bash/analyze-bash.js';
import type { PathTarget } from '../policy-facts.js';
import { coversTool, hostOf, pathVerdict, wholeCommandMatch } from '../rule-match.js';
import { matchBash, type ParsedRule } from '../rules.js';
import type { PolicyDecision } from '../types.js';
import type { DecideContext } from './context.js';

/** A rule naming the tool with no specifier (`deploy`, `Read`, `Bash`): it allows every call of the tool. */
export function bareAllowRule(ctx: DecideContext): ParsedRule | undefined {
  return ctx.rules.allow.find(
    (rule) =>
      rule.bash === undefined &&
      rule.path === undefined &&
      rule.domain === undefined &&
      coversTool(rule, ctx.tool, ctx.normalized),
  );
}

/** A `Read(…)`/`Edit(…)` (or tool) rule whose pattern covers every place of the target, canonically. */
export function pathAllowRule(ctx: DecideContext, target: PathTarget): ParsedRule | undefined {
  const family = target.kind === 'read' ? 'read' : 'edit';
  return ctx.rules.allow.find(
    (rule) =>
      rule.path !== undefined &&
      (rule.family === family || coversTool(rule, ctx.tool, ctx.normalized)) &&
      pathVerdict(rule, [target], ctx, true, ctx.node) === 'match',
  );
}

/** An exact `Bash(…)` rule naming the whole command string. */
export function wholeCommandRule(ctx: DecideContext, command: string): ParsedRule | undefined {
  return ctx.rules.allow.find((rule) => wholeCommandMatch(rule, command));
}

/** A `Bash(…)` rule matching one simple command in one of its forms. */
export function commandRule(ctx: DecideContext, command: BashCommandInfo): ParsedRule | undefined {
  return ctx.rules.allow.find(
    (rule) =>
      rule.bash !== undefined &&
      command.forms.some((form) =>
        matchBash(rule.bash!, { words: form.words, openEnded: command.openEnded, codeArgs: form.codeArgs ?? [] }),
      ),
  );
}

/** A `WebFetch(domain:…)` rule covering the URL's host or a parent domain of it. */
export function domainRule(ctx: DecideContext, url: string): ParsedRule | undefined {
  const host = hostOf(url);
  if (host === undefined) return undefined;
  return ctx.rules.allow.find((rule) => rule.domain && (host === rule.domain || host.endsWith(`.${rule.domain}`)));
}

/** The `allow` of the rules used, or of the mode when none was needed. */
export function allowed(used: ReadonlySet<string>, what: string, ctx: DecideContext): PolicyDecision {
  const [first] = used;
  return first !== undefined
    ? { decision: 'allow', reason: `Allowed by the rule ${[...used].join(', ')}.`, rule: first }
    : { decision: 'allow', reason: `Allowed: ${what} in ${ctx.mode} mode.` };
}
