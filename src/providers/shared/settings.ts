/**
 * Settings every provider adapter takes, and the model fields derived from them.
 *
 * @packageDocumentation
 */
import type { ModelPricing, RetryPolicy } from '../../model/language-model.js';
import { ConfigError } from '../../errors/config-error.js';
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

/** Settings every factory checks at construction, whichever family it belongs to. */
type CheckedSettings = CommonProviderSettings & TimedProviderSettings;

const COUNT_SETTINGS = ['maxRetries', 'contextWindow'] as const;
const DURATION_SETTINGS = ['maxRetryDelayMs', 'timeoutMs', 'idleTimeoutMs'] as const;

/**
 * Throws a {@link ConfigError} for a setting that would only fail later, at the first call and with a
 * misleading message: an empty model id, a timeout that is not a number, a negative retry count.
 */
function checkSettings(provider: string, modelId: unknown, settings: CheckedSettings): void {
  if (typeof modelId !== 'string' || modelId.trim() === '') {
    throw new ConfigError(`${provider}: \`model\` must be a non-empty model id, got ${JSON.stringify(modelId)}.`);
  }
  for (const key of COUNT_SETTINGS) {
    const value: unknown = settings[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new ConfigError(`${provider}: \`${key}\` must be a whole number ≥ 0, got ${JSON.stringify(value)}.`);
    }
  }
  for (const key of DURATION_SETTINGS) {
    const value: unknown = settings[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new ConfigError(
        `${provider}: \`${key}\` must be a number of milliseconds ≥ 0, got ${JSON.stringify(value)}.`,
      );
    }
  }
  const headers: unknown = settings.headers;
  if (headers !== undefined) {
    const valid =
      typeof headers === 'object' &&
      headers !== null &&
      Object.values(headers).every((value) => typeof value === 'string');
    if (!valid) throw new ConfigError(`${provider}: \`headers\` must be an object of strings.`);
  }
}

/**
 * The `retry`, `pricing` and `contextWindow` fields of a model, from its settings and the price table.
 * Every provider factory calls it first, so it also checks the settings all of them share: a bad one is a
 * {@link ConfigError} at construction.
 */
export function modelFields(
  provider: string,
  modelId: string,
  settings: CheckedSettings,
): { retry: RetryPolicy; pricing?: ModelPricing; contextWindow?: number } {
  checkSettings(provider, modelId, settings);
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
