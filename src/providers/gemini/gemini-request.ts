/**
 * `ModelRequest` → the parameters of `@google/genai`'s `models.generateContentStream`.
 *
 * The shapes are declared here, structurally, rather than imported from the SDK: icode's public types must
 * not depend on an optional peer, and the wire fields used are stable across SDK versions.
 *
 * @packageDocumentation
 */
import type { ModelRequest, ModelTool, ToolChoice } from '../../model/language-model.js';
import { withOutputTool } from '../shared/output-tool.js';
import type { JsonValue, Message, ReasoningPart, ToolCallPart } from '../../model/message.js';
import { pairToolResults } from '../shared/pair-tool-results.js';
import { convertGeminiSchema } from './gemini-schema.js';

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
   * How tool input schemas are sent: `'openapi'` converts them to Gemini's OpenAPI subset (`parameters`),
   * except a schema the subset cannot express (a field of any type, a free-form object, a tuple, a
   * recursive type), which goes as JSON Schema; `'json-schema'` sends every schema unchanged as
   * `parametersJsonSchema`. @defaultValue 'openapi'
   */
  readonly toolSchemas?: 'openapi' | 'json-schema';
}

/**
 * Gemini-specific data kept on tool-call and reasoning parts so it round-trips, under `providerMetadata.gemini`.
 *
 * @example
 * ```ts
 * // A signature Gemini sent on an empty text part, kept on an empty reasoning part:
 * const meta: GeminiPartMetadata = { thoughtSignature: 'CiQB…', signatureOn: 'empty-text' };
 * ```
 */
export interface GeminiPartMetadata {
  /** The thought signature Gemini attached to the part; it must be sent back with it. */
  thoughtSignature?: string;
  /** Set when Gemini gave the call no id and icode made one up, so it is not sent back as Gemini's. */
  syntheticId?: boolean;
  /**
   * On an empty reasoning part that only carries a signature Gemini put on a text part (no thought):
   * `'empty-text'` when that part had no text (sent back as such a part, where it was), `'text'` when it
   * ended the text just before (sent back on that text).
   */
  signatureOn?: 'empty-text' | 'text';
}

/** The `providerMetadata.gemini` of a part, when it has one. */
export function geminiMetadata(providerMetadata: Record<string, JsonValue> | undefined): GeminiPartMetadata {
  const value = providerMetadata?.gemini;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: GeminiPartMetadata = {};
  if (typeof value.thoughtSignature === 'string') out.thoughtSignature = value.thoughtSignature;
  if (value.syntheticId === true) out.syntheticId = true;
  if (value.signatureOn === 'empty-text' || value.signatureOn === 'text') out.signatureOn = value.signatureOn;
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

/**
 * What a reasoning part sends back: a signed thought, or a signature on the text part it came on (set on
 * `previous` when that is the text, else as a new empty text part). Gemini needs its thought signatures
 * back, not its thought summaries; unsigned reasoning (or another provider's, whose `signature` means
 * nothing to Gemini) stays out of the request.
 */
function signedPart(part: ReasoningPart, previous: GeminiPart | undefined): GeminiPart | undefined {
  const meta = geminiMetadata(part.providerMetadata);
  const signature = meta.thoughtSignature;
  if (signature === undefined) return undefined;
  if (meta.signatureOn === undefined) return { text: part.text, thought: true, thoughtSignature: signature };
  const onPrevious =
    meta.signatureOn === 'text' &&
    previous?.text !== undefined &&
    previous.thought !== true &&
    previous.thoughtSignature === undefined;
  if (!onPrevious) return { text: '', thoughtSignature: signature };
  previous.thoughtSignature = signature;
  return undefined;
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
        const signed = signedPart(part, parts.at(-1));
        if (signed) parts.push(signed);
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
 * The placeholder Gemini documents for a function call whose thought signature is unknown (a history from
 * another model, or a signature that was not stored): it skips the check instead of failing the request.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/** Whether a content is a turn the user wrote (not only function responses): where a Gemini "turn" starts. */
function isUserTurn(content: GeminiContent): boolean {
  return content.role === 'user' && content.parts.some((part) => part.functionResponse === undefined);
}

/**
 * Gives the first function call of each step of the current turn (the model turns after the last turn the
 * user wrote), where Gemini 3 checks signatures, the {@link SKIP_SIGNATURE} placeholder when it has none.
 */
function fillMissingSignatures(contents: GeminiContent[]): void {
  let start = contents.length - 1;
  while (start >= 0 && !isUserTurn(contents[start]!)) start -= 1;
  for (const content of contents.slice(start + 1)) {
    if (content.role !== 'model') continue;
    const first = content.parts.find((part) => part.functionCall !== undefined);
    if (first !== undefined && first.thoughtSignature === undefined) first.thoughtSignature = SKIP_SIGNATURE;
  }
}

/** Options of {@link toGeminiContents}. */
export interface GeminiContentsOptions {
  /** Give unsigned function calls of the current turn the placeholder signature (models that check them). */
  readonly placeholderSignatures?: boolean;
}

/**
 * The conversation as Gemini `contents`: every tool call paired with its result first (an interrupted run
 * leaves calls without results, which Gemini refuses), assistant turns become `model` turns, tool results
 * `user` turns of `functionResponse` parts, and consecutive messages of one role are merged into one turn.
 */
export function toGeminiContents(history: readonly Message[], options: GeminiContentsOptions = {}): GeminiContent[] {
  const messages = pairToolResults(history);
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
  if (options.placeholderSignatures === true) fillMissingSignatures(contents);
  return contents;
}

function declarationOf(tool: ModelTool, schemas: 'openapi' | 'json-schema'): { [key: string]: JsonValue } {
  const declaration: { [key: string]: JsonValue } = { name: tool.name, description: tool.description };
  if (schemas === 'openapi') {
    const { schema, exact } = convertGeminiSchema(tool.inputSchema);
    if (exact) {
      // A function without parameters is declared without `parameters`: Gemini rejects an empty OBJECT.
      if (schema.properties !== undefined) declaration.parameters = schema;
      return declaration;
    }
  }
  // JSON Schema as it is, which Gemini reads whole: fields of any type and free-form objects included.
  const { $schema: _dialect, ...jsonSchema } = tool.inputSchema;
  declaration.parametersJsonSchema = jsonSchema;
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
 * The `config` of a `generateContentStream` call: system instruction, tools, tool choice, structured output
 * (`responseMimeType: 'application/json'` and `responseJsonSchema`), generation settings and thinking, with
 * `providerOptions.gemini` merged over them.
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
  if (request.output !== undefined) {
    // JSON Schema as it is (Gemini 2.5 and later read it whole), rather than the OpenAPI subset of
    // `responseSchema`, which cannot say `additionalProperties` or `$ref`.
    const { $schema: _dialect, ...schema } = request.output.schema;
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = schema;
  }
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  const thinkingConfig = thinkingConfigOf(settings.thinking);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  const extra = request.providerOptions?.gemini;
  if (extra) Object.assign(config, extra);
  return config;
}

/**
 * How a request gets its structured output on Gemini: natively (`responseJsonSchema`), except on a model
 * before Gemini 3 that may call tools on this call, which refuses JSON output together with function
 * calling: there the output becomes a forced final tool (`toolName`), whose input comes back as text.
 *
 * @example
 * ```ts
 * planGeminiOutput(request, 2); // { request: <with the output tool>, toolName: 'verdict' } when tools are offered
 * ```
 */
export function planGeminiOutput(
  request: ModelRequest,
  generation: number | undefined,
): { request: ModelRequest; toolName?: string } {
  const output = request.output;
  const mayCallTools = request.tools.length > 0 && request.toolChoice !== 'none';
  if (output === undefined || !mayCallTools || generation === undefined || generation >= 3) return { request };
  return { request: withOutputTool('gemini', request), toolName: output.name };
}
