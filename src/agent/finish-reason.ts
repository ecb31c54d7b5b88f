/**
 * What the loop does after a model turn, by the turn's finish reason. A turn that was cut or refused must
 * not look like a clean answer: it ends the run with status `incomplete`, so the caller can tell.
 *
 * | finish reason | tool calls | the run |
 * | --- | --- | --- |
 * | `stop`, `tool-calls` | none | ends `completed` |
 * | `stop`, `tool-calls` | some | runs them and goes on |
 * | `length` | some complete | runs them and goes on (a call whose arguments were cut gets an error result) |
 * | `length` | none | ends `incomplete` (the text was cut) |
 * | `content-filter` | any | ends `incomplete` (a refusal or a safety block) |
 * | `error` | any | the turn is tried once more (a `retry` event); a second `error` ends `incomplete` |
 * | `other` | any | ends `incomplete` |
 *
 * The `maxTurnOutputChars` cut is a `length` like the model's own limit.
 */
import type { FinishReason } from '../model/language-model.js';
import type { ToolCallPart, ToolResultPart } from '../model/message.js';
import { toolError } from './execute-tool.js';
import type { RunContext } from './run-context.js';
import { finish } from './run-tools.js';

/** What follows a turn: run its tool calls and go on, or end the run with this status. */
export type TurnOutcome = 'run-tools' | 'completed' | 'incomplete';

/** The outcome of a turn with this finish reason (an `error` turn has had its one retry already). */
export function turnOutcome(reason: FinishReason, hasToolCalls: boolean): TurnOutcome {
  switch (reason) {
    case 'stop':
    case 'tool-calls':
      return hasToolCalls ? 'run-tools' : 'completed';
    case 'length':
      return hasToolCalls ? 'run-tools' : 'incomplete';
    default:
      // `content-filter`, `error`, `other`, and any reason a custom model made up.
      return 'incomplete';
  }
}

/**
 * Answers the tool calls of a turn that ends the run as `incomplete`: they are not run, and the session
 * never holds a call without its result (the model reads why on the next run).
 */
export function answerNotRun(
  ctx: RunContext,
  calls: readonly ToolCallPart[],
  reason: FinishReason,
): Promise<ToolResultPart[]> {
  const message = `Not run: the model's turn ended with finish reason "${reason}", so the run stopped before running this call. Make the call again if it is still needed.`;
  return Promise.all(calls.map((call) => finish(ctx, call.id, call.name, call.input, toolError('ABORTED', message))));
}
