/**
 * Gemini `streamGenerateContent` chunks → `ModelStreamPart`s.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import type { FinishReason, ModelStreamPart } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { objectToolInput } from '../shared/tool-input.js';
import type { Usage } from '../../model/usage.js';
import type { GeminiPart, GeminiPartMetadata } from './gemini-request.js';

/** Gemini's token counts, as `usageMetadata` reports them. */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/** One streamed `GenerateContentResponse`, reduced to what icode reads. */
export interface GeminiChunk {
  candidates?: { content?: { parts?: GeminiPart[] }; finishReason?: string; finishMessage?: string }[];
  usageMetadata?: GeminiUsageMetadata;
  promptFeedback?: { blockReason?: string };
}

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
const ERROR = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/** Maps Gemini's `finishReason`; a `STOP` after function calls is `tool-calls`. */
export function mapGeminiFinishReason(reason: string, hasToolCalls: boolean): FinishReason {
  if (reason === 'STOP') return hasToolCalls ? 'tool-calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(reason)) return 'content-filter';
  if (ERROR.has(reason)) return 'error';
  return 'other';
}

/**
 * Gemini usage → icode usage. `promptTokenCount` already includes the cached tokens (reported again as
 * `cacheReadTokens`) and tool-use prompt tokens are input too. `candidatesTokenCount` leaves the thinking
 * tokens out, yet they are billed as output: they are added to it, and reported again as `reasoningTokens`.
 */
export function mapGeminiUsage(usage: GeminiUsageMetadata): Usage {
  const out: Usage = {
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
  };
  if (usage.cachedContentTokenCount !== undefined) out.cacheReadTokens = usage.cachedContentTokenCount;
  if (usage.thoughtsTokenCount !== undefined) out.reasoningTokens = usage.thoughtsTokenCount;
  return out;
}

function metadata(meta: GeminiPartMetadata): { providerMetadata?: Record<string, JsonValue> } {
  const gemini: { [key: string]: JsonValue } = {};
  if (meta.thoughtSignature !== undefined) gemini.thoughtSignature = meta.thoughtSignature;
  if (meta.syntheticId) gemini.syntheticId = true;
  if (meta.signatureOn !== undefined) gemini.signatureOn = meta.signatureOn;
  return Object.keys(gemini).length > 0 ? { providerMetadata: { gemini } } : {};
}

/**
 * Turns a Gemini stream into parts. Text and thoughts stream as they come; function calls, which Gemini
 * sends whole, are held until the terminal chunk so a stream cut short never yields a call that could run.
 *
 * A thought signature on a text part (Gemini 3 signs the last part of an answer, often an empty text part in
 * the final chunk) becomes an empty `reasoning` part that carries it, so it is stored and sent back where
 * it came; one arriving after a held call is held behind it, to keep the order.
 */
export class GeminiStreamParser {
  /**
   * @param callId - Makes the id of the `index`th call Gemini sent without one. The adapter makes them
   *   unique across the session (a conversation replayed on another provider must not repeat an id).
   */
  constructor(private readonly callId: (index: number) => string = (index) => `call_${index}`) {}

  private reasoningText = '';
  private reasoningSignature: string | undefined;
  private inReasoning = false;
  private toolCalls = 0;
  /** The tool calls and, after the first one, the signature carriers: yielded in order at the end. */
  private readonly held: ModelStreamPart[] = [];
  private usage: GeminiUsageMetadata | undefined;
  private finishReason: string | undefined;

  /** The parts one chunk produces. */
  *push(chunk: GeminiChunk): Generator<ModelStreamPart> {
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    if (chunk.promptFeedback?.blockReason) this.finishReason ??= 'SAFETY';
    const candidate = chunk.candidates?.[0];
    if (!candidate) return;
    for (const part of candidate.content?.parts ?? []) {
      if (part.thought === true) {
        this.inReasoning = true;
        if (part.thoughtSignature !== undefined) this.reasoningSignature = part.thoughtSignature;
        if (part.text) {
          this.reasoningText += part.text;
          yield { type: 'reasoning-delta', text: part.text };
        }
        continue;
      }
      yield* this.closeReasoning();
      if (part.functionCall) {
        const { id, name, args } = part.functionCall;
        const synthetic = id === undefined || id === '';
        this.held.push({
          type: 'tool-call',
          id: synthetic ? this.callId(this.toolCalls) : id,
          name: name ?? '',
          input: objectToolInput(args),
          ...metadata({
            ...(part.thoughtSignature !== undefined ? { thoughtSignature: part.thoughtSignature } : {}),
            syntheticId: synthetic,
          }),
        });
        this.toolCalls += 1;
        continue;
      }
      if (part.text) yield { type: 'text-delta', text: part.text };
      if (part.thoughtSignature !== undefined && part.text !== undefined) {
        const carrier: ModelStreamPart = {
          type: 'reasoning',
          text: '',
          ...metadata({ thoughtSignature: part.thoughtSignature, signatureOn: part.text ? 'text' : 'empty-text' }),
        };
        if (this.held.length > 0) this.held.push(carrier);
        else yield carrier;
      }
    }
    if (candidate.finishReason !== undefined) this.finishReason = candidate.finishReason;
  }

  /**
   * The closing parts: the held tool calls, usage and `finish`. Throws a retryable `network`
   * {@link ProviderError} when no chunk carried a `finishReason`: the stream was cut short.
   */
  *end(): Generator<ModelStreamPart> {
    if (this.finishReason === undefined) {
      throw new ProviderError({
        kind: 'network',
        provider: 'gemini',
        message: 'gemini: stream ended before a finish reason (the response was cut short)',
      });
    }
    yield* this.closeReasoning();
    yield* this.held;
    if (this.usage) yield { type: 'usage', usage: mapGeminiUsage(this.usage) };
    yield { type: 'finish', reason: mapGeminiFinishReason(this.finishReason, this.toolCalls > 0) };
  }

  private *closeReasoning(): Generator<ModelStreamPart> {
    if (!this.inReasoning) return;
    const signature = this.reasoningSignature;
    yield {
      type: 'reasoning',
      text: this.reasoningText,
      ...metadata(signature !== undefined ? { thoughtSignature: signature } : {}),
    };
    this.inReasoning = false;
    this.reasoningText = '';
    this.reasoningSignature = undefined;
  }
}
