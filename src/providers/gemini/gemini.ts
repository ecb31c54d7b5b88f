/**
 * The Gemini provider: a `LanguageModel` over the official `@google/genai` SDK (Gemini Developer API,
 * `models.generateContentStream`).
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { abortReason, isAbortError } from '../../internal/abort.js';
import { withIdleTimeout } from '../../internal/idle-timeout.js';
import { contextWindowOf, priceOf } from '../shared/pricing.js';
import type {
  LanguageModel,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
} from '../../model/language-model.js';
import { toGeminiError, type GeminiResponseInfo } from './gemini-errors.js';
import { toGeminiConfig, toGeminiContents, type GeminiRequestSettings } from './gemini-request.js';
import { GeminiStreamParser, type GeminiChunk } from './gemini-stream.js';
import { untimedInit } from '../shared/untimed-dispatcher.js';

/** Default request timeout, as the other official SDKs have (10 minutes). */
const DEFAULT_TIMEOUT_MS = 600_000;
/** Default stall timeout: long enough for a model that thinks before its first token. */
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/**
 * Settings of {@link gemini}.
 *
 * @example
 * ```ts
 * const settings: GeminiSettings = { model: 'gemini-2.5-flash', thinking: { budgetTokens: 1024 }, idleTimeoutMs: 60_000 };
 * ```
 */
export interface GeminiSettings extends GeminiRequestSettings {
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
  /** Retries of a failed call, done by the agent loop. @defaultValue 2 */
  readonly maxRetries?: number;
  /** Time allowed until the response headers arrive, in ms; `0` waits for ever. @defaultValue 600000 (10 minutes) */
  readonly timeoutMs?: number;
  /**
   * Time allowed between two stream chunks before the call fails with a `timeout` error, in ms; `0` waits
   * for ever. @defaultValue 300000
   */
  readonly idleTimeoutMs?: number;
  /** Cap on any retry delay, including one the server asks for. @defaultValue 60000 */
  readonly maxRetryDelayMs?: number;
  /** Prices per million tokens, for `result.cost`. @defaultValue icode's price table for the model, where known */
  readonly pricing?: ModelPricing;
  /** Context window in tokens, for compaction. @defaultValue icode's table for the model, where known */
  readonly contextWindow?: number;
}

type GenAiModule = typeof import('@google/genai');
type GenAiClient = InstanceType<GenAiModule['GoogleGenAI']>;

/** Whether an import failed because the package is not installed (Node's code, or a bundler's message). */
function isModuleNotFound(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
    if (typeof message === 'string' && /cannot find (package|module)/i.test(message)) return true;
    e = cause;
  }
  return false;
}

async function loadSdk(): Promise<GenAiModule> {
  try {
    return await import('@google/genai');
  } catch (cause) {
    const missing = isModuleNotFound(cause);
    throw new ConfigError(
      missing
        ? 'The gemini provider needs the "@google/genai" package: npm install @google/genai'
        : `The gemini provider could not load "@google/genai": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

function envKey(): string | undefined {
  const env = typeof process === 'undefined' ? undefined : process.env;
  return env?.GEMINI_API_KEY || env?.GOOGLE_API_KEY || undefined;
}

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
  const apiKey = settings.apiKey ?? envKey();
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

  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  async function* stream(request: ModelRequest, options?: ModelCallOptions): AsyncGenerator<ModelStreamPart> {
    if (apiKey === undefined) {
      throw new ConfigError('gemini(): no API key. Pass apiKey, or set GEMINI_API_KEY (or GOOGLE_API_KEY).');
    }
    const userSignal = options?.signal;
    if (userSignal?.aborted) throw abortReason(userSignal);
    const genai = await getClient();

    // One controller cancels the HTTP request for every reason: the caller's abort, the request timeout,
    // a stall, or the consumer leaving the loop early.
    const request$ = new AbortController();
    const signal = userSignal ? AbortSignal.any([userSignal, request$.signal]) : request$.signal;
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            request$.abort();
          }, timeoutMs)
        : undefined;

    let response: GeminiResponseInfo | undefined;
    // The SDK's ApiError drops the headers (retry-after, request ids): a fetch wrapper keeps them. With a
    // custom fetch the SDK no longer lifts undici's 300 s timeouts, so the wrapper does.
    const fetchAndRecord: typeof fetch = async (input, init) => {
      const res = await fetch(input, { ...init, ...untimedInit() } as RequestInit);
      response = { status: res.status, headers: res.headers };
      return res;
    };

    const fail = (error: unknown): unknown => {
      if (userSignal?.aborted) return abortReason(userSignal);
      if (error instanceof ProviderError) return error;
      if (timedOut) {
        return new ProviderError({
          kind: 'timeout',
          provider: 'gemini',
          message: `gemini: no response within ${timeoutMs} ms`,
        });
      }
      if (isAbortError(error) && request$.signal.reason instanceof ProviderError) return request$.signal.reason;
      return toGeminiError(error, apiKey, response);
    };

    try {
      let chunks: AsyncIterable<GeminiChunk>;
      try {
        chunks = (await genai.models.generateContentStream({
          model: settings.model,
          contents: toGeminiContents(request.messages) as never,
          config: {
            ...toGeminiConfig(request, settings),
            abortSignal: signal,
            httpOptions: { fetch: fetchAndRecord },
          } as never,
        })) as AsyncIterable<GeminiChunk>;
      } finally {
        clearTimeout(timer);
      }
      // Ids for calls that came without one: `call_<index>_<random>`, unique across the session.
      const suffix = crypto.randomUUID().slice(0, 8);
      const parser = new GeminiStreamParser((index) => `call_${index}_${suffix}`);
      const idle = (): Error => {
        const error = new ProviderError({
          kind: 'timeout',
          provider: 'gemini',
          message: `gemini: the stream stalled for ${idleTimeoutMs} ms`,
        });
        request$.abort(error);
        return error;
      };
      for await (const chunk of withIdleTimeout(chunks, idleTimeoutMs, idle)) yield* parser.push(chunk);
      yield* parser.end();
    } catch (error) {
      throw fail(error);
    } finally {
      request$.abort();
    }
  }

  const pricing = priceOf('gemini', settings.model, settings.pricing);
  const contextWindow = settings.contextWindow ?? contextWindowOf('gemini', settings.model);
  return {
    specificationVersion: 'v1',
    provider: 'gemini',
    modelId: settings.model,
    retry: {
      maxRetries: settings.maxRetries ?? 2,
      ...(settings.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: settings.maxRetryDelayMs } : {}),
    },
    ...(pricing !== undefined ? { pricing } : {}),
    ...(contextWindow !== undefined ? { contextWindow } : {}),
    stream,
  };
}
