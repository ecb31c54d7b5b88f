/**
 * `createPolicy`: modes, allow/ask/deny rules, shell analysis and canonical path rules → allow | ask | deny.
 */
import { ConfigError } from '../errors/config-error.js';
import type { BashDetails } from './analyze-bash.js';
import { canonicalRoot, couldMatchBelow, matchPath, nodeHelpers, protectedReason, type ResolvedPath } from './paths.js';
import { gatherFacts, type CallFacts, type PathTarget } from './policy-facts.js';
import { escapeBashPattern, escapeGlob, matchBash, normalizeToolName, parseRule, type ParsedRule } from './rules.js';
import { BUILTIN_READ_ONLY, EDIT_TOOLS, READ_TOOLS } from './tool-access.js';
import type { Approver, PermissionCheck, PermissionMode, Policy, PolicyDecision } from './types.js';

/** One rule or a list of them. */
export type RuleList = string | readonly string[];

/** The options of {@link createPolicy}. (contract) */
export interface PolicyOptions {
  /** @defaultValue 'workspace-write' */
  readonly mode?: PermissionMode;
  readonly allow?: RuleList;
  readonly ask?: RuleList;
  readonly deny?: RuleList;
  /** Decides `ask`s; without it a run pauses until `agent.resume`. */
  readonly approve?: Approver;
  /** The workspace root paths are relative to. @defaultValue `check.sandbox.root`, else `process.cwd()` */
  readonly root?: string;
}

/** A policy made by {@link createPolicy}: the contract `Policy` plus what it was made from. */
export interface RulePolicy extends Policy {
  readonly mode: PermissionMode;
  allowAlways(rule: string): void;
}

const MODES: readonly PermissionMode[] = ['read-only', 'workspace-write', 'full-access'];

function ruleList(value: RuleList | undefined, list: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw new ConfigError(`policy.${list} must be a rule string or an array of rule strings.`);
  return [...(value as readonly string[])];
}

/**
 * Merges policy options from several sources (user, project, session…) safely: rule lists are concatenated,
 * so a deny from any source holds (deny beats ask beats allow whatever the source); the mode is the most
 * restrictive one given; `approve` and `root` come from the last source that sets them.
 *
 * @example
 * ```ts
 * const options = mergePolicyOptions(userSettings, { deny: ['Read(./.env)'] }, { mode: 'full-access' });
 * const policy = createPolicy(options);
 * ```
 */
export function mergePolicyOptions(...sources: readonly (PolicyOptions | undefined)[]): PolicyOptions {
  const allow: string[] = [];
  const ask: string[] = [];
  const deny: string[] = [];
  let mode: PermissionMode | undefined;
  let approve: Approver | undefined;
  let root: string | undefined;
  for (const source of sources) {
    if (!source) continue;
    allow.push(...ruleList(source.allow, 'allow'));
    ask.push(...ruleList(source.ask, 'ask'));
    deny.push(...ruleList(source.deny, 'deny'));
    if (source.mode !== undefined) {
      if (!MODES.includes(source.mode))
        throw new ConfigError(
          `Unknown permission mode ${JSON.stringify(source.mode)}; use one of ${MODES.join(', ')}.`,
        );
      mode = mode === undefined || MODES.indexOf(source.mode) < MODES.indexOf(mode) ? source.mode : mode;
    }
    approve = source.approve ?? approve;
    root = source.root ?? root;
  }
  return {
    ...(mode ? { mode } : {}),
    allow,
    ask,
    deny,
    ...(approve ? { approve } : {}),
    ...(root !== undefined ? { root } : {}),
  };
}

type Verdict = 'match' | 'uncertain' | 'none';

interface Context {
  readonly facts: CallFacts;
  readonly tool: string;
  readonly normalized: string;
}

/** Whether the rule's name covers this tool (bare `Read` covers read/grep/glob/list, bare `Edit` the editors). */
function coversTool(rule: ParsedRule, tool: string, normalized: string): boolean {
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

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** Whether every candidate or any candidate of a path matches. */
function pathVerdict(
  rule: ParsedRule,
  targets: readonly PathTarget[],
  ctx: Context,
  strict: boolean,
  node: Awaited<ReturnType<typeof nodeHelpers>>,
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
    const options = { root: ctx.facts.root, home: ctx.facts.home, asAbsolute: !strict };
    const hit = strict
      ? target.candidates.every((candidate) =>
          places(candidate).every((place) => matchPath(pattern, place, options, node)),
        )
      : target.candidates.some((candidate) =>
          places(candidate).some((place) => matchPath(pattern, place, options, node)),
        );
    if (hit) return 'match';
    // A deny on `.env` must hold against `rg TOKEN .`: a recursive read of a directory that may contain
    // what the rule names is not certain to avoid it.
    if (!strict && target.recursive && (rule.family === 'read' || rule.family === 'tool')) {
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

/** Does a deny/ask rule apply to this call? `uncertain` when the call hides what it does. */
function ruleApplies(rule: ParsedRule, ctx: Context, node: Awaited<ReturnType<typeof nodeHelpers>>): Verdict {
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
  if (rule.family === 'read') return pathVerdict(rule, facts.reads, ctx, false, node);
  if (rule.family === 'edit') return pathVerdict(rule, facts.writes, ctx, false, node);
  if (!coversTool(rule, tool, normalized)) return 'none';
  return pathVerdict(rule, [...facts.reads, ...facts.writes], ctx, false, node);
}

function wholeCommandMatch(rule: ParsedRule, command: string): boolean {
  return rule.bash?.kind === 'exact' && rule.bash.raw === command.trim();
}

function bashCommandsMatch(rule: ParsedRule, details: BashDetails): boolean {
  return details.simpleCommands.some((command) =>
    command.forms.some((form) => matchBash(rule.bash!, { words: form.words, openEnded: command.openEnded })),
  );
}

/** Whether an allow rule names a protected path explicitly (its pattern spells `.git`, `.bashrc`…). */
function namesExplicitly(rule: ParsedRule, protectedPath: string): boolean {
  if (!rule.path) return false;
  const segments = rule.path.glob.toLowerCase().split('/');
  const parts = protectedPath.toLowerCase().split(/[\\/]/);
  return parts.some(
    (part) => (part.startsWith('.') || part.startsWith('authorized_keys')) && part !== '.' && segments.includes(part),
  );
}

/**
 * Makes a permission policy. Decisions: a `deny` rule that matches denies; then an `ask` rule asks; then
 * protected paths and dangerous commands ask; then `allow` rules and the mode allow, or ask. Deny beats ask
 * beats allow whatever the order of the rules. (contract)
 *
 * - `read-only`: read-only tools and read-only shell commands run, inside the workspace; everything else
 *   **asks** (a person can still approve a one-off change; use `deny` rules to forbid).
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
    // 3. Protected paths, in every mode.
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
    // 4. Dangerous commands, in every mode.
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
    // 5. Allow rules and the mode.
    if (mode === 'full-access') return { decision: 'allow', reason: 'Allowed by full-access mode.' };
    return allowOrAsk(check, ctx, node, ask_);
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
          return ask_(`The command is not read-only: ${details.structural.join('; ') || 'it could not be parsed'}.`);
        const ruleAllowed = details.simpleCommands.map((c) => {
          const rule = allow.find(
            (r) => r.bash && c.forms.some((form) => matchBash(r.bash!, { words: form.words, openEnded: c.openEnded })),
          );
          if (rule) used.add(rule.source);
          return rule !== undefined;
        });
        const blocked = details.simpleCommands.find((c, i) => !c.readOnly && !ruleAllowed[i]);
        if (blocked)
          return ask_(
            `${blocked.argv.join(' ')} is not read-only and no allow rule matches it (${details.reasons
              .filter((r) => !r.startsWith('dangerous: '))
              .slice(0, 3)
              .join('; ')}).`,
          );
        for (const write of facts.writes.filter((w) => w.fromBash)) {
          const byRule = (write.by ?? []).length > 0 && (write.by ?? []).every((i) => ruleAllowed[i]);
          if (!byRule || !writeOk(write))
            return ask_(
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
        return ask_(
          write.unknown
            ? `The path of ${check.name} is missing or unknown.`
            : mode === 'read-only'
              ? `Writing ${write.text} needs approval in read-only mode.`
              : `Writing ${write.text} is outside the workspace.`,
        );
      }
    }
    const readOnlyTool = check.readOnly ?? BUILTIN_READ_ONLY.has(tool);
    if (!facts.known && !readOnlyTool && used.size === 0)
      return ask_(`${check.name} is not read-only and no allow rule covers it.`);
    if (
      facts.known &&
      facts.writes.length === 0 &&
      facts.fetches.length === 0 &&
      !readOnlyTool &&
      mode === 'read-only' &&
      used.size === 0
    )
      return ask_(`${check.name} is not read-only.`);
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

/** The narrowest rule that allows exactly this call. */
function suggest(check: PermissionCheck, facts: CallFacts, tool: string): string | undefined {
  let rule: string | undefined;
  if (facts.shell.length === 1) rule = `Bash(${escapeBashPattern(facts.shell[0]!.command.trim())})`;
  else if (facts.fetches.length > 0) {
    const host = hostOf(facts.fetches[0]!);
    rule = host ? `WebFetch(domain:${host})` : undefined;
  } else if (facts.reads.length + facts.writes.length > 0) {
    const writing = facts.writes.length > 0;
    const targets = writing ? facts.writes : facts.reads;
    if (targets.some((t) => t.unknown)) return undefined;
    const places = targets.flatMap((t) => t.candidates);
    const inside = places.every((p) => p.inside);
    const show = (p: ResolvedPath): string => escapeGlob(inside ? relativeTo(facts.root, p.canonical) : p.canonical);
    const unique = [...new Set(places.map(show))];
    const glob = unique.length === 1 || unique.some((u) => u.includes(',')) ? unique[0]! : `{${unique.join(',')}}`;
    const family = READ_TOOLS.has(tool) || EDIT_TOOLS.has(tool) ? (writing ? 'Edit' : 'Read') : check.name;
    rule = `${family}(${inside ? './' : '/'}${glob})`;
  } else rule = check.name;
  if (!rule) return undefined;
  try {
    parseRule(rule);
    return rule;
  } catch {
    return undefined;
  }
}

function relativeTo(root: string, path: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path === root ? '.' : path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
