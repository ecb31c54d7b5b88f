/**
 * The script language of the mock model and the mock wire servers.
 *
 * @packageDocumentation
 */
import type { ProviderError } from '../errors/provider-error.js';
import type { FinishReason, ModelRequest } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';
import type { Usage } from '../model/usage.js';

/** A tool call a mock step makes. `id` defaults to `call_<turn>_<index>`. */
export interface MockToolCall {
  readonly name: string;
  /** The input object, or a raw string sent as is (to test malformed JSON). */
  readonly input: JsonValue;
  readonly id?: string;
}

/**
 * One scripted model turn.
 *
 * @example
 * ```ts
 * const steps: MockStep[] = [
 *   { toolCalls: [{ name: 'read', input: { file_path: 'README.md' } }] },
 *   { text: 'The README says hello.', usage: { inputTokens: 120, outputTokens: 8 } },
 * ];
 * const structured: MockStep[] = [{ output: { title: 'Fix the parser', priority: 2 } }];
 * ```
 */
export interface MockStep {
  readonly text?: string;
  /**
   * A structured answer: streamed as its JSON text (in place of `text`), as a provider's native structured
   * output does. To script an invalid answer, give the raw `text` instead.
   */
  readonly output?: JsonValue;
  readonly reasoning?: string;
  readonly toolCalls?: readonly MockToolCall[];
  /** Reported usage; estimated from the text when omitted. */
  readonly usage?: Usage;
  /** Overrides the finish reason (default `tool-calls` when there are tool calls, else `stop`). */
  readonly finishReason?: FinishReason;
  /**
   * Fail this call with this error. With `errorAfterChunks`, the error comes after that many stream parts
   * have been sent (a failure in the middle of a stream); otherwise before any.
   */
  readonly error?: ProviderError | Error;
  readonly errorAfterChunks?: number;
  /** Wait this long before each streamed part (to test timeouts and aborts). */
  readonly delayMs?: number;
}

/** A step, or a function of the request that returns one. */
export type MockStepInput = MockStep | ((request: ModelRequest, call: number) => MockStep | Promise<MockStep>);

/** A whole script: steps in order, or one function that answers every call. */
export type MockScript =
  readonly MockStepInput[] | ((request: ModelRequest, call: number) => MockStep | Promise<MockStep>);
