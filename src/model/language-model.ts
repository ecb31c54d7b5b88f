/**
 * THE SPEC: what a language model is to icode.
 *
 * Everything a provider adapter implements is here, and nothing else: any object of this shape is a model,
 * so a user can write one in ten lines. Adapters over the official SDKs live in `icode/providers/*` and
 * never import the agent.
 *
 * @packageDocumentation
 */
import type { JsonValue, Message } from './message.js';
import type { Usage } from './usage.js';

/** A JSON Schema object, as sent to a model to describe a tool's input. */
export type JsonSchema = { [key: string]: JsonValue };

/** A tool as the model sees it: name, description and the JSON Schema of its input. */
export interface ModelTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
}

/**
 * How the model may use tools on this call. `'auto'` (the default) lets it choose, `'required'` forces some
 * tool call, `'none'` forbids them and `{ name }` forces that tool.
 */
export type ToolChoice = 'auto' | 'required' | 'none' | { readonly name: string };

/**
 * The shape the model's final answer must take (structured output): a JSON Schema object the answer's text
 * must be a JSON document of. Adapters use the provider's native structured output (OpenAI `json_schema`,
 * Gemini `responseSchema`, Ollama `format`, Anthropic `output_format`) and stream the JSON as text deltas.
 *
 * @example
 * ```ts
 * const output: OutputFormat = {
 *   name: 'verdict',
 *   schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false },
 * };
 * ```
 */
export interface OutputFormat {
  /** Names the format for providers that want one: letters, digits, `_` and `-`. */
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the answer; always an object schema. */
  readonly schema: JsonSchema;
}

/**
 * One call of a model.
 *
 * @example
 * ```ts
 * const request: ModelRequest = {
 *   system: 'You are terse.',
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
 *   tools: [],
 * };
 * ```
 */
export interface ModelRequest {
  /** System instructions. */
  readonly system?: string;
  /** The conversation so far, oldest first. Adapters must not mutate it. */
  readonly messages: readonly Message[];
  readonly tools: readonly ModelTool[];
  readonly toolChoice?: ToolChoice;
  /** When set, the answer's text must be JSON matching this format (structured output). */
  readonly output?: OutputFormat;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Settings only one provider understands, keyed by provider name: `{ anthropic: { thinking: … } }`. */
  readonly providerOptions?: Record<string, Record<string, JsonValue>>;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'tool-calls' | 'length' | 'content-filter' | 'error' | 'other';

/**
 * One part of a model's streamed answer.
 *
 * A stream is text and reasoning deltas, tool calls (optionally announced by `tool-call-start` and
 * `tool-call-delta` as their input arrives, always completed by one `tool-call`), at most one `usage`, and a
 * final `finish`. An `error` part, or a thrown error, ends the stream as a failure.
 *
 * @example
 * ```ts
 * async function* answer(): AsyncIterable<ModelStreamPart> {
 *   yield { type: 'text-delta', text: 'Hello' };
 *   yield { type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } };
 *   yield { type: 'finish', reason: 'stop' };
 * }
 * ```
 */
export type ModelStreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  /** A complete reasoning block, with the signature or metadata a provider needs back next turn. */
  | {
      readonly type: 'reasoning';
      readonly text: string;
      readonly signature?: string;
      readonly providerMetadata?: Record<string, JsonValue>;
    }
  | { readonly type: 'tool-call-start'; readonly id: string; readonly name: string }
  | { readonly type: 'tool-call-delta'; readonly id: string; readonly inputDelta: string }
  | {
      readonly type: 'tool-call';
      readonly id: string;
      readonly name: string;
      /** Parsed JSON input, or the raw string when the model's arguments were not valid JSON. */
      readonly input: JsonValue;
      readonly providerMetadata?: Record<string, JsonValue>;
    }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'finish'; readonly reason: FinishReason }
  | { readonly type: 'error'; readonly error: unknown };

/**
 * How the agent retries a failed model call. Provider factories set it from their `maxRetries` and
 * `maxRetryDelayMs` settings; the agent's loop does the retrying, so every provider gets the same policy
 * and every retry is reported as a `retry` event.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. @defaultValue 2 */
  readonly maxRetries?: number;
  /** Cap on any single delay, including one a server asks for with `retry-after`. @defaultValue 60000 */
  readonly maxRetryDelayMs?: number;
  /** Delay before the first retry; doubled each time, with jitter. @defaultValue 500 */
  readonly initialDelayMs?: number;
}

/**
 * Prices of a model in USD per million tokens. The agent turns usage into `result.cost` with it and stops
 * a run before `maxCostUsd` would be passed.
 */
export interface ModelPricing {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** @defaultValue `inputPerMTok` */
  readonly cacheReadPerMTok?: number;
  /** @defaultValue `inputPerMTok` */
  readonly cacheWritePerMTok?: number;
}

/** Options of one {@link LanguageModel.stream} call. */
export interface ModelCallOptions {
  /** Aborts the call: the HTTP request is cancelled and the stream ends. */
  readonly signal?: AbortSignal;
}

/**
 * A language model.
 *
 * @example
 * ```ts
 * const echo: LanguageModel = {
 *   specificationVersion: 'v1',
 *   provider: 'echo',
 *   modelId: 'echo-1',
 *   async *stream(request) {
 *     const last = request.messages.at(-1);
 *     yield { type: 'text-delta', text: last ? messageText(last) : '' };
 *     yield { type: 'finish', reason: 'stop' };
 *   },
 * };
 * ```
 */
export interface LanguageModel {
  readonly specificationVersion: 'v1';
  /** `'anthropic' | 'openai' | 'gemini' | 'ollama' | 'mock'`, or any other name. */
  readonly provider: string;
  readonly modelId: string;
  /** Context window in tokens, where known; compaction uses it. */
  readonly contextWindow?: number;
  /** How the agent should retry this model's failures. */
  readonly retry?: RetryPolicy;
  /** Prices per million tokens, where known; gives `result.cost`. */
  readonly pricing?: ModelPricing;
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamPart>;
}
