/**
 * `createPolicy`: modes, allow/ask/deny rules, shell analysis and canonical path rules → allow | ask | deny.
 */
import { ConfigError } from '../errors/config-error.js';
import { canonicalRoot, nodeHelpers, protectedReason } from './paths.js';
import { gatherFacts, type PathTarget } from './policy-facts.js';
import { MODES, ruleList, type PolicyOptions, type RulePolicy } from './policy-options.js';
import {
  coversTool,
  hostOf,
  namesExplicitly,
  pathVerdict,
  ruleApplies,
  wholeCommandMatch,
  type Context,
} from './rule-match.js';
import { matchBash, normalizeToolName, parseRule, type ParsedRule } from './rules.js';
import { suggest } from './suggest-rule.js';
import { BUILTIN_READ_ONLY } from './tool-access.js';
import type { PermissionCheck, PolicyDecision } from './types.js';

export { mergePolicyOptions } from './policy-options.js';
export type { PolicyOptions, RuleList, RulePolicy } from './policy-options.js';

/**
 * Makes a permission policy. Decisions: a `deny` rule that matches denies; then an `ask` rule asks; then
 * protected paths and dangerous commands ask; then `allow` rules and the mode allow, or ask. Deny beats ask
 * beats allow whatever the order of the rules. (contract)
 *
 * - `read-only`: read-only tools and read-only shell commands run, inside the workspace. Anything that is
 *   not a read (writes, other commands, tools not marked `readOnly`) is **denied**, so the model learns at
 *   once it must not change anything (as in Claude Code's plan mode) and a headless run never stalls on it;
 *   explicit allow rules still let named commands and paths through. Reads outside the workspace and
 *   fetches ask, as in the other modes.
 * - `workspace-write`: file tools may also write inside the workspace; a shell command runs when every
 *   simple command in it is read-only or allowed by a rule, and what it reads and writes passes the path
 *   rules; everything else asks.
 * - `full-access`: everything runs, except what deny and ask rules catch, writes to protected paths, and
 *   dangerous commands (`rm -rf ~`, `git push --force`, `curl … | sh`), which ask unless a rule allows
 *   that exact command.
 *
 * Rules: `Bash(npm test:*)` and `Bash(npm test *)` are token-aware prefixes (`npm test`, `npm test -- x`,
 * never `npm testing`); `Bash(git status)` is exact; other `*` are wildcards within one simple command. A
 * compound command is allowed only if every simple command in it is. `Read(path)`, `Edit(path)` (also
 * `Write`, `MultiEdit`, `ApplyPatch`) take gitignore-style globs: `./x` and `x/y` from the workspace root,
 * `x` at any depth, `//abs/path` absolute, `~/x` from the home directory, and `/x` from the root (as Claude
 * Code reads it relative to its settings file; deny and ask rules also match it as an absolute path). Paths
 * are matched canonically: a symlink to a denied file is denied. `WebFetch(domain:example.com)` matches the
 * host and its subdomains. `mcp__server__tool`, `mcp__server__*` and `mcp__server` name MCP tools.
 *
 * Protected paths (`.git/`, `.icode/`, shell startup files, `authorized_keys`) are never written without an
 * allow rule that names them (`Edit(./.git/hooks/**)`), in every mode: such writes **ask**.
 *
 * Path rules bind shell commands too: `Read(…)` the files a command reads (`cat x`, `< x`, and for deny and
 * ask rules also the arguments of other programs, so `Read(./.env)` stops `curl -d @.env …`), `Edit(…)` the
 * files it writes (redirections, `tee`, `cp`, `rm`, `sed -i`…). A search over a tree that may hold a
 * denied file (`rg TOKEN`, the `grep` tool on the root) asks. Reads outside the workspace ask unless a
 * `Read(…)` rule allows them. Anything the analysis cannot see (`eval`, `$cmd`, globs, parse errors) never
 * passes a deny or ask rule: it asks.
 *
 * `suggestedRule` (on every `ask`) is the narrowest rule that allows exactly the call shown: the whole
 * command for bash (`Bash(npm test)`, wildcards escaped), the exact paths for file tools
 * (`Edit(./src/a.ts)`), the host for fetches; `allowAlways(rule)` validates and adds it.
 *
 * The policy is a guardrail against mistakes and common prompt injections, not a boundary against a
 * determined adversary; bash containment needs an OS sandbox.
 *
 * @example
 * ```ts
 * import { createPolicy } from 'icode/policy';
 *
 * const policy = createPolicy({ mode: 'workspace-write', allow: ['Bash(npm test:*)'], deny: ['Read(./.env)'] });
 * await policy.decide({ name: 'bash', input: { command: 'npm test -- --run' } });   // allow
 * await policy.decide({ name: 'read', input: { file_path: '.env' } });             // deny
 * await policy.decide({ name: 'bash', input: { command: 'npm test && curl x' } }); // ask, suggestedRule 'Bash(npm test && curl x)'
 * ```
 */
export function createPolicy(options: PolicyOptions = {}): RulePolicy {
  if (options === null || typeof options !== 'object') throw new ConfigError('createPolicy takes an options object.');
  const mode = options.mode ?? 'workspace-write';
  if (!MODES.includes(mode))
    throw new ConfigError(`Unknown permission mode ${JSON.stringify(mode)}; use one of ${MODES.join(', ')}.`);
  if (options.approve !== undefined && typeof options.approve !== 'function')
    throw new ConfigError('policy.approve must be a function.');
  if (options.root !== undefined && (typeof options.root !== 'string' || options.root === ''))
    throw new ConfigError('policy.root must be a non-empty path.');
  const allow = ruleList(options.allow, 'allow').map(parseRule);
  const ask = ruleList(options.ask, 'ask').map(parseRule);
  const deny = ruleList(options.deny, 'deny').map(parseRule);
  const roots = new Map<string, Promise<string>>();
  const rootFor = (check: PermissionCheck): Promise<string> => {
    const key = check.sandbox?.root ?? options.root ?? '';
    let root = roots.get(key);
    if (!root) {
      root = canonicalRoot(options.root ?? check.sandbox?.root, check.sandbox);
      roots.set(key, root);
    }
    return root;
  };

  async function decide(check: PermissionCheck): Promise<PolicyDecision> {
    const node = await nodeHelpers();
    const tool = check.name.toLowerCase();
    const normalized = normalizeToolName(check.name);
    const facts = await gatherFacts(check, await rootFor(check));
    const ctx: Context = { facts, tool, normalized };
    const suggestedRule = suggest(check, facts, tool);
    const ask_ = (reason: string, rule?: string): PolicyDecision => ({
      decision: 'ask',
      reason,
      ...(rule ? { rule } : {}),
      ...(suggestedRule ? { suggestedRule } : {}),
    });

    // 1. Deny rules, certain matches first; a call that hides what it does cannot be allowed past one.
    let uncertainDeny: ParsedRule | undefined;
    for (const rule of deny) {
      const verdict = ruleApplies(rule, ctx, node);
      if (verdict === 'match')
        return { decision: 'deny', reason: `Denied by the rule ${rule.source}.`, rule: rule.source };
      if (verdict === 'uncertain') uncertainDeny ??= rule;
    }
    if (uncertainDeny)
      return ask_(
        `The call cannot be checked against the deny rule ${uncertainDeny.source} (its paths or commands are only known when it runs).`,
        uncertainDeny.source,
      );
    // 2. Ask rules.
    for (const rule of ask) {
      const verdict = ruleApplies(rule, ctx, node);
      if (verdict !== 'none') return ask_(`The rule ${rule.source} asks before this call.`, rule.source);
    }
    // 3. Allow rules and the mode. Read-only mode refuses (deny) what is not a read.
    const byMode: PolicyDecision =
      mode === 'full-access'
        ? { decision: 'allow', reason: 'Allowed by full-access mode.' }
        : allowOrAsk(check, ctx, node, ask_);
    if (byMode.decision === 'deny') return byMode;
    // 4. Protected paths, in every mode.
    const wholeAllowed =
      facts.shell.length > 0 &&
      facts.shell.every(({ command }) => allow.some((rule) => wholeCommandMatch(rule, command)));
    for (const target of facts.writes) {
      for (const candidate of target.candidates) {
        const why = protectedReason(candidate.canonical, node) ?? protectedReason(candidate.lexical, node);
        if (!why) continue;
        const explicit = target.fromBash
          ? wholeAllowed
          : allow.some(
              (rule) =>
                (rule.family === 'edit' || coversTool(rule, tool, normalized)) &&
                namesExplicitly(rule, candidate.canonical) &&
                pathVerdict(rule, [target], ctx, true, node) === 'match',
            );
        if (!explicit) return ask_(`Writing ${target.text}: ${why}.`);
      }
    }
    // 5. Dangerous commands, in every mode.
    for (const { command, details } of facts.shell) {
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
                  c.forms.some((form) => matchBash(rule.bash!, { words: form.words, openEnded: c.openEnded })),
              ),
            ));
      if (!exactly)
        return ask_(
          `Dangerous command: ${details.reasons
            .filter((r) => r.startsWith('dangerous: '))
            .map((r) => r.slice(11))
            .join('; ')}.`,
        );
    }
    return byMode;
  }

  function allowOrAsk(
    check: PermissionCheck,
    ctx: Context,
    node: Awaited<ReturnType<typeof nodeHelpers>>,
    ask_: (reason: string) => PolicyDecision,
  ): PolicyDecision {
    const { facts, tool, normalized } = ctx;
    const bare = allow.find(
      (rule) =>
        rule.bash === undefined &&
        rule.path === undefined &&
        rule.domain === undefined &&
        coversTool(rule, tool, normalized),
    );
    if (bare) return { decision: 'allow', reason: `Allowed by the rule ${bare.source}.`, rule: bare.source };
    const used = new Set<string>();
    const writesInside = mode === 'workspace-write';
    // What is not a read: denied in read-only mode (the model learns it must not change anything), asked otherwise.
    const refuse = (reason: string): PolicyDecision =>
      mode === 'read-only'
        ? {
            decision: 'deny',
            reason: `${reason} Read-only mode allows only reads; ask the user to change the mode or add an allow rule.`,
          }
        : ask_(reason);

    const readOk = (target: PathTarget): boolean => {
      if (target.possible) return true;
      if (target.unknown) return false;
      if (target.candidates.every((c) => c.inside)) return true;
      const rule = allow.find(
        (r) =>
          r.path &&
          (r.family === 'read' || coversTool(r, tool, normalized)) &&
          pathVerdict(r, [target], ctx, true, node) === 'match',
      );
      if (rule) used.add(rule.source);
      return rule !== undefined;
    };
    const writeOk = (target: PathTarget): boolean => {
      if (target.unknown) return false;
      if (writesInside && target.candidates.every((c) => c.inside)) return true;
      const rule = allow.find(
        (r) =>
          r.path &&
          (r.family === 'edit' || coversTool(r, tool, normalized)) &&
          pathVerdict(r, [target], ctx, true, node) === 'match',
      );
      if (rule) used.add(rule.source);
      return rule !== undefined;
    };
    const finish = (what: string): PolicyDecision =>
      used.size > 0
        ? { decision: 'allow', reason: `Allowed by the rule ${[...used].join(', ')}.`, rule: [...used][0]! }
        : { decision: 'allow', reason: `Allowed: ${what} in ${mode} mode.` };

    if (facts.shell.length > 0) {
      for (const { command, details } of facts.shell) {
        const whole = allow.find((rule) => wholeCommandMatch(rule, command));
        if (whole) {
          used.add(whole.source);
          continue;
        }
        if (details.parseError || details.structural.length > 0)
          return refuse(`The command is not read-only: ${details.structural.join('; ') || 'it could not be parsed'}.`);
        const ruleAllowed = details.simpleCommands.map((c) => {
          const rule = allow.find(
            (r) => r.bash && c.forms.some((form) => matchBash(r.bash!, { words: form.words, openEnded: c.openEnded })),
          );
          if (rule) used.add(rule.source);
          return rule !== undefined;
        });
        const blocked = details.simpleCommands.find((c, i) => !c.readOnly && !ruleAllowed[i]);
        if (blocked)
          return refuse(
            `${blocked.argv.join(' ')} is not read-only and no allow rule matches it (${details.reasons
              .filter((r) => !r.startsWith('dangerous: '))
              .slice(0, 3)
              .join('; ')}).`,
          );
        for (const write of facts.writes.filter((w) => w.fromBash)) {
          const byRule = (write.by ?? []).length > 0 && (write.by ?? []).every((i) => ruleAllowed[i]);
          if (!byRule || !writeOk(write))
            return refuse(
              `The command writes ${write.text}, which ${byRule ? 'this mode does not allow' : 'no allow rule covers'}.`,
            );
        }
      }
      for (const read of facts.reads)
        if (!readOk(read))
          return ask_(
            read.unknown
              ? `The command reads ${read.text}, which is only known when it runs.`
              : `Reading ${read.text} is outside the workspace.`,
          );
      return finish('a read-only command');
    }

    for (const url of facts.fetches) {
      const host = hostOf(url);
      const rule =
        host === undefined
          ? undefined
          : allow.find((r) => r.domain && (host === r.domain || host.endsWith(`.${r.domain}`)));
      if (!rule)
        return ask_(
          host === undefined ? `Fetching ${url}: not an http(s) URL.` : `Fetching from ${host} needs approval.`,
        );
      used.add(rule.source);
    }
    for (const read of facts.reads)
      if (!readOk(read))
        return ask_(
          read.unknown
            ? `The path of ${check.name} is missing or unknown.`
            : `Reading ${read.text} is outside the workspace.`,
        );
    for (const write of facts.writes) {
      if (!writeOk(write)) {
        return refuse(
          write.unknown
            ? `The path of ${check.name} is missing or unknown.`
            : mode === 'read-only'
              ? `Writing ${write.text} is not a read.`
              : `Writing ${write.text} is outside the workspace.`,
        );
      }
    }
    const readOnlyTool = check.readOnly ?? BUILTIN_READ_ONLY.has(tool);
    if (!facts.known && !readOnlyTool && used.size === 0)
      return refuse(`${check.name} is not read-only and no allow rule covers it.`);
    if (
      facts.known &&
      facts.writes.length === 0 &&
      facts.fetches.length === 0 &&
      !readOnlyTool &&
      mode === 'read-only' &&
      used.size === 0
    )
      return refuse(`${check.name} is not read-only.`);
    return finish(facts.writes.length > 0 ? 'a write inside the workspace' : 'a read-only call');
  }

  const policy: RulePolicy = {
    mode,
    decide,
    allowAlways(rule: string): void {
      allow.push(parseRule(rule));
    },
    ...(options.approve ? { approve: options.approve } : {}),
  };
  return policy;
}
