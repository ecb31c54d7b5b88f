/**
 * `ModelRequest` → the parameters of `@google/genai`'s `models.generateContentStream`.
 *
 * The shapes are declared here, structurally, rather than imported from the SDK: icode's public types must
 * not depend on an optional peer, and the wire fields used are stable across SDK versions.
 *
 * @packageDocumentation
 */
import type { ModelRequest, ModelTool, ToolChoice } from '../../model/language-model.js';
import type { JsonValue, Message, ToolCallPart } from '../../model/message.js';
import { toGeminiSchema } from './gemini-schema.js';

/** One part of a Gemini content, as sent and received. */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: { id?: string; name?: string; args?: JsonValue };
  functionResponse?: { id?: string; name: string; response: { [key: string]: JsonValue } };
}

/** A Gemini content: a turn of the conversation. Tool results travel in `user` turns. */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** How thinking is configured for Gemini models that think. */
export interface GeminiThinkingSettings {
  /** Stream thought summaries as reasoning. @defaultValue true */
  readonly includeThoughts?: boolean;
  /** Token budget for thinking (Gemini 2.5); `0` turns thinking off where the model allows it, `-1` is dynamic. */
  readonly budgetTokens?: number;
  /** Thinking level (Gemini 3). */
  readonly level?: 'minimal' | 'low' | 'medium' | 'high';
}

/** Request-shaping settings of the Gemini adapter. */
export interface GeminiRequestSettings {
  readonly thinking?: GeminiThinkingSettings;
  /**
   * How tool input schemas are sent: `'openapi'` converts them to Gemini's OpenAPI subset
   * (`parameters`, works on every model); `'json-schema'` sends them unchanged as `parametersJsonSchema`
   * (Gemini 2.5 and later). @defaultValue 'openapi'
   */
  readonly toolSchemas?: 'openapi' | 'json-schema';
}

/** Gemini-specific data kept on tool-call and reasoning parts so it round-trips, under `providerMetadata.gemini`. */
export interface GeminiPartMetadata {
  /** The thought signature Gemini attached to the part; it must be sent back with it. */
  thoughtSignature?: string;
  /** Set when Gemini gave the call no id and icode made one up, so it is not sent back as Gemini's. */
  syntheticId?: boolean;
}

/** The `providerMetadata.gemini` of a part, when it has one. */
export function geminiMetadata(providerMetadata: Record<string, JsonValue> | undefined): GeminiPartMetadata {
  const value = providerMetadata?.gemini;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: GeminiPartMetadata = {};
  if (typeof value.thoughtSignature === 'string') out.thoughtSignature = value.thoughtSignature;
  if (value.syntheticId === true) out.syntheticId = true;
  return out;
}

/** Tool-call arguments as Gemini needs them: an object. */
function argsOf(input: JsonValue): JsonValue {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input;
  if (typeof input === 'string') {
    try {
      const parsed: unknown = JSON.parse(input);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JsonValue;
    } catch {
      // Not JSON: the malformed arguments cannot be expressed as a Struct; the error result that answered
      // the call tells the model what went wrong.
    }
  }
  return {};
}

function partsOf(message: Message, calls: ReadonlyMap<string, ToolCallPart>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (message.role === 'user') {
    for (const part of message.content) {
      if (part.type === 'text') {
        if (part.text !== '') parts.push({ text: part.text });
      } else if (part.data !== undefined) {
        parts.push({ inlineData: { mimeType: part.mediaType, data: part.data } });
      } else if (part.url !== undefined) {
        parts.push({ fileData: { mimeType: part.mediaType, fileUri: part.url } });
      }
    }
  } else if (message.role === 'assistant') {
    for (const part of message.content) {
      if (part.type === 'text') {
        if (part.text !== '') parts.push({ text: part.text });
      } else if (part.type === 'reasoning') {
        // Gemini needs its thought signatures back, not its thought summaries; unsigned reasoning (or another
        // provider's, whose `signature` means nothing to Gemini) stays out of the request.
        const signature = geminiMetadata(part.providerMetadata).thoughtSignature;
        if (signature === undefined) continue;
        parts.push({ text: part.text, thought: true, thoughtSignature: signature });
      } else {
        const meta = geminiMetadata(part.providerMetadata);
        parts.push({
          functionCall: { ...(meta.syntheticId ? {} : { id: part.id }), name: part.name, args: argsOf(part.input) },
          ...(meta.thoughtSignature !== undefined ? { thoughtSignature: meta.thoughtSignature } : {}),
        });
      }
    }
  } else {
    for (const result of message.content) {
      // Gemini pairs a response with its call by name (and by id, when Gemini gave the call one).
      const call = calls.get(result.id);
      const realId = call !== undefined && !geminiMetadata(call.providerMetadata).syntheticId;
      parts.push({
        functionResponse: {
          ...(realId ? { id: result.id } : {}),
          name: result.name,
          response: result.isError ? { error: result.output } : { output: result.output },
        },
      });
    }
  }
  return parts;
}

/**
 * The conversation as Gemini `contents`: assistant turns become `model` turns, tool results `user` turns of
 * `functionResponse` parts, and consecutive messages of one role are merged into one turn.
 */
export function toGeminiContents(messages: readonly Message[]): GeminiContent[] {
  const calls = new Map<string, ToolCallPart>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) if (part.type === 'tool-call') calls.set(part.id, part);
  }
  const contents: GeminiContent[] = [];
  let lastKind: Message['role'] | undefined;
  for (const message of messages) {
    const parts = partsOf(message, calls);
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    // Function responses keep a turn of their own: Gemini matches that turn against the calls before it.
    if (last !== undefined && lastKind === message.role) last.parts.push(...parts);
    else contents.push({ role: message.role === 'assistant' ? 'model' : 'user', parts });
    lastKind = message.role;
  }
  return contents;
}

function declarationOf(tool: ModelTool, schemas: 'openapi' | 'json-schema'): { [key: string]: JsonValue } {
  const declaration: { [key: string]: JsonValue } = { name: tool.name, description: tool.description };
  if (schemas === 'json-schema') {
    declaration.parametersJsonSchema = tool.inputSchema;
    return declaration;
  }
  const parameters = toGeminiSchema(tool.inputSchema);
  // A function without parameters is declared without `parameters`: Gemini rejects an empty OBJECT.
  if (parameters.properties !== undefined) declaration.parameters = parameters;
  return declaration;
}

function toolConfigOf(choice: ToolChoice | undefined): { [key: string]: JsonValue } | undefined {
  if (choice === undefined || choice === 'auto') return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
}

function thinkingConfigOf(thinking: GeminiThinkingSettings | undefined): { [key: string]: JsonValue } | undefined {
  if (thinking === undefined) return undefined;
  const config: { [key: string]: JsonValue } = { includeThoughts: thinking.includeThoughts ?? true };
  if (thinking.budgetTokens !== undefined) config.thinkingBudget = thinking.budgetTokens;
  if (thinking.level !== undefined) config.thinkingLevel = thinking.level.toUpperCase();
  return config;
}

/**
 * The `config` of a `generateContentStream` call: system instruction, tools, tool choice, generation
 * settings and thinking, with `providerOptions.gemini` merged over them.
 */
export function toGeminiConfig(request: ModelRequest, settings: GeminiRequestSettings): { [key: string]: JsonValue } {
  const config: { [key: string]: JsonValue } = {};
  if (request.system !== undefined && request.system !== '')
    config.systemInstruction = { parts: [{ text: request.system }] };
  if (request.tools.length > 0) {
    const schemas = settings.toolSchemas ?? 'openapi';
    config.tools = [{ functionDeclarations: request.tools.map((tool) => declarationOf(tool, schemas)) }];
    const toolConfig = toolConfigOf(request.toolChoice);
    if (toolConfig) config.toolConfig = toolConfig;
  }
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  const thinkingConfig = thinkingConfigOf(settings.thinking);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  const extra = request.providerOptions?.gemini;
  if (extra) Object.assign(config, extra);
  return config;
}
