/**
 * The configuration a delegated agent (a sub-agent, or a handoff target) runs with: its own instructions,
 * tools and model, its policy narrowed by the delegating run's, its tools confined to that run's workspace.
 */
import { planGrant } from '../plan-mode.js';
import { ToolFailure } from '../../internal/tool-failure.js';
import { narrowPolicy } from '../../policy/narrow-policy.js';
import { canonicalDirectory, nodeHelpers } from '../../policy/paths.js';
import type { Policy } from '../../policy/types.js';
import { isWithin } from '../../policy/workspace.js';
import type { AdditionalDirectory, Sandbox } from '../../sandbox/types.js';
import type { AgentConfig } from '../config.js';
import type { AgentHooks } from '../hooks.js';
import type { RunContext } from '../run-context.js';

/** How a delegated agent's policy relates to the delegating run's. */
export interface DelegationOptions {
  /** The name its events and results carry. */
  readonly name: string;
  /**
   * `subagent`: a child run, bounded for good by the run that starts it. `handoff`: the same run goes on
   * with another agent, bounded by the current one unless `widenPolicy` says otherwise.
   */
  readonly kind: 'subagent' | 'handoff';
  /**
   * `true`: an agent created without a policy of its own runs under the delegating run's policy as it is.
   * `false`: it runs under its own (the default `workspace-write` when it has none), still bounded by the
   * delegating run's. Either way every call must pass the delegating run's policy.
   */
  readonly inheritPolicy: boolean;
  /**
   * Handoffs only: take the target's policy as it is, unbounded. Only embedding code may set it, and it
   * widens only a top-level run: inside a sub-agent the target stays bounded by the sub-agent's parent.
   */
  readonly widenPolicy?: boolean;
}

/** What a sub-agent's run stays bounded by: the policy and workspace of the run that started it. */
interface Ceiling {
  readonly policy: Policy;
  readonly sandbox: Sandbox;
  readonly parent: RunContext;
}

/**
 * The ceiling of each configuration a sub-agent runs with, and of every handoff target it switches to. A
 * handoff's `widenPolicy` is meant for the embedding code's own top-level agent (say, after the user was
 * authenticated); without this, a sub-agent holding a widening handoff would shed its parent's bounds.
 */
const ceilings = new WeakMap<AgentConfig, Ceiling>();

/**
 * `config` with the ceiling `from` runs under, if any: a handoff target is a new configuration object of
 * the same bounded run.
 */
export function keepCeiling(config: AgentConfig, from: AgentConfig): AgentConfig {
  const ceiling = ceilings.get(from);
  if (ceiling) ceilings.set(config, ceiling);
  return config;
}

/**
 * Derives the delegated configuration. The sandbox of the delegating run (`outer`) is the boundary: the
 * delegated agent's own sandbox and the sandboxes its tools are bound to must lie inside its root or one
 * of its additional directories, and an agent without a sandbox of its own acts in `outer` itself. A
 * widening handoff inside a sub-agent is bounded (policy and roots) by the sub-agent's parent instead.
 *
 * @throws ToolFailure (`WORKSPACE_ESCAPE`) when a root lies outside: the call fails, nothing runs.
 */
export async function delegatedConfig(
  base: AgentConfig,
  parent: RunContext,
  outer: Sandbox,
  options: DelegationOptions,
): Promise<AgentConfig> {
  const ownSandbox = base.options.sandbox;
  const ceiling = ceilings.get(parent.config);
  const own: Policy | undefined = base.options.policy !== undefined || !options.inheritPolicy ? base.policy : undefined;
  let policy: Policy;
  if (options.widenPolicy && ceiling) {
    await checkRoots(base, ceiling.parent, ceiling.sandbox, options.name);
    policy = narrowPolicy(ceiling.policy, base.policy, { outerSandbox: ceiling.sandbox });
  } else if (options.widenPolicy) {
    policy = base.policy;
  } else {
    await checkRoots(base, parent, outer, options.name);
    policy = narrowPolicy(await grantedPolicy(parent), own, { outerSandbox: outer });
  }
  const config: AgentConfig = {
    ...base,
    options: guardedOptions(base, parent),
    policy,
    name: options.name,
    store: base.options.store ?? parent.config.store,
    sandbox: ownSandbox ? base.sandbox : () => Promise.resolve(outer),
  };
  if (options.kind === 'subagent') ceilings.set(config, { policy: parent.config.policy, sandbox: outer, parent });
  else if (ceiling) ceilings.set(config, ceiling);
  return config;
}

/**
 * The delegating run's policy as it stands for this run: a `plan` policy whose session's plan was approved
 * judges as the mode the approval granted (what the run itself is now allowed), so a child started after
 * the approval can carry the plan out; one still planning stays `plan`. The approval lives in the
 * delegating run's session, which the child's checks never see, so it is read here, once, at delegation.
 */
async function grantedPolicy(parent: RunContext): Promise<Policy> {
  const policy = parent.config.policy;
  if (policy.mode !== 'plan') return policy;
  const grant = await planGrant(parent);
  if (grant === undefined) return policy;
  return {
    mode: grant,
    decide: (check) => policy.decide({ ...check, afterPlan: grant }),
    ...(policy.approve ? { approve: policy.approve } : {}),
    ...(policy.allowAlways ? { allowAlways: (rule: string) => policy.allowAlways!(rule) } : {}),
    ...(policy.canRead ? { canRead: (path: string, sandbox?: Sandbox) => policy.canRead!(path, sandbox) } : {}),
  };
}

/** The guard a delegated agent's options carry for each `beforeToolCall` hook of a delegating run, by hook. */
const inherited = new WeakMap<AgentHooks, AgentHooks>();

/**
 * The delegated agent's options with the delegating run's `beforeToolCall` hooks first (then its own
 * hooks). Guard hooks bind as the policy does: without them, delegating (a sub-agent, or a handoff whose
 * target has no hooks) would run calls a guard of the delegating agent refuses. Only that point is carried
 * over: the run's other hooks (`stop`, `sessionStart`, …) belong to the run they were given to.
 */
function guardedOptions(base: AgentConfig, parent: RunContext): AgentConfig['options'] {
  const guards = hookList(parent.config.options.hooks).filter((h) => typeof h.beforeToolCall === 'function');
  if (guards.length === 0) return base.options;
  const own = hookList(base.options.hooks);
  const carried = guards.map((hooks) => {
    const original = inherited.get(hooks) ?? hooks;
    const guard: AgentHooks = {
      ...(original.name !== undefined ? { name: original.name } : {}),
      beforeToolCall: (call, ctx) => original.beforeToolCall!(call, ctx),
    };
    inherited.set(guard, original);
    return { original, guard };
  });
  // A guard already among the target's own hooks (a handoff back, the same hook given to both) runs once.
  const owned = new Set(own.map((h) => inherited.get(h) ?? h));
  const fresh = carried.filter(({ original }) => !owned.has(original)).map(({ guard }) => guard);
  return fresh.length === 0 ? base.options : { ...base.options, hooks: [...fresh, ...own] };
}

function hookList(hooks: AgentConfig['options']['hooks']): AgentHooks[] {
  if (hooks === undefined) return [];
  return (Array.isArray(hooks) ? hooks : [hooks]).filter((h): h is AgentHooks => typeof h === 'object' && h !== null);
}

/** Refuses a delegated agent whose sandboxes reach beyond the delegating run's workspace. */
async function checkRoots(base: AgentConfig, parent: RunContext, outer: Sandbox, name: string): Promise<void> {
  const roots = new Set<string>();
  if (base.options.sandbox) roots.add(base.options.sandbox.root);
  for (const tool of base.tools.values()) if (tool.sandbox) roots.add(tool.sandbox.root);
  if (roots.size === 0) return;
  const node = await nodeHelpers();
  const allowed = [outer.root, ...(await Promise.all(grantedDirectories(parent).map(canonicalDirectory)))];
  for (const root of roots) {
    const canonical = await canonicalDirectory(root);
    if (!allowed.some((dir) => isWithin(node, dir, canonical))) {
      throw new ToolFailure(
        'WORKSPACE_ESCAPE',
        `The agent "${name}" acts on ${root}, outside the workspace of the agent that delegates to it (${outer.root}); it was not started. A delegated agent's sandbox and tools must lie inside its parent's root or additional directories.`,
      );
    }
  }
}

/** The additional directories the delegating run's policy options grant (absolute, or below its root). */
function grantedDirectories(parent: RunContext): string[] {
  const policy = parent.config.options.policy as { additionalDirectories?: readonly AdditionalDirectory[] } | undefined;
  const dirs = typeof policy?.additionalDirectories === 'object' ? policy.additionalDirectories : [];
  return (dirs ?? []).map((dir) => (typeof dir === 'string' ? dir : dir.path)).filter((p) => p.startsWith('/'));
}
