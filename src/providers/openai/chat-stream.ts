/**
 * OpenAI Chat Completions chunks → `ModelStreamPart`s.
 *
 * @packageDocumentation
 */
import type { FinishReason, ModelStreamPart } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import type { Usage } from '../../model/usage.js';
import { truncatedStreamError } from '../shared/sdk-errors.js';
import { parseToolInput } from '../shared/tool-input.js';
import { openAiUsage } from './usage.js';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

interface PendingCall {
  id: string;
  name: string;
  args: string;
  started: boolean;
}

/**
 * Maps the chunks of a streaming Chat Completions call to stream parts.
 *
 * Tool calls are assembled by their `index` (several calls may interleave), or, from servers that leave
 * the index out, by their id. A stream is complete once a choice has a `finish_reason` (the SDK swallows
 * the `[DONE]` line); one that ends before that is truncated and throws, and its tool calls are never
 * yielded. `restore` brings each input back to the tool's own schema (see strict mode).
 */
export async function* mapChatChunks(
  chunks: AsyncIterable<unknown>,
  restore: (name: string, input: JsonValue) => JsonValue,
): AsyncGenerator<ModelStreamPart> {
  const calls = new Map<number, PendingCall>();
  let lastIndex = -1;
  let finish: string | undefined;
  let usage: Usage | undefined;
  let refused = false;

  for await (const chunk of chunks) {
    if (!isObj(chunk)) continue;
    if (isObj(chunk.usage)) usage = openAiUsage(chunk.usage);
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObj(choice)) continue;
    const delta = isObj(choice.delta) ? choice.delta : {};
    // DeepSeek, vLLM and OpenRouter stream reasoning in `reasoning_content` or `reasoning`.
    const thought = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : delta.reasoning;
    // Only deltas: with no signature to carry, a complete `reasoning` part would add nothing.
    if (typeof thought === 'string' && thought !== '') yield { type: 'reasoning-delta', text: thought };
    if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      refused = true;
      yield { type: 'text-delta', text: delta.refusal };
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const raw of delta.tool_calls) {
        if (!isObj(raw)) continue;
        const fn = isObj(raw.function) ? raw.function : {};
        const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
        let index = num(raw.index);
        if (index === undefined) {
          // No index: a new id starts a new call, otherwise the pieces continue the last one.
          const known = id === undefined ? undefined : [...calls.entries()].find(([, call]) => call.id === id)?.[0];
          index = known ?? (id !== undefined || lastIndex < 0 ? calls.size : lastIndex);
        }
        lastIndex = index;
        let call = calls.get(index);
        if (!call) {
          call = { id: id ?? `call_${index}`, name: '', args: '', started: false };
          calls.set(index, call);
        } else if (id !== undefined && !call.started) call.id = id;
        if (typeof fn.name === 'string' && fn.name !== '') call.name += fn.name;
        if (!call.started && call.name !== '') {
          call.started = true;
          yield { type: 'tool-call-start', id: call.id, name: call.name };
        }
        if (typeof fn.arguments === 'string' && fn.arguments !== '') {
          call.args += fn.arguments;
          if (call.started) yield { type: 'tool-call-delta', id: call.id, inputDelta: fn.arguments };
        }
      }
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') finish = choice.finish_reason;
  }

  if (finish === undefined) throw truncatedStreamError('openai', 'a finish_reason');
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  for (const call of ordered) {
    yield { type: 'tool-call', id: call.id, name: call.name, input: restore(call.name, parseToolInput(call.args)) };
  }
  if (usage) yield { type: 'usage', usage };
  // Some compatible servers answer tool calls with finish_reason "stop".
  const reason = refused
    ? 'content-filter'
    : ordered.length > 0 && finish === 'stop'
      ? 'tool-calls'
      : (FINISH[finish] ?? 'other');
  yield { type: 'finish', reason };
}
