/**
 * The Ollama wire: `POST /api/chat` answered with NDJSON lines, each `{ model, created_at, message: { role,
 * content, thinking?, tool_calls? }, done: false }`, then a final `done: true` line with `done_reason`,
 * durations, `prompt_eval_count` and `eval_count`. Tool calls arrive whole, their `arguments` an object.
 * Failures inside a 200 stream are `{"error": "…"}` lines, as Ollama sends them; a tool call the model
 * wrote as broken JSON is one of them (`error parsing tool call`), since Ollama parses calls itself.
 * Requests are decoded as Ollama decodes them (see `ollama-validate.ts`).
 *
 * @packageDocumentation
 */
import type { FinishReason, ModelRequest, ModelTool } from '../../model/language-model.js';
import type { JsonValue, Message } from '../../model/message.js';
import type { MockStep } from '../mock-step.js';
import { ndjsonFrame, splitText, stepFinishReason, stepUsage, toolArguments } from './frames.js';
import { arr, decodeOutput, decodeTool, isObj, modelInBody, postTo, str, type Obj } from './decode.js';
import { validateOllamaRequest } from './ollama-validate.js';
import type { EncodedStream, StreamErrorKind, WireContext, WireFormat } from './types.js';

const DONE_REASONS: Record<FinishReason, string> = {
  stop: 'stop',
  'tool-calls': 'stop',
  length: 'length',
  'content-filter': 'stop',
  error: 'stop',
  other: 'unload',
};

/** A fixed timestamp, so recorded streams are byte-for-byte repeatable. */
const CREATED_AT = '2026-01-01T00:00:00.000000Z';

function line(model: string, message: Obj): string {
  return ndjsonFrame({
    model,
    created_at: CREATED_AT,
    message: { role: 'assistant', content: '', ...message },
    done: false,
  });
}

function decodeMessages(messages: unknown): { system: string; messages: Message[] } {
  let system = '';
  const out: Message[] = [];
  for (const message of arr(messages).filter(isObj)) {
    const content = str(message.content);
    if (message.role === 'system') {
      system += (system === '' ? '' : '\n') + content;
    } else if (message.role === 'assistant') {
      const parts: Extract<Message, { role: 'assistant' }>['content'][number][] = [];
      if (typeof message.thinking === 'string' && message.thinking !== '')
        parts.push({ type: 'reasoning', text: message.thinking });
      if (content !== '') parts.push({ type: 'text', text: content });
      for (const call of arr(message.tool_calls).filter(isObj)) {
        const fn = isObj(call.function) ? call.function : {};
        parts.push({
          type: 'tool-call',
          id: str(call.id),
          name: str(fn.name),
          input: (fn.arguments ?? {}) as JsonValue,
        });
      }
      out.push({ role: 'assistant', content: parts });
    } else if (message.role === 'tool') {
      const result = {
        type: 'tool-result' as const,
        id: '',
        name: str(message.tool_name),
        output: content,
        isError: false,
      };
      const last = out.at(-1);
      if (last?.role === 'tool') out[out.length - 1] = { role: 'tool', content: [...last.content, result] };
      else out.push({ role: 'tool', content: [result] });
    } else {
      const parts: Extract<Message, { role: 'user' }>['content'][number][] = [];
      if (content !== '') parts.push({ type: 'text', text: content });
      for (const image of arr(message.images)) parts.push({ type: 'image', mediaType: 'image/*', data: str(image) });
      out.push({ role: 'user', content: parts });
    }
  }
  return { system, messages: out };
}

/**
 * The Ollama wire format (the `ollama` SDK's `chat({ stream: true })`).
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'ollama', script: [{ text: 'Hi' }] });
 * const model = ollama({ model: 'qwen3:8b', host: server.baseURL });
 * ```
 */
export const ollamaWire: WireFormat = {
  name: 'ollama',
  contentType: 'application/x-ndjson',
  basePath: '',
  matches: postTo('/api/chat'),
  modelOf: modelInBody,
  decodeRequest(body): ModelRequest {
    const b = isObj(body) ? body : {};
    const { system, messages } = decodeMessages(b.messages);
    const tools: ModelTool[] = arr(b.tools)
      .filter(isObj)
      .map((tool) => (isObj(tool.function) ? tool.function : {}))
      .map((fn) => decodeTool(fn, fn.parameters));
    const options = isObj(b.options) ? b.options : {};
    return {
      ...(system !== '' ? { system } : {}),
      messages,
      tools,
      ...(typeof options.num_predict === 'number' ? { maxOutputTokens: options.num_predict } : {}),
      ...(typeof options.temperature === 'number' ? { temperature: options.temperature } : {}),
      ...decodeOutput('output', undefined, b.format),
    };
  },
  encode(step: MockStep, context: WireContext): EncodedStream {
    const usage = stepUsage(step, context);
    const frames: string[] = [];
    for (const thinking of splitText(step.reasoning ?? '')) frames.push(line(context.model, { thinking }));
    for (const content of splitText(step.text ?? '')) frames.push(line(context.model, { content }));
    const calls = step.toolCalls ?? [];
    if (calls.length > 0 && context.malformedToolJson) {
      const raw = calls.map((call) => toolArguments(call, context)).join('');
      frames.push(ndjsonFrame({ error: `error parsing tool call: raw='${raw}', err=unexpected end of JSON input` }));
      return { frames, terminalFrames: 0 };
    }
    if (calls.length > 0) {
      frames.push(
        line(context.model, {
          tool_calls: calls.map((call, index) => ({
            ...(call.id !== undefined ? { id: call.id } : {}),
            function: { index, name: call.name, arguments: call.input },
          })),
        }),
      );
    }
    frames.push(
      ndjsonFrame({
        model: context.model,
        created_at: CREATED_AT,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: DONE_REASONS[stepFinishReason(step)],
        total_duration: 1_000_000,
        load_duration: 100_000,
        prompt_eval_count: usage.inputTokens,
        prompt_eval_duration: 200_000,
        eval_count: usage.outputTokens,
        eval_duration: 700_000,
      }),
    );
    return { frames, terminalFrames: 1 };
  },
  streamError(_kind: StreamErrorKind, message: string): string {
    return ndjsonFrame({ error: message });
  },
  errorBody(_status: number, message: string): unknown {
    return { error: message };
  },
  validate: validateOllamaRequest,
};
