/**
 * The Gemini provider: a `LanguageModel` over the official `@google/genai` SDK (Gemini Developer API,
 * `models.generateContentStream`).
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { abortReason } from '../../internal/abort.js';
import type {
  LanguageModel,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
} from '../../model/language-model.js';
import { envVar, lazySdk } from '../shared/load-sdk.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  modelFields,
  type TimedProviderSettings,
} from '../shared/settings.js';
import { timedStream } from '../shared/timed-stream.js';
import { untimedInit } from '../shared/untimed-dispatcher.js';
import { outputToolAsText } from '../shared/output-tool.js';
import { toGeminiError, type GeminiResponseInfo } from './gemini-errors.js';
import { planGeminiOutput, toGeminiConfig, toGeminiContents, type GeminiRequestSettings } from './gemini-request.js';
import { checkGeminiSettings, geminiGeneration } from './gemini-settings.js';
import { GeminiStreamParser, type GeminiChunk } from './gemini-stream.js';

/**
 * Settings of {@link gemini}.
 *
 * @example
 * ```ts
 * const settings: GeminiSettings = { model: 'gemini-2.5-flash', thinking: { budgetTokens: 1024 }, idleTimeoutMs: 60_000 };
 * ```
 */
export interface GeminiSettings extends GeminiRequestSettings, TimedProviderSettings {
  /** Model id, for example `gemini-2.5-flash`. */
  readonly model: string;
  /** API key. @defaultValue `process.env.GEMINI_API_KEY`, then `process.env.GOOGLE_API_KEY` */
  readonly apiKey?: string;
  /** Another endpoint speaking the Gemini API (a proxy, a gateway, a mock server). */
  readonly baseURL?: string;
  /** API version path segment. @defaultValue the SDK's (`v1beta`) */
  readonly apiVersion?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Prices per million tokens, for `result.cost`. @defaultValue icode's price table for the model, where known */
  readonly pricing?: ModelPricing;
  /** Context window in tokens, for compaction. @defaultValue icode's table for the model, where known */
  readonly contextWindow?: number;
}

type GenAiModule = typeof import('@google/genai');
type GenAiClient = InstanceType<GenAiModule['GoogleGenAI']>;

const loadSdk = lazySdk('@google/genai', () => import('@google/genai'), 'gemini');

/**
 * A Gemini model, over `@google/genai` (an optional peer dependency, loaded on the first call).
 *
 * Retries are the agent loop's (`model.retry`), so Gemini gets the same policy as every provider: each
 * failure is thrown as a classified `ProviderError` (`rate-limit` with `retryAfterMs` from `RetryInfo` or
 * `retry-after`, `overloaded` for 503, `auth` for a bad key, `model-not-found`, …). A stream that ends
 * without a `finishReason` fails as `network`, never as a clean finish.
 *
 * @example
 * ```ts
 * import { createAgent } from 'icode';
 * import { gemini } from 'icode/providers/gemini';
 *
 * const agent = createAgent({ provider: gemini({ model: 'gemini-2.5-flash' }) });
 * ```
 */
export function gemini(settings: GeminiSettings): LanguageModel {
  if (typeof settings.model !== 'string' || settings.model === '') {
    throw new ConfigError('gemini(): "model" is required, for example gemini({ model: "gemini-2.5-flash" }).');
  }
  const fields = modelFields('gemini', settings.model, settings);
  checkGeminiSettings(settings.model, settings);
  // Gemini 3 refuses a function call of the current turn without its signature; older models never ask.
  const generation = geminiGeneration(settings.model);
  const placeholderSignatures = generation === undefined || generation >= 3;
  const apiKey = settings.apiKey ?? envVar('GEMINI_API_KEY') ?? envVar('GOOGLE_API_KEY');
  let client: Promise<GenAiClient> | undefined;

  const getClient = (): Promise<GenAiClient> => {
    client ??= loadSdk().then(
      (sdk) =>
        new sdk.GoogleGenAI({
          apiKey: apiKey!,
          httpOptions: {
            ...(settings.baseURL !== undefined ? { baseUrl: settings.baseURL } : {}),
            ...(settings.apiVersion !== undefined ? { apiVersion: settings.apiVersion } : {}),
            ...(settings.headers !== undefined ? { headers: { ...settings.headers } } : {}),
          },
        }),
    );
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const timeoutMs = settings.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  async function* stream(request: ModelRequest, options?: ModelCallOptions): AsyncGenerator<ModelStreamPart> {
    if (apiKey === undefined) {
      throw new ConfigError('gemini(): no API key. Pass apiKey, or set GEMINI_API_KEY (or GOOGLE_API_KEY).');
    }
    if (options?.signal?.aborted) throw abortReason(options.signal);
    const genai = await getClient();
    const plan = planGeminiOutput(request, generation);

    let response: GeminiResponseInfo | undefined;
    // The SDK's ApiError drops the headers (retry-after, request ids): a fetch wrapper keeps them. With a
    // custom fetch the SDK no longer lifts undici's 300 s timeouts, so the wrapper does.
    const fetchAndRecord: typeof fetch = async (input, init) => {
      const res = await fetch(input, { ...init, ...untimedInit() } as RequestInit);
      response = { status: res.status, headers: res.headers };
      return res;
    };
    const parts = timedStream({
      provider: 'gemini',
      target: settings.baseURL ?? envVar('GOOGLE_GEMINI_BASE_URL') ?? 'https://generativelanguage.googleapis.com',
      signal: options?.signal,
      timeoutMs,
      idleTimeoutMs,
      open: (signal, timed) =>
        timed(
          async () =>
            (await genai.models.generateContentStream({
              model: settings.model,
              contents: toGeminiContents(plan.request.messages, { placeholderSignatures }) as never,
              config: {
                ...toGeminiConfig(plan.request, settings),
                abortSignal: signal,
                httpOptions: { fetch: fetchAndRecord },
              } as never,
            })) as AsyncIterable<GeminiChunk>,
        ),
      parser: (callId) => new GeminiStreamParser(callId),
      classify: (error) => toGeminiError(error, apiKey, response),
    });
    yield* plan.toolName === undefined ? parts : outputToolAsText(parts, plan.toolName);
  }

  return {
    specificationVersion: 'v1',
    provider: 'gemini',
    modelId: settings.model,
    ...fields,
    stream,
  };
}
