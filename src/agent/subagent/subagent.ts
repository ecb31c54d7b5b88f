/**
 * `subagent`: another agent as a tool. It runs in its own session, under a policy that can only be
 * narrower than its parent's, and answers with its final text.
 */
import PQueue from 'p-queue';
import { z } from 'zod';
import { ConfigError } from '../../errors/config-error.js';
import { ToolFailure } from '../../internal/tool-failure.js';
import type { JsonValue } from '../../model/message.js';
import { tool } from '../../tools/define-tool.js';
import type { Tool, ToolContext } from '../../tools/tool.js';
import type { AgentConfig } from '../config.js';
import { createAgent } from '../create-agent.js';
import type { Agent, AgentOptions } from '../types.js';
import { configOf } from './agent-registry.js';
import { delegatedConfig } from './child-config.js';
import { runChild } from './child-run.js';
import { failedChild, settleChild, SUBAGENT, type SubagentMarker } from './outcome.js';
import { runOf, treeOf } from './run-link.js';

const DEFAULT_MAX_DEPTH = 3;
const DEFAULT_MAX_CONCURRENCY = 4;

const promptInput = z.object({
  prompt: z.string().describe('The task for the sub-agent, with everything it needs to know.'),
});

/**
 * Options of {@link subagent}: the agent (or the options to create it), and how it is bounded.
 *
 * @example
 * ```ts
 * const options: SubagentOptions = {
 *   name: 'explorer',
 *   description: 'Finds where things are in the code base; read-only.',
 *   options: { provider, instructions: 'Explore and report.', tools: codingTools({ root, exclude: ['bash'] }) },
 * };
 * ```
 */
export interface SubagentOptions<TSchema extends z.ZodType = z.ZodType> {
  /** The tool's name, and the sub-agent's in event paths. */
  readonly name: string;
  /** What it does and when to delegate to it: the parent model decides from this. */
  readonly description: string;
  /** An agent made by `createAgent`. Give this or `options`. */
  readonly agent?: Agent;
  /** Options to create the agent with. Give this or `agent`. */
  readonly options?: AgentOptions;
  /**
   * `true`: a sub-agent created without a policy runs under its parent's policy as it is. `false`: it runs
   * under its own policy (the default `workspace-write` when it has none). Either way its calls must also
   * pass its parent's policy: a sub-agent can never do what its parent may not. @defaultValue true
   */
  readonly inheritPolicy?: boolean;
  /**
   * The tool's input. Its `prompt` field (a string) is the sub-agent's task; without one, the whole input
   * as JSON is. @defaultValue `z.object({ prompt: z.string() })`
   */
  readonly input?: TSchema;
  /** Levels of sub-agents (1: a child of a top-level run) at which this one may still start. @defaultValue 3 */
  readonly maxDepth?: number;
  /** Runs of this sub-agent at once, over all its parents; others wait their turn. @defaultValue 4 */
  readonly maxConcurrency?: number;
}

/**
 * Makes a tool that delegates a task to another agent (contract). The child runs in its own session,
 * whose metadata links it to the parent's session, turn and tool call; its events reach the parent's run
 * with `path: ['<parent>', '<child>']`; its final text is the tool result; its usage and cost are added to
 * the parent's (`result.children` breaks them down).
 *
 * Narrowing only: every call the child makes must pass its parent's policy too (deny beats ask beats allow,
 * its mode is at most its parent's), and its sandbox and tools must lie inside the parent's workspace, or
 * the call fails with `WORKSPACE_ESCAPE`. The parent's `beforeToolCall` hooks (guards) run on the child's calls
 * too, before its own. A child's approval requests go to the parent's `approve`; without
 * one, the child pauses and so does the parent, listing the child's requests in `result.pending` (ids
 * `<parent call id>/<child call id>`); `agent.resume(parentSessionId, { approvals })` resumes both.
 * Aborting the parent aborts the child; a child that fails is an error result for the parent.
 *
 * @example
 * ```ts
 * import { createAgent, subagent } from 'icode';
 * import { codingTools } from 'icode/tools';
 *
 * const explorer = subagent({
 *   name: 'explorer',
 *   description: 'Explores the code base and reports what it found. Read-only.',
 *   options: { provider, instructions: 'Explore, then report briefly.', tools: codingTools({ root }), policy: { mode: 'read-only' } },
 * });
 * const agent = createAgent({ provider, tools: [...codingTools({ root }), explorer], policy: { root } });
 * for await (const event of agent.run('Where is the retry logic?')) if (event.path) console.log(event.path, event.type);
 * ```
 * @throws ConfigError for a missing name or description, both or neither of `agent` and `options`, or a
 * limit that is not a positive integer.
 */
export function subagent<TSchema extends z.ZodType = z.ZodType<{ prompt: string }>>(
  spec: SubagentOptions<TSchema>,
): Tool<z.output<TSchema>> {
  if (typeof spec?.name !== 'string' || typeof spec.description !== 'string' || spec.description === '') {
    throw new ConfigError('subagent needs a `name` and a `description`.');
  }
  if ((spec.agent === undefined) === (spec.options === undefined)) {
    throw new ConfigError(`subagent "${spec.name}" needs exactly one of \`agent\` and \`options\`.`);
  }
  const maxDepth = limit(spec.name, 'maxDepth', spec.maxDepth, DEFAULT_MAX_DEPTH);
  const queue = new PQueue({
    concurrency: limit(spec.name, 'maxConcurrency', spec.maxConcurrency, DEFAULT_MAX_CONCURRENCY),
  });
  const base: AgentConfig = configOf(
    spec.agent ?? createAgent({ name: spec.name, ...spec.options! }),
    `subagent "${spec.name}"`,
  );
  const name = spec.name;
  const marker: SubagentMarker = {
    name,
    configFor: (parent, outer) =>
      delegatedConfig(base, parent, outer, { name, kind: 'subagent', inheritPolicy: spec.inheritPolicy ?? true }),
  };

  const execute = async (input: unknown, context: ToolContext): Promise<JsonValue> => {
    const parent = runOf(context);
    if (!parent)
      throw new ToolFailure('TOOL_EXECUTION_FAILED', `The sub-agent "${name}" runs only as a tool of an agent.`);
    const tree = treeOf(parent);
    const resumed = tree.resumed.get(context.toolCallId);
    if (resumed) {
      tree.resumed.delete(context.toolCallId);
      if ('error' in resumed) throw new ToolFailure('TOOL_EXECUTION_FAILED', resumed.error);
      return resumed.text;
    }
    if (tree.depth + 1 > maxDepth) {
      throw new ToolFailure(
        'TOOL_EXECUTION_FAILED',
        `The sub-agent "${name}" was not started: it would run ${tree.depth + 1} levels deep, past its maxDepth of ${maxDepth}. Do the task yourself.`,
      );
    }
    // Not given the signal: p-queue would settle the call at once on abort, before the aborted child has
    // ended and been accounted for. A call still queued when the run is aborted starts and ends at once.
    return queue.add(async () => {
      if (context.signal.aborted)
        throw new ToolFailure('ABORTED', `The sub-agent "${name}" was not started: the run was aborted.`);
      const config = await marker.configFor(parent, context.sandbox);
      try {
        const result = await runChild({
          parent,
          config,
          toolCallId: context.toolCallId,
          begin: { kind: 'input', messages: [{ role: 'user', content: [{ type: 'text', text: taskOf(input) }] }] },
          signal: context.signal,
        });
        return settleChild(tree, context.toolCallId, name, result);
      } catch (error) {
        throw failedChild(name, error);
      }
    }) as Promise<JsonValue>;
  };

  const made = tool({
    name,
    description: spec.description,
    input: (spec.input ?? promptInput) as TSchema,
    // A child can do nothing its parent's policy refuses: it counts as read-only when all its tools are.
    readOnly: !base.toolsets && [...base.tools.values()].every((t) => t.readOnly),
    execute,
  });
  return Object.assign(made, { [SUBAGENT]: marker });
}

/** The task text of a call: its `prompt` when it is a string, else the input as JSON. */
function taskOf(input: unknown): string {
  const prompt = (input as { prompt?: unknown } | null)?.prompt;
  return typeof prompt === 'string' ? prompt : JSON.stringify(input);
}

function limit(name: string, field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`subagent "${name}": ${field} must be a positive integer, got ${String(value)}.`);
  }
  return value;
}
