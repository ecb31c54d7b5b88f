/**
 * The options of `createPolicy`, and how options from several sources merge.
 */
import { ConfigError } from '../errors/config-error.js';
import type { AdditionalDirectory, Sandbox } from '../sandbox/types.js';
import { AFTER_PLAN_MODES, MODES, narrowerMode } from './plan-mode.js';
import type { Approver, Policy, PermissionMode } from './types.js';

// Kept here too: the list has been imported from this module.
export { MODES } from './plan-mode.js';

/** One rule or a list of them. */
export type RuleList = string | readonly string[];

/** The options of {@link createPolicy}. (contract) */
export interface PolicyOptions {
  /** @defaultValue 'workspace-write' */
  readonly mode?: PermissionMode;
  /**
   * With `mode: 'plan'`: the mode a session continues in once a person approved its plan (an
   * `exit_plan_mode` call). Writing after a plan must be said explicitly: `'workspace-write'`.
   * @defaultValue 'read-only'
   */
  readonly afterPlan?: PermissionMode;
  readonly allow?: RuleList;
  readonly ask?: RuleList;
  readonly deny?: RuleList;
  /** Decides `ask`s; without it a run pauses until `agent.resume`. */
  readonly approve?: Approver;
  /**
   * The workspace root paths are relative to and judged against. The policy always judges against the root
   * the tools act on (`check.sandbox.root`): given and different from it, every call is denied with a
   * reason saying so (a configuration error, never a second root). Without a sandbox, this root.
   * @defaultValue `check.sandbox.root`, else `process.cwd()`
   */
  readonly root?: string;
  /**
   * Directories outside the root that tools may reach, judged like the workspace: a path (read-only) or
   * `{ path, access: 'read' | 'read-write' }`. Relative paths are taken from the root. Deny and ask rules
   * and protected paths apply inside them as in the root; everything else outside the root is refused with
   * `WORKSPACE_ESCAPE`. Give the sandbox the same list, so the tools can reach what the policy allows.
   */
  readonly additionalDirectories?: readonly AdditionalDirectory[];
}

/** A policy made by {@link createPolicy}: the contract `Policy` plus what it was made from. */
export interface RulePolicy extends Policy {
  readonly mode: PermissionMode;
  /** Present with `mode: 'plan'`. */
  readonly afterPlan?: PermissionMode;
  allowAlways(rule: string): void;
  canRead(path: string, sandbox?: Sandbox): Promise<boolean>;
}

/** A rule option as a list; throws `ConfigError` for anything but a string or an array. */
export function ruleList(value: RuleList | undefined, list: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw new ConfigError(`policy.${list} must be a rule string or an array of rule strings.`);
  return [...(value as readonly string[])];
}

/**
 * Merges policy options from several sources (user, project, session…) safely: rule lists are concatenated,
 * so a deny from any source holds (deny beats ask beats allow whatever the source); the mode is the most
 * restrictive one given (`plan` first); with `plan`, `afterPlan` is the most restrictive of every source's
 * `afterPlan` and every other mode given, so no source's mode is exceeded once the plan is approved;
 * additional directories are concatenated; `approve` and `root` come from the last source that sets them.
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
  const additionalDirectories: AdditionalDirectory[] = [];
  let mode: PermissionMode | undefined;
  // The widest mode every source accepts once a plan is approved.
  let ceiling: PermissionMode | undefined;
  let approve: Approver | undefined;
  let root: string | undefined;
  for (const source of sources) {
    if (!source) continue;
    allow.push(...ruleList(source.allow, 'allow'));
    ask.push(...ruleList(source.ask, 'ask'));
    deny.push(...ruleList(source.deny, 'deny'));
    if (source.additionalDirectories !== undefined) {
      if (!Array.isArray(source.additionalDirectories))
        throw new ConfigError('policy.additionalDirectories must be an array.');
      additionalDirectories.push(...source.additionalDirectories);
    }
    if (source.mode !== undefined) {
      checkMode(source.mode);
      mode = mode === undefined ? source.mode : narrowerMode(mode, source.mode);
    }
    const bound = source.mode === 'plan' || source.mode === undefined ? source.afterPlan : source.mode;
    if (bound !== undefined) {
      checkAfterPlan(bound);
      ceiling = ceiling === undefined ? bound : narrowerMode(ceiling, bound);
    }
    approve = source.approve ?? approve;
    root = source.root ?? root;
  }
  return {
    ...(mode ? { mode } : {}),
    ...(mode === 'plan' && ceiling !== undefined ? { afterPlan: ceiling } : {}),
    allow,
    ask,
    deny,
    ...(additionalDirectories.length > 0 ? { additionalDirectories } : {}),
    ...(approve ? { approve } : {}),
    ...(root !== undefined ? { root } : {}),
  };
}

/** Throws `ConfigError` for anything but a permission mode. */
export function checkMode(mode: unknown): asserts mode is PermissionMode {
  if (!MODES.includes(mode as PermissionMode))
    throw new ConfigError(`Unknown permission mode ${JSON.stringify(mode)}; use one of ${MODES.join(', ')}.`);
}

/** Throws `ConfigError` for anything but a mode a plan can lead to. */
export function checkAfterPlan(mode: unknown): asserts mode is PermissionMode {
  if (!AFTER_PLAN_MODES.includes(mode as PermissionMode))
    throw new ConfigError(
      `policy.afterPlan must be one of ${AFTER_PLAN_MODES.join(', ')}; got ${JSON.stringify(mode)}.`,
    );
}
