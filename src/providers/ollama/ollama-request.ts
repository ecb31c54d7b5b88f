/**
 * `ModelRequest` → the body of Ollama's `POST /api/chat` (as the `ollama` SDK's `chat()` takes it).
 *
 * Shapes are declared here, structurally, so icode's public types never depend on the optional peer.
 *
 * @packageDocumentation
 */
import { pairToolResults } from '../shared/pair-tool-results.js';
import { toolResultText } from '../shared/tool-result-text.js';
import { ProviderError } from '../../errors/provider-error.js';
import { fileAsText, fileText, isTextMediaType, unsupportedFile } from '../shared/file-parts.js';
import type { ModelRequest, ModelTool } from '../../model/language-model.js';
import type { ImagePart, JsonValue, Message } from '../../model/message.js';

/** One Ollama chat message. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  /** Base64 images, without a `data:` prefix. */
  images?: string[];
  tool_calls?: { id?: string; function: { name: string; arguments: { [key: string]: JsonValue } } }[];
  tool_name?: string;
}

/** The body of a streamed `/api/chat` call. */
export interface OllamaChatBody {
  model: string;
  messages: OllamaMessage[];
  stream: true;
  tools?: {
    type: 'function';
    function: { name: string; description: string; parameters: { [key: string]: JsonValue } };
  }[];
  think?: boolean | 'low' | 'medium' | 'high' | 'max';
  keep_alive?: string | number;
  options?: { [key: string]: JsonValue };
  /** Structured output: the JSON Schema the answer must match (or `'json'` from `providerOptions`). */
  format?: { [key: string]: JsonValue } | 'json';
  /** Anything else `providerOptions.ollama` adds (`logprobs`, …). */
  [key: string]: unknown;
}

/** Request-shaping settings of the Ollama adapter. */
export interface OllamaRequestSettings {
  /** Thinking for models that think (`true`, or a level for models that take one). */
  readonly think?: boolean | 'low' | 'medium' | 'high' | 'max';
  /** How long Ollama keeps the model loaded after the call (a Go duration such as `'5m'`, seconds, `-1` for ever). */
  readonly keepAlive?: string | number;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tool-call arguments as Ollama needs them: an object. */
function argumentsOf(input: JsonValue): { [key: string]: JsonValue } {
  if (isObject(input)) return input;
  if (typeof input === 'string') {
    try {
      const parsed = JSON.parse(input) as JsonValue;
      if (isObject(parsed)) return parsed;
    } catch {
      // Malformed arguments have no object form; the error result that answered the call explains them.
    }
  }
  return {};
}

/**
 * An image as base64. Ollama only takes inline images, so one given by URL is downloaded here, with the
 * call's signal.
 */
async function imageData(part: ImagePart, signal: AbortSignal | undefined): Promise<string> {
  if (part.data !== undefined) return part.data;
  const url = part.url ?? '';
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ProviderError({
      kind: 'invalid-request',
      provider: 'ollama',
      message: `ollama: could not download the image ${url}`,
      cause,
    });
  }
  if (!response.ok) {
    throw new ProviderError({
      kind: 'invalid-request',
      provider: 'ollama',
      message: `ollama: could not download the image ${url} (HTTP ${response.status})`,
    });
  }
  return toBase64(new Uint8Array(await response.arrayBuffer()));
}

/** Base64 of some bytes, without `Buffer`, so the adapter runs where Node's globals do not. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function messageOf(message: Message, signal: AbortSignal | undefined): Promise<OllamaMessage[]> {
  if (message.role === 'user') {
    const text: string[] = [];
    const images: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') text.push(part.text);
      // Ollama reads no files: a text file goes as text, anything else fails before the call.
      else if (part.type === 'file') {
        if (!isTextMediaType(part.mediaType))
          throw unsupportedFile('ollama', part, 'text files only (images as images)');
        text.push(fileAsText('ollama', part));
      } else images.push(await imageData(part, signal));
    }
    return [{ role: 'user', content: text.join('\n'), ...(images.length > 0 ? { images } : {}) }];
  }
  if (message.role === 'assistant') {
    let content = '';
    let thinking = '';
    const toolCalls: NonNullable<OllamaMessage['tool_calls']> = [];
    for (const part of message.content) {
      if (part.type === 'text') content += part.text;
      else if (part.type === 'reasoning') thinking += part.text;
      else toolCalls.push({ function: { name: part.name, arguments: argumentsOf(part.input) } });
    }
    return [
      {
        role: 'assistant',
        content,
        ...(thinking !== '' ? { thinking } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
    ];
  }
  return message.content.map((result) => ({ role: 'tool', content: toolResultText(result), tool_name: result.name }));
}

/**
 * Refuses, before anything is sent, a file Ollama cannot take: Ollama reads no files, so only text files
 * (sent as text) pass.
 *
 * @throws ConfigError for a file that is not text, given by URL, or not base64 of UTF-8 text.
 */
export function checkOllamaFiles(messages: readonly Message[]): void {
  for (const message of messages) {
    if (message.role !== 'user') continue;
    for (const part of message.content) {
      if (part.type !== 'file') continue;
      if (!isTextMediaType(part.mediaType)) throw unsupportedFile('ollama', part, 'text files only (images as images)');
      fileText('ollama', part);
    }
  }
}

function toolsOf(request: ModelRequest): readonly ModelTool[] {
  const choice = request.toolChoice;
  // Ollama has no tool choice: `none` sends no tools, `{ name }` only that one; `required` cannot be enforced.
  if (choice === 'none') return [];
  if (typeof choice === 'object') return request.tools.filter((tool) => tool.name === choice.name);
  return request.tools;
}

/**
 * The `/api/chat` body for a request: a system message first, the conversation (tool results as
 * `role: 'tool'` messages with `tool_name`, every tool call paired with its result, since an interrupted run
 * leaves calls without results), tools as JSON Schema functions (Ollama takes them as they are, untyped
 * fields included), generation options, and `providerOptions.ollama` merged over it all (`options` merged
 * key by key). Structured output is `format: <schema>`; text files go as text (Ollama reads no files).
 *
 * @throws ConfigError for a file that is not text.
 */
export async function toOllamaChatBody(
  model: string,
  request: ModelRequest,
  settings: OllamaRequestSettings,
  signal?: AbortSignal,
): Promise<OllamaChatBody> {
  const messages: OllamaMessage[] = [];
  if (request.system !== undefined && request.system !== '') messages.push({ role: 'system', content: request.system });
  for (const message of pairToolResults(request.messages)) messages.push(...(await messageOf(message, signal)));
  const body: OllamaChatBody = { model, messages, stream: true };
  const tools = toolsOf(request);
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    }));
  }
  if (request.output !== undefined) {
    const { $schema: _dialect, ...schema } = request.output.schema;
    body.format = schema;
  }
  if (settings.think !== undefined) body.think = settings.think;
  if (settings.keepAlive !== undefined) body.keep_alive = settings.keepAlive;
  const options: { [key: string]: JsonValue } = {};
  if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  const extra = request.providerOptions?.ollama ?? {};
  const { options: extraOptions, ...rest } = extra;
  Object.assign(options, isObject(extraOptions) ? extraOptions : {});
  if (Object.keys(options).length > 0) body.options = options;
  Object.assign(body, rest);
  return body;
}
