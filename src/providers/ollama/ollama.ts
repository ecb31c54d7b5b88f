/**
 * The Ollama provider: a `LanguageModel` over the official `ollama` SDK (`/api/chat`, streamed NDJSON).
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { abortReason } from '../../internal/abort.js';
import { withIdleTimeout } from '../../internal/idle-timeout.js';
import type {
  LanguageModel,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
} from '../../model/language-model.js';
import { priceOf } from '../shared/pricing.js';
import { toOllamaError } from './ollama-errors.js';
import { callFetch, type OllamaExchange } from './ollama-fetch.js';
import { toOllamaChatBody, type OllamaRequestSettings } from './ollama-request.js';
import { OllamaStreamParser, type OllamaChunk } from './ollama-stream.js';

/** Default request timeout, as the other official SDKs have (10 minutes). */
const DEFAULT_TIMEOUT_MS = 600_000;
/** Default stall timeout: long enough for a model that thinks before its first token. */
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/**
 * Settings of {@link ollama}.
 *
 * @example
 * ```ts
 * const settings: OllamaSettings = { model: 'qwen3:8b', host: 'http://gpu-box:11434', think: true, contextWindow: 40_960 };
 * ```
 */
export interface OllamaSettings extends OllamaRequestSettings {
  /** Model name, for example `qwen3:8b`. */
  readonly model: string;
  /** The Ollama server. @defaultValue `process.env.OLLAMA_HOST`, then `http://127.0.0.1:11434` */
  readonly host?: string;
  /** Extra headers on every request (for example `Authorization` for a hosted or proxied Ollama). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Retries of a failed call, done by the agent loop. @defaultValue 2 */
  readonly maxRetries?: number;
  /** Time allowed until the response headers arrive (model loading included), in ms; `0` waits for ever. @defaultValue 600000 (10 minutes) */
  readonly timeoutMs?: number;
  /**
   * Time allowed between two stream lines before the call fails with a `timeout` error, in ms; `0` waits
   * for ever. @defaultValue 300000
   */
  readonly idleTimeoutMs?: number;
  /** Cap on any retry delay, including one the server asks for. @defaultValue 60000 */
  readonly maxRetryDelayMs?: number;
  /** Prices per million tokens. @defaultValue free: local models cost nothing */
  readonly pricing?: ModelPricing;
  /** Context window in tokens (the `num_ctx` the model runs with), for compaction. */
  readonly contextWindow?: number;
}

// The browser build: the same client without Node's `encodeImage`, which reads any image string that
// happens to name an existing file from disk and would send that file to the server.
type OllamaModule = typeof import('ollama/browser');

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

async function loadSdk(): Promise<OllamaModule> {
  try {
    return await import('ollama/browser');
  } catch (cause) {
    const missing = isModuleNotFound(cause);
    throw new ConfigError(
      missing
        ? 'The ollama provider needs the "ollama" package: npm install ollama'
        : `The ollama provider could not load "ollama": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * The host split from any credentials in it: fetch refuses a URL with `user:password@`, so they travel as
 * a Basic `Authorization` header instead (what a reverse proxy in front of Ollama expects).
 */
function splitHost(host: string): { host: string; authorization?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `http://${host}`);
  } catch {
    return { host };
  }
  if (url.username === '' && url.password === '') return { host };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { host: url.toString().replace(/\/$/, ''), authorization: `Basic ${btoa(`${user}:${password}`)}`, password };
}

/**
 * An Ollama model, over the `ollama` SDK (an optional peer dependency, loaded on the first call).
 *
 * Retries are the agent loop's (`model.retry`): the SDK has none, and Ollama gets the same policy as every
 * provider. Failures are classified `ProviderError`s (`model-not-found` for a model not pulled, `network`
 * when nothing listens at the host, `server` for an error line mid-stream); a stream without its
 * `done: true` line fails as `network`, never as a clean finish.
 *
 * @example
 * ```ts
 * import { createAgent } from 'icode';
 * import { ollama } from 'icode/providers/ollama';
 *
 * const agent = createAgent({ provider: ollama({ model: 'qwen3:8b' }) });
 * ```
 */
export function ollama(settings: OllamaSettings): LanguageModel {
  if (typeof settings.model !== 'string' || settings.model === '') {
    throw new ConfigError('ollama(): "model" is required, for example ollama({ model: "qwen3:8b" }).');
  }
  const env = typeof process === 'undefined' ? undefined : process.env;
  const target = splitHost(settings.host ?? (env?.OLLAMA_HOST || 'http://127.0.0.1:11434'));
  const host = target.host;
  const headers: Record<string, string> = {
    ...(target.authorization !== undefined ? { Authorization: target.authorization } : {}),
    ...settings.headers,
  };
  const secrets = [
    ...Object.values(headers),
    ...Object.values(headers).map((v) => v.replace(/^\S+\s+/, '')),
    target.password,
    env?.OLLAMA_API_KEY,
  ];

  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  async function* stream(request: ModelRequest, options?: ModelCallOptions): AsyncGenerator<ModelStreamPart> {
    const userSignal = options?.signal;
    if (userSignal?.aborted) throw abortReason(userSignal);
    const sdk = await loadSdk();

    // One controller cancels the HTTP request for every reason: the caller's abort, the request timeout,
    // a stall, or the consumer leaving the loop early.
    const request$ = new AbortController();
    const signal = userSignal ? AbortSignal.any([userSignal, request$.signal]) : request$.signal;
    const exchange: OllamaExchange = {};
    // A client per call: cheap (it only formats the host), and its fetch carries this call's signal.
    const client = new sdk.Ollama({
      host,
      fetch: callFetch(signal, exchange),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    });
    let timedOut = false;
    const fail = (error: unknown): unknown => {
      if (userSignal?.aborted) return abortReason(userSignal);
      if (error instanceof ProviderError) return error;
      if (timedOut) {
        return new ProviderError({
          kind: 'timeout',
          provider: 'ollama',
          message: `ollama: no response within ${timeoutMs} ms`,
        });
      }
      if (request$.signal.reason instanceof ProviderError) return request$.signal.reason;
      return toOllamaError(error, host, exchange, secrets);
    };

    try {
      const body = await toOllamaChatBody(settings.model, request, settings, signal);
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              request$.abort();
            }, timeoutMs)
          : undefined;
      let lines: AsyncIterable<OllamaChunk>;
      try {
        lines = (await client.chat(body as never)) as AsyncIterable<OllamaChunk>;
      } finally {
        clearTimeout(timer);
      }
      // Ids for calls that came without one: `call_<index>_<random>`, unique across the session.
      const suffix = crypto.randomUUID().slice(0, 8);
      const parser = new OllamaStreamParser((index) => `call_${index}_${suffix}`);
      const idle = (): Error => {
        const error = new ProviderError({
          kind: 'timeout',
          provider: 'ollama',
          message: `ollama: the stream stalled for ${idleTimeoutMs} ms`,
        });
        request$.abort(error);
        return error;
      };
      for await (const line of withIdleTimeout(lines, idleTimeoutMs, idle)) yield* parser.push(line);
      yield* parser.end();
    } catch (error) {
      throw fail(error);
    } finally {
      request$.abort();
    }
  }

  const pricing = priceOf('ollama', settings.model, settings.pricing);
  return {
    specificationVersion: 'v1',
    provider: 'ollama',
    modelId: settings.model,
    retry: {
      maxRetries: settings.maxRetries ?? 2,
      ...(settings.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: settings.maxRetryDelayMs } : {}),
    },
    ...(pricing !== undefined ? { pricing } : {}),
    ...(settings.contextWindow !== undefined ? { contextWindow: settings.contextWindow } : {}),
    stream,
  };
}
