/**
 * Matching parsed rules against the facts of a call.
 */
import type { BashDetails } from './bash/analyze-bash.js';
import { couldMatchBelow, matchPath } from './path-patterns.js';
import type { NodeHelpers, ResolvedPath } from './paths.js';
import type { CallFacts, PathTarget } from './policy-facts.js';
import { matchBash, type ParsedRule } from './rules.js';
import { EDIT_TOOLS, READ_TOOLS } from './tool-access.js';

/** Whether a rule applies: surely, maybe (the call hides what it does), or not. */
export type Verdict = 'match' | 'uncertain' | 'none';

/** What rules are matched against. */
export interface Context {
  readonly facts: CallFacts;
  readonly tool: string;
  readonly normalized: string;
}

/** Whether the rule's name covers this tool (bare `Read` covers read/grep/glob/list, bare `Edit` the editors). */
export function coversTool(rule: ParsedRule, tool: string, normalized: string): boolean {
  switch (rule.family) {
    case 'bash':
      return normalized === 'bash';
    case 'read':
      return READ_TOOLS.has(tool);
    case 'edit':
      return EDIT_TOOLS.has(tool);
    case 'webfetch':
      return normalized === 'webfetch';
    case 'mcp':
      return rule.mcpPrefix ? tool.startsWith(rule.mcpPrefix) : tool === rule.name;
    case 'tool':
      return normalized === rule.name;
  }
}

/** The lower-case host of an http(s) URL, or `undefined`. */
export function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Whether a path rule matches the targets: for allow rules (`strict`) every place of a target must match its
 * canonical path; for deny and ask rules any place, lexical or canonical, is enough.
 */
export function pathVerdict(
  rule: ParsedRule,
  targets: readonly PathTarget[],
  ctx: Context,
  strict: boolean,
  node: NodeHelpers,
): Verdict {
  const pattern = rule.path!;
  let uncertain = false;
  for (const target of targets) {
    if (target.unknown || (!strict && target.glob)) {
      uncertain = true;
      if (target.unknown) continue;
    }
    const places = (candidate: ResolvedPath): string[] =>
      strict ? [candidate.canonical] : [candidate.lexical, candidate.canonical];
    const options = { workspace: ctx.facts.workspace, home: ctx.facts.home, asAbsolute: !strict };
    const hit = strict
      ? target.candidates.every((candidate) =>
          places(candidate).every((place) => matchPath(pattern, place, options, node)),
        )
      : target.candidates.some((candidate) =>
          places(candidate).some((place) => matchPath(pattern, place, options, node)),
        );
    if (hit) return 'match';
    // A deny on `.env` must hold against `rg TOKEN .`, `tar -czf x.tgz .` or `rm -rf .`: a command that
    // reads (or, from a shell, writes) the tree of a directory that may hold what the rule names is not
    // certain to avoid it.
    if (!strict && treeWide(target, rule)) {
      if (
        target.candidates.some(
          (candidate) => candidate.directory && couldMatchBelow(pattern, candidate.canonical, options, node),
        )
      )
        uncertain = true;
    }
  }
  return uncertain ? 'uncertain' : 'none';
}

/** Whether a target may stand for the whole tree below it, for this rule. */
function treeWide(target: PathTarget, rule: ParsedRule): boolean {
  if (target.kind === 'read') return (target.recursive || target.possible) === true && rule.family !== 'edit';
  return target.fromBash && rule.family !== 'read';
}

/**
 * Whether a shell command in the call runs something the analysis cannot see into (`eval`, `$cmd`,
 * `python -c`, `xargs cat`, `find -exec cat {}`, a parse error): its paths are only known when it runs.
 */
export function hidesPaths(facts: CallFacts): boolean {
  return facts.shell.some(
    ({ details }) => details.parseError || details.simpleCommands.some((c) => c.opaque || c.dynamicName || c.openEnded),
  );
}

/** Does a deny/ask rule apply to this call? `uncertain` when the call hides what it does. */
export function ruleApplies(rule: ParsedRule, ctx: Context, node: NodeHelpers): Verdict {
  const { facts, tool, normalized } = ctx;
  const hasSpecifier = rule.bash !== undefined || rule.path !== undefined || rule.domain !== undefined;
  if (!hasSpecifier) return coversTool(rule, tool, normalized) ? 'match' : 'none';
  if (rule.bash) {
    let verdict: Verdict = 'none';
    for (const { command, details } of facts.shell) {
      if (wholeCommandMatch(rule, command) || bashCommandsMatch(rule, details)) return 'match';
      if (details.parseError || details.simpleCommands.some((c) => c.opaque)) verdict = 'uncertain';
    }
    return verdict;
  }
  if (rule.domain) {
    let verdict: Verdict = 'none';
    for (const url of facts.fetches) {
      const host = hostOf(url);
      if (host === undefined) verdict = 'uncertain';
      else if (host === rule.domain || host.endsWith(`.${rule.domain}`)) return 'match';
    }
    return verdict;
  }
  // Path rules: Read(…) binds every read (file tools, shell reads, any tool's access); Edit(…) every write.
  // A shell command that hides what it touches never passes one, in any mode.
  let verdict: Verdict;
  if (rule.family === 'read') verdict = pathVerdict(rule, facts.reads, ctx, false, node);
  else if (rule.family === 'edit') verdict = pathVerdict(rule, facts.writes, ctx, false, node);
  else if (!coversTool(rule, tool, normalized)) return 'none';
  else verdict = pathVerdict(rule, [...facts.reads, ...facts.writes], ctx, false, node);
  return verdict === 'none' && hidesPaths(facts) ? 'uncertain' : verdict;
}

/** Whether an exact `Bash(…)` rule names this whole command. */
export function wholeCommandMatch(rule: ParsedRule, command: string): boolean {
  return rule.bash?.kind === 'exact' && rule.bash.raw === command.trim();
}

/** A leading `NAME=value` word: bash always reads it as an assignment, never as the command. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Whether a deny or ask `Bash(…)` rule matches any simple command (any form) of an analysis. Such rules see
 * through prefix assignments too (`NODE_OPTIONS=x npm test` is `npm test` to `Bash(npm test:*)` in `deny`),
 * and ignore code-carrying words: a rule that names the program covers whatever code it is given.
 */
export function bashCommandsMatch(rule: ParsedRule, details: BashDetails): boolean {
  return details.simpleCommands.some((command) =>
    [...command.forms, ...command.denyForms].some((form) => {
      const start = form.words.findIndex((word) => !ASSIGNMENT.test(word));
      const words = start > 0 ? form.words.slice(start) : form.words;
      return matchBash(rule.bash!, { words, openEnded: command.openEnded });
    }),
  );
}

/** Whether an allow rule names a protected path explicitly (its pattern spells `.git`, `.bashrc`…). */
export function namesExplicitly(rule: ParsedRule, protectedPath: string): boolean {
  if (!rule.path) return false;
  const glob = rule.path.glob.toLowerCase();
  const parts = protectedPath.toLowerCase().split(/[\\/]/);
  // The name must appear as a whole path segment, also inside braces (`{.git/hooks/x,.git/hooks/y}`).
  return parts.some(
    (part) =>
      (part.startsWith('.') || part.startsWith('authorized_keys')) &&
      part !== '.' &&
      new RegExp(`(^|[/{,])${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[/},])`).test(glob),
  );
}
