/**
 * The Anthropic Messages wire: `POST /v1/messages` answered with the SSE events of the streaming API
 * (`message_start`, `content_block_start` / `content_block_delta` / `content_block_stop` with `text_delta`,
 * `thinking_delta`, `signature_delta` and `input_json_delta`, `message_delta` with the stop reason and the
 * full usage, `message_stop`; `error` events for in-stream failures). Requests are checked against the
 * rules of the real API first (`anthropic-rules.ts`), and refused as it refuses them.
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
import { arr, decodeMedia, decodeOutput, decodeTool, isObj, modelInBody, postTo, str, type Obj } from './decode.js';
import { blocksOf, mockThinkingSignature, validateAnthropicRequest } from './anthropic-rules.js';
import type { EncodedStream, StreamErrorKind, WireContext, WireFormat, WireRejection } from './types.js';

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  'tool-calls': 'tool_use',
  length: 'max_tokens',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'pause_turn',
};

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The schema of `output_config.format` (or the older beta `output_format`). */
function formatSchemaOf(b: Obj): unknown {
  const format = isObj(b.output_config) && isObj(b.output_config.format) ? b.output_config.format : b.output_format;
  return isObj(format) ? format.schema : undefined;
}

/** A `document` block as a file part: a PDF (inline or by URL) or a text document (as base64 of its text). */
function decodeDocument(block: Obj): ReturnType<typeof decodeMedia> {
  const source = isObj(block.source) ? block.source : {};
  if (source.type === 'url') return decodeMedia('application/pdf', { url: str(source.url) }, block.title);
  const data = source.type === 'text' ? Buffer.from(str(source.data), 'utf8').toString('base64') : str(source.data);
  return decodeMedia(str(source.media_type), { data }, block.title);
}

function decodeMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const message of arr(messages).filter(isObj)) {
    if (message.role === 'assistant') {
      const content: Extract<Message, { role: 'assistant' }>['content'][number][] = [];
      for (const block of blocksOf(message.content)) {
        if (block.type === 'text') content.push({ type: 'text', text: str(block.text) });
        if (block.type === 'thinking')
          content.push({ type: 'reasoning', text: str(block.thinking), signature: str(block.signature) });
        if (block.type === 'tool_use')
          content.push({
            type: 'tool-call',
            id: str(block.id),
            name: str(block.name),
            input: (block.input ?? {}) as JsonValue,
          });
      }
      out.push({ role: 'assistant', content });
      continue;
    }
    const results: Extract<Message, { role: 'tool' }>['content'][number][] = [];
    const user: Extract<Message, { role: 'user' }>['content'][number][] = [];
    for (const block of blocksOf(message.content)) {
      if (block.type === 'tool_result') {
        const output =
          typeof block.content === 'string'
            ? block.content
            : blocksOf(block.content)
                .map((b) => str(b.text))
                .join('');
        results.push({
          type: 'tool-result',
          id: str(block.tool_use_id),
          name: '',
          output,
          isError: block.is_error === true,
        });
      }
      if (block.type === 'text') user.push({ type: 'text', text: str(block.text) });
      if (block.type === 'document' && isObj(block.source)) user.push(decodeDocument(block));
      if (block.type === 'image' && isObj(block.source)) {
        const source = block.source;
        user.push(
          source.type === 'url'
            ? { type: 'image', mediaType: '', url: str(source.url) }
            : { type: 'image', mediaType: str(source.media_type), data: str(source.data) },
        );
      }
    }
    if (results.length > 0) out.push({ role: 'tool', content: results });
    if (user.length > 0) out.push({ role: 'user', content: user });
  }
  return out;
}

function decodeToolChoice(choice: unknown): ToolChoice | undefined {
  if (!isObj(choice)) return undefined;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'none') return 'none';
  if (choice.type === 'tool') return { name: str(choice.name) };
  return 'auto';
}

/** One content block of a mock answer, in the order it is streamed. */
export type AnthropicMockBlock =
  | { readonly type: 'thinking'; readonly thinking: string }
  | { readonly type: 'text'; readonly text: string }
  /** `json` is the input as the model writes it (possibly not valid JSON). */
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly json: string };

/**
 * The SSE frames of one streamed answer made of `blocks`, in that order: `message_start`, each block as
 * start/deltas/stop (text and thinking in several deltas, a thinking block's signature last), then
 * `message_delta` with the stop reason and the full usage (as the API sends it there, cache fields
 * included), and `message_stop`. `step` gives the usage and the finish reason.
 *
 * @example
 * ```ts
 * const wire: WireFormat = {
 *   ...anthropicWire,
 *   encode: (step, context) =>
 *     encodeAnthropicMessage([{ type: 'thinking', thinking: 'First.' }, { type: 'text', text: 'Hi' }], step, context),
 * };
 * ```
 */
export function encodeAnthropicMessage(
  blocks: readonly AnthropicMockBlock[],
  step: MockStep,
  context: WireContext,
): EncodedStream {
  const usage = stepUsage(step, context);
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const wireUsage = {
    // Anthropic's input_tokens excludes what the cache served or stored.
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
  const frames: string[] = [
    sseFrame(
      {
        type: 'message_start',
        message: {
          id: `msg_mock_${context.call}`,
          type: 'message',
          role: 'assistant',
          model: context.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...wireUsage, output_tokens: 1 },
        },
      },
      'message_start',
    ),
    sseFrame({ type: 'ping' }, 'ping'),
  ];
  blocks.forEach((block, index) => {
    const frame = (type: string, data: Obj): string => sseFrame({ type, index, ...data }, type);
    const delta = (d: Obj): string => frame('content_block_delta', { delta: d });
    if (block.type === 'thinking') {
      frames.push(
        frame('content_block_start', { content_block: { type: 'thinking', thinking: '', signature: '' } }),
        ...splitText(block.thinking).map((thinking) => delta({ type: 'thinking_delta', thinking })),
        delta({ type: 'signature_delta', signature: mockThinkingSignature(context.call, index, block.thinking) }),
      );
    } else if (block.type === 'text') {
      frames.push(
        frame('content_block_start', { content_block: { type: 'text', text: '' } }),
        ...splitText(block.text).map((text) => delta({ type: 'text_delta', text })),
      );
    } else {
      frames.push(
        frame('content_block_start', {
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
        ...splitArguments(block.json).map((partial_json) => delta({ type: 'input_json_delta', partial_json })),
      );
    }
    frames.push(frame('content_block_stop', {}));
  });
  frames.push(
    sseFrame(
      {
        type: 'message_delta',
        delta: { stop_reason: STOP_REASONS[stepFinishReason(step)], stop_sequence: null },
        usage: { ...wireUsage, output_tokens: usage.outputTokens },
      },
      'message_delta',
    ),
    sseFrame({ type: 'message_stop' }, 'message_stop'),
  );
  return { frames, terminalFrames: 1, headers: { 'request-id': `req_mock_${context.call}` } };
}

/**
 * The Anthropic wire format.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'anthropic', script: [{ text: 'Hi' }] });
 * const model = anthropic({ model: 'claude-sonnet-4-6', apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export const anthropicWire: WireFormat = {
  name: 'anthropic',
  contentType: 'text/event-stream',
  basePath: '',
  matches: postTo('/v1/messages'),
  modelOf: modelInBody,
  decodeRequest(body): ModelRequest {
    const b = isObj(body) ? body : {};
    const system =
      typeof b.system === 'string'
        ? b.system
        : arr(b.system)
            .filter(isObj)
            .map((block) => str(block.text))
            .join('\n');
    const tools: ModelTool[] = arr(b.tools)
      .filter(isObj)
      .map((t) => decodeTool(t, t.input_schema));
    const toolChoice = decodeToolChoice(b.tool_choice);
    return {
      ...(system !== '' ? { system } : {}),
      messages: decodeMessages(b.messages),
      tools,
      ...(toolChoice ? { toolChoice } : {}),
      ...(typeof b.max_tokens === 'number' ? { maxOutputTokens: b.max_tokens } : {}),
      ...(typeof b.temperature === 'number' ? { temperature: b.temperature } : {}),
      ...decodeOutput('output', undefined, formatSchemaOf(b)),
    };
  },
  encode(step: MockStep, context: WireContext): EncodedStream {
    const blocks: AnthropicMockBlock[] = [];
    if (step.reasoning !== undefined) blocks.push({ type: 'thinking', thinking: step.reasoning });
    if (step.text !== undefined && step.text !== '') blocks.push({ type: 'text', text: step.text });
    (step.toolCalls ?? []).forEach((call, i) => {
      blocks.push({
        type: 'tool_use',
        id: toolCallId(call, i, context),
        name: call.name,
        json: toolArguments(call, context),
      });
    });
    return encodeAnthropicMessage(blocks, step, context);
  },
  validate(context: WireContext): WireRejection | undefined {
    return validateAnthropicRequest(context.body);
  },
  streamError(kind: StreamErrorKind, message: string): string {
    const type = kind === 'overloaded' ? 'overloaded_error' : kind === 'rate-limit' ? 'rate_limit_error' : 'api_error';
    return sseFrame({ type: 'error', error: { type, message } }, 'error');
  },
  errorBody(status: number, message: string): unknown {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message } };
  },
};
