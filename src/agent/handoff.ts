/**
 * `handoff`: a tool that moves the conversation to another agent, in the same session and run.
 */
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { ToolFailure } from '../internal/tool-failure.js';
import { tool } from '../tools/define-tool.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import type { AgentConfig } from './config.js';
import type { RunContext } from './run-context.js';
import { configOf } from './subagent/agent-registry.js';
import { delegatedConfig, keepCeiling } from './subagent/child-config.js';
import { runOf } from './subagent/run-link.js';
import type { Agent } from './types.js';

/**
 * Options of {@link handoff}.
 *
 * @example
 * ```ts
 * const options: HandoffOptions = { name: 'billing', description: 'Questions about invoices and refunds.' };
 * ```
 */
export interface HandoffOptions {
  /** The target's name: the tool is `transfer_to_<name>`. @defaultValue the target agent's `name` */
  readonly name?: string;
  /** When the model should hand over. @defaultValue `Hand the conversation over to <name>.` */
  readonly description?: string;
  /**
   * `true` runs the target under its own policy as it is, even where it allows more than the agent that
   * hands over. Only embedding code can set it (the model cannot); leave it off unless the target is meant
   * to hold more rights, e.g. after the user was authenticated. It widens only a top-level run: inside a
   * sub-agent the target stays bounded by the sub-agent's parent. @defaultValue false
   */
  readonly widenPolicy?: boolean;
}

const handoffs = new WeakMap<RunContext, AgentConfig>();

/**
 * Makes a tool that hands the conversation to another agent (contract), as in OpenAI Agents: when the model
 * calls `transfer_to_<name>`, the run goes on from the next turn with the target's instructions, tools and
 * model, in the same session, so the target sees the whole conversation. Its policy is narrowed by the
 * current one (every call must pass both; deny beats ask beats allow; its mode is at most the current one;
 * its tools must act inside the current workspace) unless `widenPolicy` says otherwise, and the current
 * agent's `beforeToolCall` hooks (guards) keep running on its calls; the run keeps its
 * sandbox and store. The handoff lasts until the run ends: the next `run` starts with the agent it is
 * called on.
 *
 * @example
 * ```ts
 * import { createAgent, handoff } from 'icode';
 *
 * const billing = createAgent({ provider, name: 'billing', instructions: 'You handle invoices.', tools: [refund] });
 * const triage = createAgent({ provider, instructions: 'Route the user.', tools: [handoff(billing)] });
 * const result = await triage.run('I was charged twice').result; // answered by billing
 * ```
 * @throws ConfigError for an agent not made by `createAgent`, or a name that makes no valid tool name.
 */
export function handoff(agent: Agent, options: HandoffOptions = {}): Tool<Record<string, never>> {
  const base = configOf(agent, 'handoff');
  const name = options.name ?? base.name;
  if (typeof name !== 'string' || name === '') throw new ConfigError('handoff needs a `name` for its target.');
  const widenPolicy = options.widenPolicy === true;
  const execute = async (_input: unknown, context: ToolContext): Promise<string> => {
    const run = runOf(context);
    if (!run)
      throw new ToolFailure('TOOL_EXECUTION_FAILED', `The handoff to "${name}" works only as a tool of an agent.`);
    const target = await delegatedConfig(base, run, context.sandbox, {
      name,
      kind: 'handoff',
      inheritPolicy: true,
      widenPolicy,
    });
    // Same session: same store and sandbox. Applied when the turn ends, so the calls of this turn are still
    // judged by the policy they were made under.
    handoffs.set(run, keepCeiling({ ...target, store: run.config.store, sandbox: run.config.sandbox }, target));
    return `Transferred to ${name}. ${name} continues the conversation from here.`;
  };
  return tool({
    name: `transfer_to_${name}`,
    description: options.description ?? `Hand the conversation over to ${name}.`,
    input: z.object({}),
    readOnly: true,
    execute,
  });
}

/** Switches the run to the agent a handoff of the last turn chose, if any (called before each turn). */
export function applyHandoff(ctx: RunContext): void {
  const next = handoffs.get(ctx);
  if (!next) return;
  handoffs.delete(ctx);
  ctx.config = next;
  // The request is cached per run around the live history: the new agent's instructions and tools differ.
  ctx.request = undefined;
}
