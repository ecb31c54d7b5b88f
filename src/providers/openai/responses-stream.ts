/**
 * OpenAI Responses stream events → `ModelStreamPart`s.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import type { FinishReason, ModelStreamPart } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { kindOfStreamError, truncatedStreamError } from '../shared/sdk-errors.js';
import { parseToolInput } from '../shared/tool-input.js';
import { openAiUsage } from './usage.js';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function failure(code: string, message: string): ProviderError {
  const kind = kindOfStreamError(code, message);
  return new ProviderError({
    kind,
    provider: 'openai',
    message: `openai: response failed (${code || 'error'}): ${message}`,
  });
}

type ReasoningStreamPart = Extract<ModelStreamPart, { type: 'reasoning' }>;

/** The complete reasoning part of a reasoning item (`response.output_item.done`). */
function reasoningPart(item: Obj): ReasoningStreamPart {
  const text = (Array.isArray(item.summary) ? item.summary : [])
    .map((part) => (isObj(part) ? str(part.text) : ''))
    .join('\n\n');
  const openai: Record<string, JsonValue> = { itemId: str(item.id) };
  if (typeof item.encrypted_content === 'string') openai.encryptedContent = item.encrypted_content;
  return { type: 'reasoning', text, providerMetadata: { openai } };
}

/**
 * A reasoning part that also keeps the message the model wrote right after it: its item id (the API wants
 * the two back as a pair) and its `phase`.
 */
function withMessage(part: ReasoningStreamPart, message: Obj): ReasoningStreamPart {
  const openai: Record<string, JsonValue> = { ...(part.providerMetadata?.openai as Record<string, JsonValue>) };
  openai.messageId = str(message.id);
  if (typeof message.phase === 'string') openai.phase = message.phase;
  return { ...part, providerMetadata: { openai } };
}

/** The finish reason of a terminal event. */
function finishReason(event: Obj, calls: number, refused: boolean): FinishReason {
  if (refused) return 'content-filter';
  if (event.type !== 'response.incomplete') return calls > 0 ? 'tool-calls' : 'stop';
  const response = isObj(event.response) ? event.response : {};
  const why = isObj(response.incomplete_details) ? str(response.incomplete_details.reason) : '';
  return why === 'max_output_tokens' ? 'length' : why === 'content_filter' ? 'content-filter' : 'other';
}

/**
 * Maps the events of a streaming Responses call to stream parts.
 *
 * Text and reasoning-summary deltas stream as they come. A reasoning item becomes a complete `reasoning`
 * part (its item id and any encrypted content in `providerMetadata.openai`, to go back next step) once the
 * next item starts, so it can also keep the message it led to (id and `phase`); function calls are announced
 * by `response.output_item.added`, streamed by `response.function_call_arguments.delta`, and yielded
 * complete only with `response.completed` (or `response.incomplete`), the terminal events. A refusal streams
 * as text and ends the turn with `content-filter`. `error` and `response.failed` throw a classified
 * `ProviderError`; a stream that ends without a terminal event is truncated and throws.
 */
export async function* mapResponsesEvents(
  events: AsyncIterable<unknown>,
  restore: (name: string, input: JsonValue) => JsonValue,
): AsyncGenerator<ModelStreamPart> {
  const callsByItem = new Map<string, { id: string; name: string }>();
  const done: ModelStreamPart[] = [];
  let reasoning: ReasoningStreamPart | undefined;
  let refused = false;

  for await (const event of events) {
    if (!isObj(event)) continue;
    switch (event.type) {
      case 'response.output_text.delta':
        if (str(event.delta) !== '') yield { type: 'text-delta', text: str(event.delta) };
        break;
      case 'response.refusal.delta':
        refused = true;
        if (str(event.delta) !== '') yield { type: 'text-delta', text: str(event.delta) };
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (str(event.delta) !== '') yield { type: 'reasoning-delta', text: str(event.delta) };
        break;
      case 'response.output_item.added': {
        const item = isObj(event.item) ? event.item : {};
        if (reasoning) {
          yield item.type === 'message' ? withMessage(reasoning, item) : reasoning;
          reasoning = undefined;
        }
        if (item.type === 'function_call') {
          const call = { id: str(item.call_id), name: str(item.name) };
          callsByItem.set(str(item.id), call);
          yield { type: 'tool-call-start', ...call };
        }
        break;
      }
      case 'response.function_call_arguments.delta': {
        const call = callsByItem.get(str(event.item_id));
        if (call && str(event.delta) !== '')
          yield { type: 'tool-call-delta', id: call.id, inputDelta: str(event.delta) };
        break;
      }
      case 'response.output_item.done': {
        const item = isObj(event.item) ? event.item : {};
        if (item.type === 'function_call') {
          done.push({
            type: 'tool-call',
            id: str(item.call_id),
            name: str(item.name),
            input: restore(str(item.name), parseToolInput(str(item.arguments))),
          });
        } else if (item.type === 'reasoning') {
          if (reasoning) yield reasoning;
          reasoning = reasoningPart(item);
        }
        break;
      }
      case 'response.completed':
      case 'response.incomplete': {
        if (reasoning) yield reasoning;
        const response = isObj(event.response) ? event.response : {};
        yield* done;
        if (isObj(response.usage)) yield { type: 'usage', usage: openAiUsage(response.usage) };
        yield { type: 'finish', reason: finishReason(event, done.length, refused) };
        return;
      }
      case 'response.failed': {
        const response = isObj(event.response) ? event.response : {};
        const error = isObj(response.error) ? response.error : {};
        throw failure(str(error.code), str(error.message) || 'the response failed');
      }
      case 'error':
        throw failure(str(event.code), str(event.message) || 'error event');
      default:
        break;
    }
  }
  throw truncatedStreamError('openai', 'response.completed');
}
