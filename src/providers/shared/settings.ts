/**
 * Settings every provider adapter takes, and the model fields derived from them.
 *
 * @packageDocumentation
 */
import type { ModelPricing, RetryPolicy } from '../../model/language-model.js';
import { contextWindowOf, priceOf } from './pricing.js';

/**
 * Settings shared by the Anthropic and OpenAI adapters.
 *
 * @example
 * ```ts
 * const settings: CommonProviderSettings = { maxRetries: 4, timeoutMs: 120_000, idleTimeoutMs: 60_000 };
 * ```
 */
export interface CommonProviderSettings {
  /** The API key; defaults from the provider's environment variable. Never appears in an error. */
  readonly apiKey?: string;
  /** Another endpoint: a proxy, a gateway, a compatible server, a mock wire server. */
  readonly baseURL?: string;
  /** Retries the agent makes after a retryable failure (the SDK itself never retries). @defaultValue 2 */
  readonly maxRetries?: number;
  /** Cap on any retry delay, including a server's `retry-after`. @defaultValue 60000 */
  readonly maxRetryDelayMs?: number;
  /** Timeout of one HTTP request, in ms. @defaultValue the SDK's (10 minutes) */
  readonly timeoutMs?: number;
  /**
   * How long a stream may send nothing before the call fails with a `timeout` error, in ms. The official
   * SDKs have nothing for a stream that stalls after its headers. `0` disables it.
   * @defaultValue 300000
   */
  readonly idleTimeoutMs?: number;
  /** Extra HTTP headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Prices per million tokens, instead of the built-in table (for `result.cost`). */
  readonly pricing?: ModelPricing;
  /** Context window in tokens, instead of the built-in table. */
  readonly contextWindow?: number;
}

/** Default stall timeout: long enough for a reasoning model that thinks before its first token. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** Default request timeout of the adapters that time their own calls, as the official SDKs have (10 minutes). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;

/**
 * Retry and timeout settings of the adapters that time their own HTTP calls (Gemini, Ollama).
 *
 * @example
 * ```ts
 * const settings: TimedProviderSettings = { maxRetries: 4, timeoutMs: 120_000, idleTimeoutMs: 60_000 };
 * ```
 */
export interface TimedProviderSettings {
  /** Retries of a failed call, done by the agent loop. @defaultValue 2 */
  readonly maxRetries?: number;
  /**
   * Time allowed until the response headers arrive (a local model's loading included), in ms; `0` waits for
   * ever. @defaultValue 600000 (10 minutes)
   */
  readonly timeoutMs?: number;
  /**
   * Time allowed between two stream chunks (lines, for NDJSON) before the call fails with a `timeout` error,
   * in ms; `0` waits for ever. @defaultValue 300000
   */
  readonly idleTimeoutMs?: number;
  /** Cap on any retry delay, including one the server asks for. @defaultValue 60000 */
  readonly maxRetryDelayMs?: number;
}

/** The `retry`, `pricing` and `contextWindow` fields of a model, from its settings and the price table. */
export function modelFields(
  provider: string,
  modelId: string,
  settings: CommonProviderSettings,
): { retry: RetryPolicy; pricing?: ModelPricing; contextWindow?: number } {
  const pricing = priceOf(provider, modelId, settings.pricing);
  const contextWindow = settings.contextWindow ?? contextWindowOf(provider, modelId);
  return {
    retry: {
      maxRetries: settings.maxRetries ?? 2,
      ...(settings.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: settings.maxRetryDelayMs } : {}),
    },
    ...(pricing ? { pricing } : {}),
    ...(contextWindow !== undefined ? { contextWindow } : {}),
  };
}
