/**
 * The Gemini wire: `POST /{version}/models/{model}:streamGenerateContent?alt=sse` answered with SSE `data:`
 * frames, each a `GenerateContentResponse`: `candidates[0].content.parts[]` with `text`, thought parts
 * (`thought: true`) and whole `functionCall`s (with `thoughtSignature`, and an `id` only when the script
 * gives one, as older models send none), then a terminal chunk with `finishReason` and `usageMetadata`.
 * In-stream failures are `data: {"error": {code, message, status}}` frames, as Google sends them. For a
 * Gemini 3 model id, an answer without calls ends with an empty text part carrying a thought signature, as
 * real streams do; usage reports thinking as `thoughtsTokenCount`. Requests are checked as Google checks
 * them (see `gemini-validate.ts`).
 *
 * @packageDocumentation
 */
import type { FinishReason, ModelRequest, ModelTool, ToolChoice } from '../../model/language-model.js';
import type { JsonValue, Message } from '../../model/message.js';
import type { MockStep } from '../mock-step.js';
import { splitText, sseFrame, stepFinishReason, stepUsage } from './frames.js';
import { arr, decodeMedia, decodeOutput, decodeTool, isObj, str, type Obj } from './decode.js';
import { generationOf, validateGeminiRequest } from './gemini-validate.js';
import type { EncodedStream, StreamErrorKind, WireContext, WireFormat } from './types.js';

const PATH = /^\/[^/]+\/models\/([^/:]+):streamGenerateContent$/;

const FINISH_REASONS: Record<FinishReason, string> = {
  stop: 'STOP',
  'tool-calls': 'STOP',
  length: 'MAX_TOKENS',
  'content-filter': 'SAFETY',
  error: 'MALFORMED_FUNCTION_CALL',
  other: 'OTHER',
};

/** Google RPC status names by HTTP status. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const STREAM_ERRORS: Record<StreamErrorKind, number> = { overloaded: 503, 'rate-limit': 429, server: 500 };

function chunk(parts: Obj[]): string {
  return sseFrame({ candidates: [{ content: { role: 'model', parts }, index: 0 }] });
}

function decodeContents(contents: unknown): Message[] {
  const out: Message[] = [];
  for (const content of arr(contents).filter(isObj)) {
    const parts = arr(content.parts).filter(isObj);
    if (content.role === 'model') {
      const assistant: Extract<Message, { role: 'assistant' }>['content'][number][] = [];
      for (const part of parts) {
        if (isObj(part.functionCall)) {
          const call = part.functionCall;
          assistant.push({
            type: 'tool-call',
            id: str(call.id),
            name: str(call.name),
            input: (call.args ?? {}) as JsonValue,
          });
        } else if (typeof part.text === 'string') {
          assistant.push(
            part.thought === true ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text },
          );
        }
      }
      out.push({ role: 'assistant', content: assistant });
      continue;
    }
    const results: Extract<Message, { role: 'tool' }>['content'][number][] = [];
    const user: Extract<Message, { role: 'user' }>['content'][number][] = [];
    for (const part of parts) {
      if (isObj(part.functionResponse)) {
        const fr = part.functionResponse;
        const response = isObj(fr.response) ? fr.response : {};
        const isError = 'error' in response;
        results.push({
          type: 'tool-result',
          id: str(fr.id),
          name: str(fr.name),
          output: ((isError ? response.error : response.output) ?? null) as JsonValue,
          isError,
        });
      } else if (typeof part.text === 'string') {
        user.push({ type: 'text', text: part.text });
      } else if (isObj(part.inlineData)) {
        user.push(decodeMedia(str(part.inlineData.mimeType), { data: str(part.inlineData.data) }));
      } else if (isObj(part.fileData)) {
        user.push(decodeMedia(str(part.fileData.mimeType), { url: str(part.fileData.fileUri) }));
      }
    }
    if (results.length > 0) out.push({ role: 'tool', content: results });
    if (user.length > 0) out.push({ role: 'user', content: user });
  }
  return out;
}

function decodeToolChoice(toolConfig: unknown): ToolChoice | undefined {
  const config =
    isObj(toolConfig) && isObj(toolConfig.functionCallingConfig) ? toolConfig.functionCallingConfig : undefined;
  if (!config) return undefined;
  if (config.mode === 'NONE') return 'none';
  if (config.mode === 'ANY') {
    const names = arr(config.allowedFunctionNames);
    return names.length === 1 ? { name: str(names[0]) } : 'required';
  }
  return 'auto';
}

/**
 * The Gemini wire format (`@google/genai`'s `models.generateContentStream`).
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'gemini', script: [{ text: 'Hi' }] });
 * const model = gemini({ model: 'gemini-2.5-flash', apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export const geminiWire: WireFormat = {
  name: 'gemini',
  contentType: 'text/event-stream',
  basePath: '',
  matches: (method, path) => method === 'POST' && PATH.test(path),
  modelOf: (path) => decodeURIComponent(PATH.exec(path)?.[1] ?? ''),
  decodeRequest(body): ModelRequest {
    const b = isObj(body) ? body : {};
    const system = isObj(b.systemInstruction)
      ? arr(b.systemInstruction.parts)
          .filter(isObj)
          .map((part) => str(part.text))
          .join('\n')
      : '';
    const tools: ModelTool[] = arr(b.tools)
      .filter(isObj)
      .flatMap((tool) => arr(tool.functionDeclarations).filter(isObj))
      .map((d) => decodeTool(d, d.parametersJsonSchema ?? d.parameters));
    const toolChoice = decodeToolChoice(b.toolConfig);
    const generation = isObj(b.generationConfig) ? b.generationConfig : {};
    return {
      ...(system !== '' ? { system } : {}),
      messages: decodeContents(b.contents),
      tools,
      ...(toolChoice ? { toolChoice } : {}),
      ...(typeof generation.maxOutputTokens === 'number' ? { maxOutputTokens: generation.maxOutputTokens } : {}),
      ...(typeof generation.temperature === 'number' ? { temperature: generation.temperature } : {}),
      ...decodeOutput('output', undefined, generation.responseJsonSchema ?? generation.responseSchema),
    };
  },
  encode(step: MockStep, context: WireContext): EncodedStream {
    const usage = stepUsage(step, context);
    const frames: string[] = [];
    for (const text of splitText(step.reasoning ?? '')) frames.push(chunk([{ text, thought: true }]));
    for (const text of splitText(step.text ?? '')) frames.push(chunk([{ text }]));
    let finishReason = FINISH_REASONS[stepFinishReason(step)];
    const calls = step.toolCalls ?? [];
    if (calls.length > 0 && context.malformedToolJson) {
      // Gemini sends arguments as objects, so it never streams bad JSON: a call it cannot form ends the
      // response with MALFORMED_FUNCTION_CALL and no call at all.
      finishReason = 'MALFORMED_FUNCTION_CALL';
    } else if (calls.length > 0) {
      // Parallel calls arrive together, as parts of one chunk; the first carries the thought signature.
      frames.push(
        chunk(
          calls.map((call, i) => ({
            functionCall: { ...(call.id !== undefined ? { id: call.id } : {}), name: call.name, args: call.input },
            ...(i === 0 ? { thoughtSignature: `sig_mock_${context.call}` } : {}),
          })),
        ),
      );
    }
    const cached = usage.cacheReadTokens;
    // A scripted usage says how much was thinking; an estimated one counts the reasoning text.
    const thoughts = step.usage
      ? step.usage.reasoningTokens
      : step.reasoning
        ? Math.ceil(step.reasoning.length / 4)
        : undefined;
    // Gemini 3 signs every answer: one with function calls on its first call (above), any other on its last
    // part, which a stream sends as an empty text part in the final chunk.
    const signed = calls.length === 0 && (generationOf(context.model) ?? 0) >= 3;
    frames.push(
      sseFrame({
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: '', ...(signed ? { thoughtSignature: `sig_mock_text_${context.call}` } : {}) }],
            },
            finishReason,
            ...(finishReason === 'MALFORMED_FUNCTION_CALL' ? { finishMessage: 'Malformed function call.' } : {}),
            index: 0,
          },
        ],
        // `candidatesTokenCount` leaves thinking out; `thoughtsTokenCount` reports it (billed as output).
        usageMetadata: {
          promptTokenCount: usage.inputTokens,
          candidatesTokenCount: Math.max(0, usage.outputTokens - (thoughts ?? 0)),
          totalTokenCount: usage.inputTokens + usage.outputTokens,
          ...(cached !== undefined ? { cachedContentTokenCount: cached } : {}),
          ...(thoughts !== undefined ? { thoughtsTokenCount: thoughts } : {}),
        },
        modelVersion: context.model,
        responseId: `resp_mock_${context.call}`,
      }),
    );
    return { frames, terminalFrames: 1 };
  },
  streamError(kind: StreamErrorKind, message: string): string {
    const code = STREAM_ERRORS[kind];
    return sseFrame({ error: { code, message, status: STATUS_NAMES[code] } });
  },
  errorBody(status: number, message: string): unknown {
    return {
      error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN') },
    };
  },
  validate: validateGeminiRequest,
};
