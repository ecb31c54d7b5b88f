/**
 * Stop conditions: checks made once tool calls have run (after a turn that lets the run go on, or after
 * the approved calls of a resume), ending the run with status `stopped` when one holds.
 */
import { ConfigError } from '../errors/config-error.js';
import type { Message, ToolCallPart, ToolResultPart } from '../model/message.js';
import type { Usage } from '../model/usage.js';
import type { RunContext } from './run-context.js';

/**
 * What a stop condition sees after a turn.
 *
 * @example
 * ```ts
 * const spentTooMuch = (state: StopState) => state.usage.outputTokens > 20_000;
 * ```
 */
export interface StopState<TContext = unknown> {
  /** Model calls made by this run so far. */
  readonly turns: number;
  /** Token usage of this run so far. */
  readonly usage: Usage;
  /** The messages this run added to the session so far. */
  readonly messages: readonly Message[];
  /** The tool calls of the turn that just ended (none when it made none). */
  readonly lastToolCalls: readonly ToolCallPart[];
  /** Their results, in the calls' order. */
  readonly lastToolResults: readonly ToolResultPart[];
  /** The run's `context`, as tools and hooks get it. */
  readonly context: TContext | undefined;
  readonly sessionId: string;
}

/**
 * Whether the run should stop after the turn that just ended. A condition that throws fails the run with
 * its error, as a hook does.
 *
 * @example
 * ```ts
 * const done: StopCondition = ({ lastToolResults }) => lastToolResults.some((r) => r.output === 'DONE');
 * ```
 */
export type StopCondition<TContext = unknown> = (state: StopState<TContext>) => boolean | Promise<boolean>;

/**
 * One stop condition or several: the run stops when any holds.
 *
 * @example
 * ```ts
 * const stopWhen: StopWhen = [hasToolCall('submit'), stepCountIs(20)];
 * ```
 */
export type StopWhen<TContext = unknown> = StopCondition<TContext> | readonly StopCondition<TContext>[];

/**
 * Stops the run after a turn in which the model called one of these tools. The calls of that turn run (as
 * the policy decides) and their results are the last message of the result's `messages`: the pattern of a
 * "final answer" tool whose input is the answer.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [search, submitReport], stopWhen: hasToolCall('submit_report') });
 * const { status, messages } = await agent.run('Research X and submit a report').result;
 * // status === 'stopped'; messages.at(-1) holds submit_report's result
 * ```
 */
export function hasToolCall(...names: string[]): StopCondition {
  if (names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new ConfigError('hasToolCall needs one or more tool names.');
  }
  return ({ lastToolCalls }) => lastToolCalls.some((call) => names.includes(call.name));
}

/**
 * Stops the run once it has made this many model calls (turns) and would go on, i.e. after the tool calls
 * of turn `count` ran. Unlike `maxTurns` (status `max-turns`: a limit hit), the run ends `stopped`.
 *
 * @example
 * ```ts
 * agent.run('Explore the repository', { stopWhen: stepCountIs(3) });
 * ```
 */
export function stepCountIs(count: number): StopCondition {
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError(`stepCountIs needs a positive integer, got ${count}.`);
  return ({ turns }) => turns >= count;
}

/**
 * The conditions of a `stopWhen` option, checked.
 *
 * @throws ConfigError unless `value` is a function or an array of functions.
 */
export function stopConditions(value: unknown): readonly StopCondition[] | undefined {
  if (value === undefined) return undefined;
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (list.some((condition) => typeof condition !== 'function')) {
    throw new ConfigError(
      '`stopWhen` must be a function of the run state, or an array of them (hasToolCall(name), stepCountIs(n), …).',
    );
  }
  return list.length === 0 ? undefined : (list as readonly StopCondition[]);
}

/**
 * Whether any of the run's stop conditions holds, asked when tool calls just ran (the conversation ends
 * with their results): after a turn, or after the approved calls a resume ran. A turn that only added a
 * message (a structured output repair) is not a step to stop at.
 */
export async function shouldStop(ctx: RunContext): Promise<boolean> {
  const conditions = ctx.settings.stopWhen;
  const results = ctx.history.at(-1);
  if (!conditions || results?.role !== 'tool') return false;
  const calls = ctx.history.at(-2);
  const state: StopState = {
    turns: ctx.turns,
    usage: ctx.usage,
    messages: ctx.messages,
    lastToolCalls:
      calls?.role === 'assistant'
        ? calls.content.filter((part): part is ToolCallPart => part.type === 'tool-call')
        : [],
    lastToolResults: results.content,
    context: ctx.settings.context,
    sessionId: ctx.sessionId,
  };
  for (const condition of conditions) if (await condition(state)) return true;
  return false;
}
