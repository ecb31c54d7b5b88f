/**
 * Ollama `/api/chat` NDJSON lines → `ModelStreamPart`s.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import type { FinishReason, ModelStreamPart } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { objectToolInput } from '../shared/tool-input.js';

/** One streamed `/api/chat` line, reduced to what icode reads. */
export interface OllamaChunk {
  message?: {
    content?: string;
    thinking?: string;
    tool_calls?: { id?: string; function?: { name?: string; arguments?: JsonValue } }[];
  };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/** Maps Ollama's `done_reason`; a `stop` after tool calls is `tool-calls`. */
export function mapOllamaDoneReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === undefined || reason === '' || reason === 'stop') return hasToolCalls ? 'tool-calls' : 'stop';
  return 'other';
}

/**
 * Turns an Ollama stream into parts. Text and thinking stream as they come; tool calls are held until the
 * `done: true` line, so a stream cut short never yields a call that could run.
 */
export class OllamaStreamParser {
  /**
   * @param callId - Makes the id of the `index`th call Ollama sent without one. The adapter makes them
   *   unique across the session (a conversation replayed on another provider must not repeat an id).
   */
  constructor(private readonly callId: (index: number) => string = (index) => `call_${index}`) {}

  private reasoningText = '';
  private readonly toolCalls: Extract<ModelStreamPart, { type: 'tool-call' }>[] = [];
  private last: OllamaChunk | undefined;

  /** The parts one line produces. */
  *push(chunk: OllamaChunk): Generator<ModelStreamPart> {
    const message = chunk.message;
    if (message?.thinking) {
      this.reasoningText += message.thinking;
      yield { type: 'reasoning-delta', text: message.thinking };
    }
    if (message?.content) {
      yield* this.closeReasoning();
      yield { type: 'text-delta', text: message.content };
    }
    for (const call of message?.tool_calls ?? []) {
      yield* this.closeReasoning();
      this.toolCalls.push({
        type: 'tool-call',
        id: call.id !== undefined && call.id !== '' ? call.id : this.callId(this.toolCalls.length),
        name: call.function?.name ?? '',
        input: objectToolInput(call.function?.arguments),
      });
    }
    if (chunk.done === true) this.last = chunk;
  }

  /**
   * The closing parts: the held tool calls, usage and `finish`. Throws a retryable `network`
   * {@link ProviderError} when no `done: true` line came: the stream was cut short.
   */
  *end(): Generator<ModelStreamPart> {
    const last = this.last;
    if (last === undefined) {
      throw new ProviderError({
        kind: 'network',
        provider: 'ollama',
        message: 'ollama: stream ended before its done line (the response was cut short)',
      });
    }
    yield* this.closeReasoning();
    yield* this.toolCalls;
    yield { type: 'usage', usage: { inputTokens: last.prompt_eval_count ?? 0, outputTokens: last.eval_count ?? 0 } };
    yield { type: 'finish', reason: mapOllamaDoneReason(last.done_reason, this.toolCalls.length > 0) };
  }

  private *closeReasoning(): Generator<ModelStreamPart> {
    if (this.reasoningText === '') return;
    yield { type: 'reasoning', text: this.reasoningText };
    this.reasoningText = '';
  }
}
