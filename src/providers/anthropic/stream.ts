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

/**
 * Anthropic's `stop_reason`s as finish reasons. `max_tokens` and `model_context_window_exceeded` cut the
 * answer (`length`); `refusal` is the model declining for safety (`content-filter`); `pause_turn` is a
 * long server-tool turn paused for the caller to resume (`other`); an unknown or missing reason is
 * `other`, never a clean `stop`.
 */
const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool-calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'content-filter',
  pause_turn: 'other',
};

/** The finish reason of a `stop_reason`. */
export const finishReasonOf = (stopReason: string | undefined): FinishReason =>
  (stopReason !== undefined && Object.hasOwn(FINISH, stopReason) ? FINISH[stopReason] : undefined) ?? 'other';

interface OpenBlock {
  type: string;
  text: string;
  signature: string;
  id: string;
  name: string;
  json: string;
  data: string;
}

/** What the events of one answer have said so far. */
interface MessageState {
  readonly blocks: Map<number, OpenBlock>;
  readonly usage: Usage;
  stopReason?: string;
}

/**
 * Reads a usage object: `message_start` gives the input side, `message_delta` the full final usage (input,
 * cache fields and output), which overrides it.
 */
function readUsage(usage: Usage, raw: unknown): void {
  if (!isObj(raw)) return;
  const input = num(raw.input_tokens);
  const cacheRead = num(raw.cache_read_input_tokens);
  const cacheWrite = num(raw.cache_creation_input_tokens);
  const output = num(raw.output_tokens);
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  // Anthropic's input_tokens excludes cached tokens; ours includes them. Thinking tokens are billed as
  // output and not reported apart, so `reasoningTokens` stays unset.
  if (input !== undefined) usage.inputTokens = input + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  if (output !== undefined) usage.outputTokens = output;
}

function startBlock(state: MessageState, event: Obj): ModelStreamPart[] {
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
  state.blocks.set(num(event.index) ?? 0, block);
  if (block.type === 'tool_use') return [{ type: 'tool-call-start', id: block.id, name: block.name }];
  if (block.type === 'text' && typeof start.text === 'string' && start.text !== '') {
    return [{ type: 'text-delta', text: start.text }];
  }
  return [];
}

function blockDelta(state: MessageState, event: Obj): ModelStreamPart[] {
  const block = state.blocks.get(num(event.index) ?? 0);
  const delta = isObj(event.delta) ? event.delta : {};
  if (delta.type === 'text_delta' && typeof delta.text === 'string') return [{ type: 'text-delta', text: delta.text }];
  if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
    if (block) block.text += delta.thinking;
    return [{ type: 'reasoning-delta', text: delta.thinking }];
  }
  if (delta.type === 'signature_delta' && typeof delta.signature === 'string') {
    if (block) block.signature += delta.signature;
  } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && block) {
    block.json += delta.partial_json;
    if (delta.partial_json !== '') return [{ type: 'tool-call-delta', id: block.id, inputDelta: delta.partial_json }];
  }
  return [];
}

function stopBlock(state: MessageState, event: Obj): ModelStreamPart[] {
  const index = num(event.index) ?? 0;
  const block = state.blocks.get(index);
  state.blocks.delete(index);
  if (block?.type === 'thinking') {
    return [{ type: 'reasoning', text: block.text, ...(block.signature ? { signature: block.signature } : {}) }];
  }
  if (block?.type === 'redacted_thinking') {
    return [{ type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: block.data } } }];
  }
  if (block?.type === 'tool_use') {
    return [{ type: 'tool-call', id: block.id, name: block.name, input: parseToolInput(block.json) }];
  }
  return [];
}

/** Parts that report progress on a tool call's input and go out at once, even while others are held. */
const isProgress = (part: ModelStreamPart): boolean =>
  part.type === 'tool-call-start' || part.type === 'tool-call-delta';

/**
 * Maps the raw events of a streaming Messages call to stream parts.
 *
 * Complete `tool-call` parts are held back until `message_stop`: a stream that breaks before its end
 * throws, so a tool call from a broken answer never reaches the loop. Reasoning is given back complete
 * (with its `signature`, which the API requires next turn) when its block ends.
 *
 * The blocks keep the order they came in, since the API refuses thinking blocks sent back moved: once a
 * tool call has started, the text and thinking after it (interleaved thinking between tool calls) are
 * held with the calls, and all are given in their order at `message_stop`.
 */
export async function* mapAnthropicEvents(events: AsyncIterable<unknown>): AsyncGenerator<ModelStreamPart> {
  const state: MessageState = { blocks: new Map(), usage: { inputTokens: 0, outputTokens: 0 } };
  let held: ModelStreamPart[] | undefined;
  for await (const event of events) {
    if (!isObj(event)) continue;
    let parts: ModelStreamPart[] = [];
    if (event.type === 'message_start') readUsage(state.usage, isObj(event.message) ? event.message.usage : undefined);
    else if (event.type === 'content_block_start') parts = startBlock(state, event);
    else if (event.type === 'content_block_delta') parts = blockDelta(state, event);
    else if (event.type === 'content_block_stop') parts = stopBlock(state, event);
    else if (event.type === 'message_delta') {
      if (isObj(event.delta) && typeof event.delta.stop_reason === 'string') state.stopReason = event.delta.stop_reason;
      readUsage(state.usage, event.usage);
    } else if (event.type === 'message_stop') {
      yield* held ?? [];
      yield { type: 'usage', usage: { ...state.usage } };
      yield { type: 'finish', reason: finishReasonOf(state.stopReason) };
      return;
    }
    for (const part of parts) {
      if (part.type === 'tool-call-start') held ??= [];
      if (held && !isProgress(part)) held.push(part);
      else yield part;
    }
  }
  throw truncatedStreamError('anthropic', 'message_stop');
}
