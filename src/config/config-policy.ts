import type { AgentPolicyOptions } from '../agent/types.js';
import type { Policy } from '../policy/types.js';
import type { IcodeConfig } from './types.js';

/** Whether `value` is a ready `Policy` rather than its options. */
export function isPolicy(value: Policy | AgentPolicyOptions): value is Policy {
  return typeof (value as Policy).decide === 'function';
}

/**
 * The agent's policy: the config's, with the code's `override` on top. Code is trusted (unlike project
 * files): its `mode`, `approve` and `root` replace the config's. Its rule lists and directories are added to
 * the config's, so a deny from any file still holds. A ready `Policy` replaces everything.
 */
export function configPolicy(config: IcodeConfig, override?: Policy | AgentPolicyOptions): Policy | AgentPolicyOptions {
  if (override && isPolicy(override)) return override;
  const { policy } = config;
  const list = (value: string | readonly string[] | undefined): readonly string[] =>
    value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const mode = override?.mode ?? policy.mode;
  const additionalDirectories = [...policy.additionalDirectories, ...(override?.additionalDirectories ?? [])];
  return {
    root: override?.root ?? config.root,
    ...(mode !== undefined ? { mode } : {}),
    allow: [...policy.allow, ...list(override?.allow)],
    ask: [...policy.ask, ...list(override?.ask)],
    deny: [...policy.deny, ...list(override?.deny)],
    ...(additionalDirectories.length > 0 ? { additionalDirectories } : {}),
    ...(override?.approve ? { approve: override.approve } : {}),
  };
}
