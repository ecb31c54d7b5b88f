/**
 * The OpenAI Responses wire: `POST /v1/responses` answered with the typed SSE events of the streaming
 * Responses API (`response.created`, `response.output_item.added` / `.done`, reasoning summary deltas,
 * `response.output_text.delta`, `response.function_call_arguments.delta` / `.done`, `response.completed`;
 * `response.failed` and `error` for failures), as the API streams them: the encrypted reasoning only when
 * `include` asks for it, `phase` on the messages of the models that label them, usage with its details.
 * Requests the API refuses are refused the same way (see `openai-responses-validate.ts`).
 *
 * @packageDocumentation
 */
import type { ModelRequest, ModelTool } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
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
import { decodeCommon, decodeImageUrl, openaiError, parseArguments, stepReasoningTokens } from './openai.js';
import { arr, decodeMedia, decodeOutput, decodeTool, isObj, modelInBody, postTo, str, type Obj } from './decode.js';
import { rememberOutput, sentItem } from './openai-responses-memory.js';
import { responsesRejection } from './openai-responses-validate.js';
import type { EncodedStream, StreamErrorKind, WireContext, WireFormat } from './types.js';

function decodeInput(body: Obj): Message[] {
  const input = body.input;
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  const out: Message[] = [];
  const push = (message: Message): void => {
    const last = out.at(-1);
    if (last && last.role === message.role && last.role !== 'user') {
      out[out.length - 1] = { role: last.role, content: [...last.content, ...message.content] } as Message;
    } else out.push(message);
  };
  for (const sent of arr(input).filter(isObj)) {
    // A reference stands for the item the server sent, as the API resolves it.
    const item = sent.type === 'item_reference' ? (sentItem(body, str(sent.id)) ?? sent) : sent;
    if (item.type === 'function_call') {
      push({
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: str(item.call_id),
            name: str(item.name),
            input: parseArguments(str(item.arguments)),
          },
        ],
      });
    } else if (item.type === 'function_call_output') {
      push({
        role: 'tool',
        content: [{ type: 'tool-result', id: str(item.call_id), name: '', output: str(item.output), isError: false }],
      });
    } else if (item.type === 'reasoning') {
      const text = arr(item.summary)
        .filter(isObj)
        .map((s) => str(s.text))
        .join('');
      push({ role: 'assistant', content: [{ type: 'reasoning', text }] });
    } else if (item.role === 'assistant') {
      const text =
        typeof item.content === 'string'
          ? item.content
          : arr(item.content)
              .filter(isObj)
              .map((p) => str(p.text))
              .join('');
      push({ role: 'assistant', content: [{ type: 'text', text }] });
    } else if (item.role === 'user') {
      const content: Extract<Message, { role: 'user' }>['content'][number][] = [];
      if (typeof item.content === 'string') content.push({ type: 'text', text: item.content });
      for (const part of arr(item.content).filter(isObj)) {
        if (part.type === 'input_text') content.push({ type: 'text', text: str(part.text) });
        if (part.type === 'input_image') content.push({ type: 'image', ...decodeImageUrl(str(part.image_url)) });
        if (part.type === 'input_file') {
          const source =
            typeof part.file_url === 'string'
              ? { mediaType: '', url: part.file_url }
              : decodeImageUrl(str(part.file_data));
          const { mediaType, ...where } = source;
          content.push(decodeMedia(mediaType || 'application/pdf', where, part.filename));
        }
      }
      push({ role: 'user', content });
    }
  }
  return out;
}

/** Whether a model labels its messages with a `phase` (GPT-5.3 and later). */
function usesPhase(model: string): boolean {
  const match = /^gpt-(\d+)(?:\.(\d+))?/.exec(model.slice(model.lastIndexOf('/') + 1));
  if (!match) return false;
  const major = Number(match[1]);
  return major > 5 || (major === 5 && Number(match[2] ?? 0) >= 3);
}

/** The `phase` of a step's message, for the models that label theirs: commentary before tool calls. */
function messagePhase(step: MockStep, model: string): { phase?: string } {
  if (!usesPhase(model)) return {};
  return { phase: (step.toolCalls?.length ?? 0) > 0 ? 'commentary' : 'final_answer' };
}

/** The usage of a Responses answer with its token details. */
function responsesUsage(step: MockStep, context: WireContext): Obj {
  const usage = stepUsage(step, context);
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: {
      cached_tokens: usage.cacheReadTokens ?? 0,
      ...(usage.cacheWriteTokens !== undefined ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: stepReasoningTokens(step, usage.outputTokens) },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/**
 * The OpenAI Responses wire format.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'openai-responses', script: [{ text: 'Hi' }] });
 * const model = openai({ model: 'gpt-5', api: 'responses', apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export const openaiResponsesWire: WireFormat = {
  name: 'openai-responses',
  contentType: 'text/event-stream',
  basePath: '/v1',
  matches: postTo('/v1/responses'),
  modelOf: modelInBody,
  decodeRequest(body): ModelRequest {
    const b = isObj(body) ? body : {};
    const tools: ModelTool[] = arr(b.tools)
      .filter(isObj)
      .map((t) => decodeTool(t, t.parameters));
    return {
      ...(typeof b.instructions === 'string' ? { system: b.instructions } : {}),
      messages: decodeInput(b),
      tools,
      ...decodeCommon(b),
      ...(isObj(b.text) && isObj(b.text.format) && b.text.format.type === 'json_schema'
        ? decodeOutput(b.text.format.name, b.text.format.description, b.text.format.schema)
        : {}),
    };
  },
  encode(step: MockStep, context: WireContext): EncodedStream {
    const id = `resp_mock_${context.call}`;
    let sequence = 0;
    const event = (type: string, data: Obj): string => sseFrame({ type, sequence_number: sequence++, ...data }, type);
    const base = {
      id,
      object: 'response',
      created_at: 1_700_000_000,
      model: context.model,
      error: null,
      incomplete_details: null,
    };
    const frames: string[] = [
      event('response.created', { response: { ...base, status: 'in_progress', output: [] } }),
      event('response.in_progress', { response: { ...base, status: 'in_progress', output: [] } }),
    ];
    const output: Obj[] = [];
    const request = isObj(context.body) ? context.body : {};
    const wantsEncrypted = arr(request.include).includes('reasoning.encrypted_content');
    const phase = messagePhase(step, context.model);
    const item = (added: Obj, body: (index: number) => string[], done: Obj): void => {
      const output_index = output.length;
      frames.push(event('response.output_item.added', { output_index, item: added }));
      frames.push(...body(output_index));
      frames.push(event('response.output_item.done', { output_index, item: done }));
      output.push(done);
    };
    if (step.reasoning !== undefined) {
      const item_id = `rs_mock_${context.call}`;
      const text = step.reasoning;
      item(
        { id: item_id, type: 'reasoning', summary: [] },
        (output_index) => [
          event('response.reasoning_summary_part.added', {
            item_id,
            output_index,
            summary_index: 0,
            part: { type: 'summary_text', text: '' },
          }),
          ...splitText(text).map((delta) =>
            event('response.reasoning_summary_text.delta', { item_id, output_index, summary_index: 0, delta }),
          ),
          event('response.reasoning_summary_text.done', { item_id, output_index, summary_index: 0, text }),
          event('response.reasoning_summary_part.done', {
            item_id,
            output_index,
            summary_index: 0,
            part: { type: 'summary_text', text },
          }),
        ],
        {
          id: item_id,
          type: 'reasoning',
          summary: [{ type: 'summary_text', text }],
          // The API sends the encrypted reasoning only when the request asks for it.
          ...(wantsEncrypted ? { encrypted_content: `enc_mock_${context.call}` } : {}),
        },
      );
    }
    if (step.text !== undefined && step.text !== '') {
      const item_id = `msg_mock_${context.call}`;
      const text = step.text;
      const part = { type: 'output_text', text, annotations: [] };
      item(
        { id: item_id, type: 'message', status: 'in_progress', role: 'assistant', content: [], ...phase },
        (output_index) => [
          event('response.content_part.added', {
            item_id,
            output_index,
            content_index: 0,
            part: { ...part, text: '' },
          }),
          ...splitText(text).map((delta) =>
            event('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] }),
          ),
          event('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] }),
          event('response.content_part.done', { item_id, output_index, content_index: 0, part }),
        ],
        { id: item_id, type: 'message', status: 'completed', role: 'assistant', content: [part], ...phase },
      );
    }
    (step.toolCalls ?? []).forEach((call, index) => {
      const item_id = `fc_mock_${context.call}_${index}`;
      const call_id = toolCallId(call, index, context);
      const args = toolArguments(call, context);
      const fields = { id: item_id, type: 'function_call', call_id, name: call.name };
      item(
        { ...fields, status: 'in_progress', arguments: '' },
        (output_index) => [
          ...splitArguments(args).map((delta) =>
            event('response.function_call_arguments.delta', { item_id, output_index, delta }),
          ),
          event('response.function_call_arguments.done', { item_id, output_index, arguments: args }),
        ],
        { ...fields, status: 'completed', arguments: args },
      );
    });
    const finish = stepFinishReason(step);
    const usageBody = responsesUsage(step, context);
    rememberOutput(context.body, output);
    if (finish === 'length' || finish === 'content-filter') {
      const reason = finish === 'length' ? 'max_output_tokens' : 'content_filter';
      frames.push(
        event('response.incomplete', {
          response: { ...base, status: 'incomplete', incomplete_details: { reason }, output, usage: usageBody },
        }),
      );
    } else {
      frames.push(
        event('response.completed', { response: { ...base, status: 'completed', output, usage: usageBody } }),
      );
    }
    return { frames, terminalFrames: 1, headers: { 'x-request-id': `req_mock_${context.call}` } };
  },
  streamError(kind: StreamErrorKind, message: string, context: WireContext): string {
    const code =
      kind === 'rate-limit' ? 'rate_limit_exceeded' : kind === 'overloaded' ? 'server_is_overloaded' : 'server_error';
    return sseFrame(
      {
        type: 'response.failed',
        sequence_number: 99,
        response: {
          id: `resp_mock_${context.call}`,
          object: 'response',
          created_at: 1_700_000_000,
          model: context.model,
          status: 'failed',
          error: { code, message },
          incomplete_details: null,
          output: [],
        },
      },
      'response.failed',
    );
  },
  errorBody(status: number, message: string): unknown {
    return { error: openaiError(status, message) };
  },
  validate(context: WireContext) {
    return responsesRejection(context.body);
  },
};
