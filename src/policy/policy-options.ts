/**
 * The options of `createPolicy`, and how options from several sources merge.
 */
import { ConfigError } from '../errors/config-error.js';
import type { AdditionalDirectory, Sandbox } from '../sandbox/types.js';
import type { Approver, Policy, PermissionMode } from './types.js';

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
  allowAlways(rule: string): void;
  canRead(path: string, sandbox?: Sandbox): Promise<boolean>;
}

/** The modes, least access first. */
export const MODES: readonly PermissionMode[] = ['read-only', 'workspace-write', 'full-access'];

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
 * restrictive one given; additional directories are concatenated; `approve` and `root` come from the last
 * source that sets them.
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
    ...(additionalDirectories.length > 0 ? { additionalDirectories } : {}),
    ...(approve ? { approve } : {}),
    ...(root !== undefined ? { root } : {}),
  };
}
