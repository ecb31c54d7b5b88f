/**
 * Anthropic Messages stream events → `ModelStreamPart`s.
 *
 * @packageDocumentation
 */
import type { FinishReason, ModelStreamPart } from '../../model/language-model.js';
import type { Usage } from '../../model/usage.js';
import { truncatedStreamError } from '../shared/sdk-errors.js';
import { parseToolInput } from '../shared/tool-input.js';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool-calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content-filter',
  pause_turn: 'other',
};

interface OpenBlock {
  type: string;
  text: string;
  signature: string;
  id: string;
  name: string;
  json: string;
  data: string;
}

/**
 * Maps the raw events of a streaming Messages call to stream parts.
 *
 * Complete `tool-call` parts are held back until `message_stop`: a stream that breaks before its end
 * throws, so a tool call from a broken answer never reaches the loop. Reasoning is given back complete
 * (with its `signature`, which the API requires next turn) when its block ends.
 */
export async function* mapAnthropicEvents(events: AsyncIterable<unknown>): AsyncGenerator<ModelStreamPart> {
  const blocks = new Map<number, OpenBlock>();
  const toolCalls: ModelStreamPart[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let stopReason: string | undefined;

  const readUsage = (raw: unknown): void => {
    if (!isObj(raw)) return;
    const input = num(raw.input_tokens);
    const cacheRead = num(raw.cache_read_input_tokens);
    const cacheWrite = num(raw.cache_creation_input_tokens);
    const output = num(raw.output_tokens);
    if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
    if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
    // Anthropic's input_tokens excludes cached tokens; ours includes them.
    if (input !== undefined) usage.inputTokens = input + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
    if (output !== undefined) usage.outputTokens = output;
  };

  for await (const event of events) {
    if (!isObj(event)) continue;
    switch (event.type) {
      case 'message_start':
        if (isObj(event.message)) readUsage(event.message.usage);
        break;
      case 'content_block_start': {
        const index = num(event.index) ?? 0;
        const start = isObj(event.content_block) ? event.content_block : {};
        const block: OpenBlock = {
          type: String(start.type),
          text: '',
          signature: typeof start.signature === 'string' ? start.signature : '',
          id: String(start.id ?? ''),
          name: String(start.name ?? ''),
          json: '',
          data: typeof start.data === 'string' ? start.data : '',
        };
        blocks.set(index, block);
        if (block.type === 'tool_use') yield { type: 'tool-call-start', id: block.id, name: block.name };
        if (block.type === 'text' && typeof start.text === 'string' && start.text !== '') {
          yield { type: 'text-delta', text: start.text };
        }
        break;
      }
      case 'content_block_delta': {
        const block = blocks.get(num(event.index) ?? 0);
        const delta = isObj(event.delta) ? event.delta : {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string') {
          yield { type: 'text-delta', text: delta.text };
        } else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          if (block) block.text += delta.thinking;
          yield { type: 'reasoning-delta', text: delta.thinking };
        } else if (delta.type === 'signature_delta' && typeof delta.signature === 'string') {
          if (block) block.signature += delta.signature;
        } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && block) {
          block.json += delta.partial_json;
          if (delta.partial_json !== '')
            yield { type: 'tool-call-delta', id: block.id, inputDelta: delta.partial_json };
        }
        break;
      }
      case 'content_block_stop': {
        const index = num(event.index) ?? 0;
        const block = blocks.get(index);
        blocks.delete(index);
        if (!block) break;
        if (block.type === 'thinking') {
          yield { type: 'reasoning', text: block.text, ...(block.signature ? { signature: block.signature } : {}) };
        } else if (block.type === 'redacted_thinking') {
          yield { type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: block.data } } };
        } else if (block.type === 'tool_use') {
          toolCalls.push({ type: 'tool-call', id: block.id, name: block.name, input: parseToolInput(block.json) });
        }
        break;
      }
      case 'message_delta':
        if (isObj(event.delta) && typeof event.delta.stop_reason === 'string') stopReason = event.delta.stop_reason;
        readUsage(event.usage);
        break;
      case 'message_stop':
        yield* toolCalls;
        yield { type: 'usage', usage: { ...usage } };
        yield { type: 'finish', reason: (stopReason !== undefined ? FINISH[stopReason] : undefined) ?? 'other' };
        return;
      default:
        break;
    }
  }
  throw truncatedStreamError('anthropic', 'message_stop');
}
