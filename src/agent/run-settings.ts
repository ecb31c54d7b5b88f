/**
 * The per-run options that shape the loop: the caller's context, structured output, the first call's tool
 * choice and stop conditions. Resolved and checked when the run is started, so a bad option throws from
 * `run()` itself.
 */
import { ConfigError } from '../errors/config-error.js';
import type { ModelRequest, ToolChoice } from '../model/language-model.js';
import type { RunContext } from './run-context.js';
import { stopConditions, type StopCondition } from './stop-conditions.js';
import { OutputRun, type OutputSpec } from './structured-output.js';

/** What a run was given besides its input, resolved. */
export interface RunSettings {
  /** The caller's data for tools, hooks and stop conditions: never sent to the model, never stored. */
  readonly context?: unknown;
  readonly output?: OutputRun;
  readonly toolChoice?: ToolChoice;
  readonly stopWhen?: readonly StopCondition[];
}

/** The settings of a run that was given none. */
export const NO_SETTINGS: RunSettings = {};

/** The options a run's settings come from: the run's own, over the agent's defaults. */
export interface SettingsInput {
  readonly context?: unknown;
  readonly output?: OutputSpec;
  readonly toolChoice?: unknown;
  readonly stopWhen?: unknown;
}

/**
 * Resolves a run's settings. `tools` are the agent's tools when they are known before the run (no
 * toolsets): a `toolChoice` naming another is refused here rather than at the first model call.
 *
 * @throws ConfigError for a malformed `toolChoice` or `stopWhen`, or a `toolChoice` naming an unknown tool.
 */
export function runSettings(input: SettingsInput, tools?: ReadonlyMap<string, unknown>): RunSettings {
  const stopWhen = stopConditions(input.stopWhen);
  const toolChoice = input.toolChoice === undefined ? undefined : checkToolChoice(input.toolChoice);
  if (tools && typeof toolChoice === 'object' && !tools.has(toolChoice.name))
    throw unknownTool(toolChoice, [...tools.keys()]);
  return {
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(input.output ? { output: new OutputRun(input.output) } : {}),
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(stopWhen ? { stopWhen } : {}),
  };
}

function unknownTool(choice: { readonly name: string }, names: readonly string[]): ConfigError {
  return new ConfigError(
    `toolChoice names the tool "${choice.name}", which this agent does not have. Its tools: ${names.join(', ') || '(none)'}.`,
  );
}

function checkToolChoice(value: unknown): ToolChoice {
  if (value === 'auto' || value === 'required' || value === 'none') return value;
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && name !== '') return { name };
  throw new ConfigError(
    `toolChoice must be 'auto', 'required', 'none' or { name: '<tool>' }, got ${JSON.stringify(value) ?? String(value)}.`,
  );
}

/**
 * The request of the run's first model call with the run's `toolChoice`. Only the first call gets it: a
 * tool forced (or `required`) on every call would make the model call tools forever, never answering.
 * Later calls let the model choose.
 *
 * @throws ConfigError when the choice names a tool the model is not offered, or requires a tool and none is.
 */
export function firstCallChoice(ctx: RunContext, request: ModelRequest, toolChoice: ToolChoice): ModelRequest {
  if (ctx.turns !== 1) return request;
  if (typeof toolChoice === 'object' && !request.tools.some((tool) => tool.name === toolChoice.name)) {
    throw unknownTool(
      toolChoice,
      request.tools.map((tool) => tool.name),
    );
  }
  if (toolChoice === 'required' && request.tools.length === 0) {
    throw new ConfigError("toolChoice 'required' needs a tool, and this agent has none.");
  }
  return { ...request, toolChoice };
}
