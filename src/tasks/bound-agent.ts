/**
 * The agent a background agent task runs: the task's agent narrowed by the run that starts it, exactly as
 * a `subagent` child is. Without it a model could reach anything a run denies by handing the work to a task
 * agent with a wider policy and reading its output back.
 */
import { createAgent } from '../agent/create-agent.js';
import { configOf } from '../agent/subagent/agent-registry.js';
import { delegatedConfig } from '../agent/subagent/child-config.js';
import { runOf } from '../agent/subagent/run-link.js';
import type { Agent } from '../agent/types.js';
import { ToolFailure } from '../internal/tool-failure.js';
import type { ToolContext } from '../tools/tool.js';

/**
 * `agent` bounded by the run of `context`: every call must pass that run's policy too (deny > ask > allow,
 * the narrower mode), the run's `beforeToolCall` guards run first, and its sandboxes must lie inside the
 * run's workspace. Runs where nobody can be asked: a call that needs asking is refused in the task.
 *
 * @throws ToolFailure when called outside an agent's run, or when the agent's roots reach outside.
 */
export async function boundAgent(agent: Agent, name: string, context: ToolContext): Promise<Agent> {
  const parent = runOf(context);
  if (!parent) {
    throw new ToolFailure('TOOL_EXECUTION_FAILED', 'Agent tasks start only from a tool call of an agent run.');
  }
  const base = configOf(agent, 'An agent task');
  const config = await delegatedConfig(base, parent, context.sandbox, { name, kind: 'subagent', inheritPolicy: false });
  return createAgent({
    ...config.options,
    name,
    policy: config.policy,
    store: config.store,
    sandbox: config.options.sandbox ?? context.sandbox,
  });
}
