import type { AgentPolicyOptions } from '../agent/types.js';
import type { PermissionMode, Policy } from '../policy/types.js';
import type { AdditionalDirectory } from '../sandbox/types.js';
import type { IcodeConfig } from './types.js';

/**
 * Policy options as code gives them to `createAgentFromConfig`, with plan mode's `afterPlan`.
 *
 * @example
 * ```ts
 * const policy: ConfigPolicyOptions = { mode: 'plan', afterPlan: 'workspace-write', approve: showPlan };
 * ```
 */
export type ConfigPolicyOptions = AgentPolicyOptions & { readonly afterPlan?: PermissionMode };

/** Whether `value` is a ready `Policy` rather than its options. */
export function isPolicy(value: Policy | ConfigPolicyOptions): value is Policy {
  return typeof (value as Policy).decide === 'function';
}

/**
 * The agent's policy: the config's, with the code's `override` on top. Code is trusted (unlike project
 * files): its `mode`, `afterPlan`, `approve` and `root` replace the config's. Its rule lists and directories
 * are added to the config's, so a deny from any file still holds; `granted` (the folders of skills outside
 * the project) are added read-only. A ready `Policy` replaces everything. `afterPlan` is given only with
 * `plan` mode: the config's when the code sets none.
 */
export function configPolicy(
  config: IcodeConfig,
  override?: Policy | ConfigPolicyOptions,
  granted: readonly string[] = [],
): Policy | ConfigPolicyOptions {
  if (override && isPolicy(override)) return override;
  const { policy } = config;
  const list = (value: string | readonly string[] | undefined): readonly string[] =>
    value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const mode = override?.mode ?? policy.mode;
  const afterPlan = mode === 'plan' ? (override?.afterPlan ?? policy.afterPlan) : undefined;
  const additionalDirectories: AdditionalDirectory[] = [
    ...policy.additionalDirectories,
    ...(override?.additionalDirectories ?? []),
    ...granted,
  ];
  return {
    root: override?.root ?? config.root,
    ...(mode !== undefined ? { mode } : {}),
    ...(afterPlan !== undefined ? { afterPlan } : {}),
    allow: [...policy.allow, ...list(override?.allow)],
    ask: [...policy.ask, ...list(override?.ask)],
    deny: [...policy.deny, ...list(override?.deny)],
    ...(additionalDirectories.length > 0 ? { additionalDirectories } : {}),
    ...(override?.approve ? { approve: override.approve } : {}),
  };
}
