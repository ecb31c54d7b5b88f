/**
 * The OpenAI Chat Completions wire: `POST /v1/chat/completions` answered with `chat.completion.chunk`
 * SSE data lines (tool calls as `tool_calls[].index` deltas, two calls interleaved), a `finish_reason`
 * chunk, the usage chunk of `stream_options.include_usage` (with its token details), then `data: [DONE]`.
 * In-stream failures are `data: {"error": …}` frames. Requests the API refuses are refused the same way
 * (see `openai-validate.ts`).
 *
 * @packageDocumentation
 */
import type { FinishReason, ModelRequest, ModelTool, ToolChoice } from '../../model/language-model.js';
import type { JsonValue, Message } from '../../model/message.js';
import type { MockStep } from '../mock-step.js';
import {
  splitArguments,
  splitText,
  sseFrame,
  stepFinishReason,
  stepUsage,
  toolArguments,
  toolCallId,
} from './frames.js';
import { arr, decodeOutput, decodeTool, isObj, modelInBody, postTo, str, type Obj } from './decode.js';
import { rejectionDetails } from './openai-rejection.js';
import { chatRejection } from './openai-validate.js';
import type { EncodedStream, StreamErrorKind, WireContext, WireFormat } from './types.js';

/** Parses tool arguments back to JSON, keeping the raw string when they do not parse. */
export function parseArguments(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** A `data:` URL split into media type and base64, or the URL itself. */
export function decodeImageUrl(url: string): { mediaType: string; data?: string; url?: string } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1] ?? '', data: match[2] ?? '' } : { mediaType: '', url };
}

const FINISH: Record<FinishReason, string> = {
  stop: 'stop',
  'tool-calls': 'tool_calls',
  length: 'length',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/**
 * The OpenAI error object for a status, as in HTTP error bodies and error frames; a validation refusal
 * carries the `param` and `code` it was made with.
 */
export function openaiError(status: number, message: string): Obj {
  const refused = rejectionDetails(message);
  if (refused) return { message, type: 'invalid_request_error', param: refused.param, code: refused.code };
  const type =
    status === 429
      ? 'rate_limit_exceeded'
      : status === 401
        ? 'invalid_request_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  const code =
    status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : status >= 500 ? 'server_error' : null;
  return { message, type, param: null, code };
}

function decodeContent(content: unknown): Extract<Message, { role: 'user' }>['content'][number][] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const out: Extract<Message, { role: 'user' }>['content'][number][] = [];
  for (const part of arr(content).filter(isObj)) {
    if (part.type === 'text') out.push({ type: 'text', text: str(part.text) });
    if (part.type === 'image_url' && isObj(part.image_url))
      out.push({ type: 'image', ...decodeImageUrl(str(part.image_url.url)) });
    if (part.type === 'file' && isObj(part.file)) {
      const { mediaType, ...source } = decodeImageUrl(str(part.file.file_data));
      out.push({
        type: 'file',
        mediaType,
        ...source,
        ...(typeof part.file.filename === 'string' ? { filename: part.file.filename } : {}),
      });
    }
  }
  return out;
}

function decodeMessages(messages: unknown): { system?: string; messages: Message[] } {
  const out: Message[] = [];
  let system: string | undefined;
  for (const message of arr(messages).filter(isObj)) {
    if (message.role === 'system' || message.role === 'developer') {
      system = decodeContent(message.content)
        .map((p) => (p.type === 'text' ? p.text : ''))
        .join('');
    } else if (message.role === 'user') {
      out.push({ role: 'user', content: decodeContent(message.content) });
    } else if (message.role === 'assistant') {
      const content: Extract<Message, { role: 'assistant' }>['content'][number][] = [];
      if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '')
        content.push({ type: 'reasoning', text: message.reasoning_content });
      const text = decodeContent(message.content)
        .map((p) => (p.type === 'text' ? p.text : ''))
        .join('');
      if (text !== '') content.push({ type: 'text', text });
      for (const call of arr(message.tool_calls).filter(isObj)) {
        const fn = isObj(call.function) ? call.function : {};
        content.push({
          type: 'tool-call',
          id: str(call.id),
          name: str(fn.name),
          input: parseArguments(str(fn.arguments)),
        });
      }
      out.push({ role: 'assistant', content });
    } else if (message.role === 'tool') {
      const part = {
        type: 'tool-result' as const,
        id: str(message.tool_call_id),
        name: '',
        output: str(message.content),
        isError: false,
      };
      const last = out.at(-1);
      if (last?.role === 'tool') out[out.length - 1] = { role: 'tool', content: [...last.content, part] };
      else out.push({ role: 'tool', content: [part] });
    }
  }
  return { ...(system !== undefined ? { system } : {}), messages: out };
}

function decodeToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'required' || choice === 'none') return choice;
  if (isObj(choice) && isObj(choice.function)) return { name: str(choice.function.name) };
  if (isObj(choice) && typeof choice.name === 'string') return { name: choice.name };
  return undefined;
}

/** The parts of a Chat Completions request body every OpenAI wire decodes the same way. */
export function decodeCommon(b: Obj): Omit<ModelRequest, 'messages' | 'system' | 'tools'> {
  const toolChoice = decodeToolChoice(b.tool_choice);
  const max = b.max_completion_tokens ?? b.max_output_tokens ?? b.max_tokens;
  return {
    ...(toolChoice ? { toolChoice } : {}),
    ...(typeof max === 'number' ? { maxOutputTokens: max } : {}),
    ...(typeof b.temperature === 'number' ? { temperature: b.temperature } : {}),
  };
}

/**
 * Reasoning tokens of a step: its own, or an estimate from its reasoning text (part of its output tokens).
 */
export function stepReasoningTokens(step: MockStep, outputTokens: number): number {
  const estimate = step.reasoning ? Math.ceil(step.reasoning.length / 4) : 0;
  return Math.min(outputTokens, step.usage?.reasoningTokens ?? estimate);
}

/**
 * The usage of a Chat answer with its details, as OpenAI sends it; DeepSeek also reports its cache hits
 * and misses at the top level.
 */
function chatUsage(step: MockStep, context: WireContext): Obj {
  const usage = stepUsage(step, context);
  const cached = usage.cacheReadTokens ?? 0;
  const out: Obj = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: cached,
      audio_tokens: 0,
      ...(usage.cacheWriteTokens !== undefined ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: stepReasoningTokens(step, usage.outputTokens),
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  if (/^deepseek/i.test(context.model.slice(context.model.lastIndexOf('/') + 1))) {
    out.prompt_cache_hit_tokens = cached;
    out.prompt_cache_miss_tokens = usage.inputTokens - cached;
  }
  return out;
}

/**
 * The OpenAI Chat Completions wire format.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'openai', script: [{ text: 'Hi' }] });
 * const model = openai({ model: 'gpt-4.1-mini', apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export const openaiChatWire: WireFormat = {
  name: 'openai',
  contentType: 'text/event-stream',
  basePath: '/v1',
  matches: postTo('/v1/chat/completions'),
  modelOf: modelInBody,
  decodeRequest(body): ModelRequest {
    const b = isObj(body) ? body : {};
    const tools: ModelTool[] = arr(b.tools)
      .filter(isObj)
      .map((t) => (isObj(t.function) ? t.function : t))
      .map((f) => decodeTool(f, f.parameters));
    const format =
      isObj(b.response_format) && isObj(b.response_format.json_schema) ? b.response_format.json_schema : {};
    return {
      ...decodeMessages(b.messages),
      tools,
      ...decodeCommon(b),
      ...decodeOutput(format.name, format.description, format.schema),
    };
  },
  encode(step: MockStep, context: WireContext): EncodedStream {
    const id = `chatcmpl-mock-${context.call}`;
    const chunk = (delta: Obj, finish: string | null = null): string =>
      sseFrame({
        id,
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: context.model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      });
    const frames: string[] = [chunk({ role: 'assistant', content: '' })];
    // OpenAI-compatible servers (DeepSeek, vLLM) stream reasoning as `reasoning_content`.
    if (step.reasoning !== undefined)
      for (const text of splitText(step.reasoning)) frames.push(chunk({ reasoning_content: text }));
    if (step.text !== undefined) for (const text of splitText(step.text)) frames.push(chunk({ content: text }));

    // Tool calls: each announced with id and name, then their argument pieces interleaved round-robin.
    const calls = (step.toolCalls ?? []).map((call, index) => ({
      index,
      id: toolCallId(call, index, context),
      name: call.name,
      pieces: splitArguments(toolArguments(call, context)),
    }));
    for (const call of calls) {
      frames.push(
        chunk({
          tool_calls: [
            { index: call.index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        }),
      );
    }
    const longest = Math.max(0, ...calls.map((call) => call.pieces.length));
    for (let i = 0; i < longest; i += 1) {
      for (const call of calls) {
        const piece = call.pieces[i];
        if (piece !== undefined)
          frames.push(chunk({ tool_calls: [{ index: call.index, function: { arguments: piece } }] }));
      }
    }
    frames.push(chunk({}, FINISH[stepFinishReason(step)]));
    frames.push(
      sseFrame({
        id,
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: context.model,
        choices: [],
        usage: chatUsage(step, context),
      }),
      sseFrame('[DONE]'),
    );
    // Truncation drops the finish chunk, the usage chunk and [DONE]: the SDK hides [DONE], so the
    // finish_reason is what a client can check.
    return { frames, terminalFrames: 3, headers: { 'x-request-id': `req_mock_${context.call}` } };
  },
  streamError(kind: StreamErrorKind, message: string): string {
    return sseFrame({ error: openaiError(kind === 'rate-limit' ? 429 : 500, message) });
  },
  errorBody(status: number, message: string): unknown {
    return { error: openaiError(status, message) };
  },
  validate(context: WireContext) {
    return chatRejection(context.model, context.body);
  },
};
