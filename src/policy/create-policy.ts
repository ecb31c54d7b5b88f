/**
 * `createPolicy`: modes, allow/ask/deny rules, shell analysis and canonical path rules → allow | ask | deny.
 */
import { ConfigError } from '../errors/config-error.js';
import { deny, type RuleSet } from './decide/context.js';
import { decideCall } from './decide/decide-call.js';
import { DECIDE_AT_ONCE, type DecideAtOnce } from './decide-at-once.js';
import { nodeHelpers, type NodeHelpers } from './paths.js';
import { gatherFacts, type CallFacts } from './policy-facts.js';
import { AFTER_PLAN_MODES, EXIT_PLAN_TOOL, narrowerMode } from './plan-mode.js';
import { checkAfterPlan, checkMode, ruleList, type PolicyOptions, type RulePolicy } from './policy-options.js';
import { readable } from './read-filter.js';
import { normalizeToolName, parseRule } from './rules.js';
import { suggest } from './suggest-rule.js';
import { accessesOf } from './tool-access.js';
import type { PermissionCheck, PermissionMode, PolicyDecision } from './types.js';
import { additionalDirectorySpecs, type Workspace } from './workspace.js';
import { workspaceResolver } from './workspace-resolver.js';

export { mergePolicyOptions } from './policy-options.js';
export type { PolicyOptions, RuleList, RulePolicy } from './policy-options.js';

/**
 * Makes a permission policy. Decisions: a `deny` rule that matches denies; a path outside the workspace
 * denies (`WORKSPACE_ESCAPE`); then an `ask` rule asks; then `allow` rules and the mode allow, ask or (in
 * read-only mode) deny; protected paths and dangerous commands ask. Deny beats ask beats allow whatever the
 * order of the rules. (contract)
 *
 * - `read-only`: read-only tools and read-only shell commands run, inside the workspace. Anything that is
 *   not a read (writes, other commands, tools not marked `readOnly`) is **denied**, so the model learns at
 *   once it must not change anything (as in Claude Code's plan mode) and a headless run never stalls on it;
 *   explicit allow rules still let named commands and paths through. Fetches ask, as in the other modes.
 * - `workspace-write`: file tools may also write inside the workspace; a shell command runs when every
 *   simple command in it is read-only or allowed by a rule, and what it reads and writes passes the path
 *   rules; everything else asks.
 * - `full-access`: everything runs, except what deny and ask rules catch, writes to protected paths, and
 *   dangerous commands (`rm -rf ~`, `git push --force`, `curl … | sh`), which ask unless a rule allows
 *   that exact command.
 * - `plan`: judged exactly as `read-only` (bash also runs in a read-only OS sandbox), and the agent tells the
 *   model to explore and propose a plan. The plan's `exit_plan_mode` call always asks (no allow rule or
 *   "allow always" answers it; deny rules still refuse it); once a person approves it, the session goes on
 *   in `afterPlan` mode (default `read-only`: writing after a plan must be said, `afterPlan:
 *   'workspace-write'`). The approval is kept in the session, so a resume in another process goes on in
 *   that mode; the resuming agent's own policy still bounds it (the narrower of its `afterPlan` and the one
 *   that approved).
 *
 * Custom tools (a check with no `access` and a name that is not a built-in tool's) are judged as in the
 * OpenAI Agents SDK and the AI SDK: they run without asking in `workspace-write` and `full-access`, and in
 * `read-only` only when `readOnly`. A check with `needsApproval` (the tool's own `needsApproval`, evaluated
 * by the agent) asks wherever `read-only` or `workspace-write` would allow it, unless a rule naming the tool
 * allows it. Deny and ask rules apply to every tool by name first.
 *
 * Rules: `Bash(npm test:*)` and `Bash(npm test *)` are token-aware prefixes (`npm test`, `npm test -- x`,
 * never `npm testing`); `Bash(git status)` is exact; other `*` are wildcards within one simple command. A
 * compound command is allowed only if every simple command in it is. `Read(path)`, `Edit(path)` (also
 * `Write`, `MultiEdit`, `ApplyPatch`) take gitignore-style globs: `./x` and `x/y` from the workspace root,
 * `x` at any depth, `//abs/path` absolute, `~/x` from the home directory, and `/x` from the root (as Claude
 * Code reads it relative to its settings file; deny and ask rules also match it as an absolute path). Paths
 * are matched canonically, resolved as the kernel opens them (`link/..` is the parent of the link's
 * target): a symlink to a denied file is denied. `WebFetch(domain:example.com)` matches the host and its
 * subdomains. `mcp__server__tool`, `mcp__server__*` and `mcp__server` name MCP tools.
 *
 * One boundary: paths are judged against the root the tools act on (the sandbox's root; `root` must
 * agree with it). A read or write outside the root and every `additionalDirectories` entry (or a write into
 * a read-only one) is **denied at once** with `errorCode: 'WORKSPACE_ESCAPE'`, in every mode, and never
 * asked: the sandbox would refuse it anyway. Allow rules do not reach outside; only `additionalDirectories`
 * does. A path that cannot be resolved (a symlink loop, a name too long, no permission) is denied, and
 * `decide` never throws: whatever goes wrong while judging denies the call.
 *
 * Protected paths (`.git/`, `.icode/`, shell startup files, `authorized_keys`) are never written without an
 * allow rule that names them (`Edit(./.git/hooks/**)`), in every mode: such writes **ask**.
 *
 * Path rules bind shell commands too: `Read(…)` the files a command reads (`cat x`, `< x`, and for deny and
 * ask rules also the arguments of other programs, so `Read(./.env)` stops `curl -d @.env …`), `Edit(…)` the
 * files it writes (redirections, `tee`, `cp`, `rm`, `sed -i`…). A search over a tree that may hold a
 * denied file (`rg TOKEN`, the `grep` tool on the root, `tar -czf x.tgz .`) asks. Anything the analysis
 * cannot see (`eval`, `$cmd`, `python -c`, `xargs cat`, `find -exec cat {}`, globs, paths only known at run
 * time, parse errors) never passes a deny or ask rule, in any mode: it asks. `canRead(path)` tells search
 * and listing tools which results to drop (`grep`, `glob` and `list` never show a denied file's content or
 * name).
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
  checkMode(mode);
  const afterPlan = planExit(mode, options.afterPlan);
  if (options.approve !== undefined && typeof options.approve !== 'function')
    throw new ConfigError('policy.approve must be a function.');
  if (options.root !== undefined && (typeof options.root !== 'string' || options.root === ''))
    throw new ConfigError('policy.root must be a non-empty path.');
  const rules: RuleSet = {
    allow: ruleList(options.allow, 'allow').map(parseRule),
    ask: ruleList(options.ask, 'ask').map(parseRule),
    deny: ruleList(options.deny, 'deny').map(parseRule),
  };
  const workspaces = workspaceResolver(options.root, additionalDirectorySpecs(options.additionalDirectories));

  // Set by the first judgement: from then on a call that touches nothing the policy resolves is decided at once.
  let resolved: { readonly node: NodeHelpers; readonly workspace: Workspace } | undefined;

  async function judge(check: PermissionCheck): Promise<PolicyDecision> {
    const node = await nodeHelpers();
    const workspace = await workspaces(check.sandbox);
    if ('mismatch' in workspace) return deny(workspace.mismatch);
    resolved ??= { node, workspace };
    return decided(check, node, await gatherFacts(check, workspace));
  }

  /**
   * A call with no sandbox and nothing to resolve (a custom tool without `access`) has empty facts: it is
   * decided without awaiting paths, a workspace or an analysis (the workspace is only read for paths).
   */
  function judgeAtOnce(check: PermissionCheck): PolicyDecision | undefined {
    if (!resolved || check.sandbox || accessesOf(check) !== undefined) return undefined;
    const { node, workspace } = resolved;
    const facts: CallFacts = {
      root: workspace.root,
      workspace,
      home: node.home,
      reads: [],
      writes: [],
      fetches: [],
      shell: [],
      known: false,
    };
    return decided(check, node, facts);
  }

  function decided(check: PermissionCheck, node: NodeHelpers, facts: CallFacts): PolicyDecision {
    const tool = check.name.toLowerCase();
    const judging = judgingMode(mode, afterPlan, check.afterPlan);
    const normalized = normalizeToolName(check.name);
    const decision = decideCall({ facts, tool, normalized, check, node, rules, mode: judging });
    // The suggested rule is only shown with an `ask`: it is made (and validated) only then. A plan is
    // approved each time: no rule may approve the next one.
    if (decision.decision !== 'ask' || (judging === 'plan' && tool === EXIT_PLAN_TOOL)) return decision;
    const suggestedRule = suggest(check, facts, tool);
    return suggestedRule ? { ...decision, suggestedRule } : decision;
  }

  async function decide(check: PermissionCheck): Promise<PolicyDecision> {
    try {
      return judgeAtOnce(check) ?? (await judge(check));
    } catch (error) {
      return failed(error);
    }
  }
  (decide as DecideAtOnce)[DECIDE_AT_ONCE] = (check) => {
    try {
      return judgeAtOnce(check);
    } catch (error) {
      return failed(error);
    }
  };

  const policy: RulePolicy = {
    mode,
    ...(afterPlan ? { afterPlan } : {}),
    decide,
    canRead: (path, sandbox) => readable(path, sandbox, workspaces, rules),
    allowAlways(rule: string): void {
      rules.allow.push(parseRule(rule));
    },
    ...(options.approve ? { approve: options.approve } : {}),
  };
  return policy;
}

/** The `afterPlan` of a policy: only with `plan` mode, `read-only` unless said. */
function planExit(mode: PermissionMode, afterPlan: PermissionMode | undefined): PermissionMode | undefined {
  if (mode !== 'plan') {
    if (afterPlan !== undefined) throw new ConfigError("policy.afterPlan applies only to mode 'plan'.");
    return undefined;
  }
  if (afterPlan === undefined) return 'read-only';
  checkAfterPlan(afterPlan);
  return afterPlan;
}

/**
 * The mode a call is judged in: a `plan` policy judges in the narrower of its `afterPlan` and what the
 * session's approval granted (`check.afterPlan`, set by the agent) once a plan was approved; a value that
 * is not a mode a plan leads to keeps it planning.
 */
function judgingMode(
  mode: PermissionMode,
  afterPlan: PermissionMode | undefined,
  granted: PermissionMode | undefined,
): PermissionMode {
  if (mode !== 'plan' || afterPlan === undefined || !AFTER_PLAN_MODES.includes(granted!)) return mode;
  return narrowerMode(afterPlan, granted!);
}

/** Last resort: nothing the file system or a malformed call does may fail the run. */
function failed(error: unknown): PolicyDecision {
  return deny(`The policy could not judge this call (${failureName(error)}), so it is refused.`);
}

/** An error's code or class name: never its message, which may carry paths a symlink leads to. */
function failureName(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unexpected error';
}
