/**
 * The Ollama provider: a `LanguageModel` over the official `ollama` SDK (`/api/chat`, streamed NDJSON).
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
import { toOllamaError } from './ollama-errors.js';
import { callFetch, type OllamaExchange } from './ollama-fetch.js';
import { checkOllamaFiles, toOllamaChatBody, type OllamaRequestSettings } from './ollama-request.js';
import { checkOllamaSettings, hostUrl } from './ollama-settings.js';
import { OllamaStreamParser, type OllamaChunk } from './ollama-stream.js';

/**
 * Settings of {@link ollama}.
 *
 * @example
 * ```ts
 * const settings: OllamaSettings = { model: 'qwen3:8b', host: 'http://gpu-box:11434', think: true, contextWindow: 40_960 };
 * ```
 */
export interface OllamaSettings extends OllamaRequestSettings, TimedProviderSettings {
  /** Model name, for example `qwen3:8b`. */
  readonly model: string;
  /** The Ollama server. @defaultValue `process.env.OLLAMA_HOST`, then `http://127.0.0.1:11434` */
  readonly host?: string;
  /** Extra headers on every request (for example `Authorization` for a hosted or proxied Ollama). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Prices per million tokens. @defaultValue free: local models cost nothing */
  readonly pricing?: ModelPricing;
  /** Context window in tokens (the `num_ctx` the model runs with), for compaction. */
  readonly contextWindow?: number;
}

// The browser build: the same client without Node's `encodeImage`, which reads any image string that
// happens to name an existing file from disk and would send that file to the server.
const loadSdk = lazySdk('ollama', () => import('ollama/browser'), 'ollama');

/**
 * The host split from any credentials in it: fetch refuses a URL with `user:password@`, so they travel as
 * a Basic `Authorization` header instead (what a reverse proxy in front of Ollama expects).
 */
function splitHost(host: string): { host: string; authorization?: string; password?: string } {
  const url = hostUrl(host);
  if (url === undefined) return { host };
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
  const fields = modelFields('ollama', settings.model, settings);
  checkOllamaSettings(settings);
  const target = splitHost(settings.host ?? envVar('OLLAMA_HOST') ?? 'http://127.0.0.1:11434');
  const host = target.host;
  const headers: Record<string, string> = {
    ...(target.authorization !== undefined ? { Authorization: target.authorization } : {}),
    ...settings.headers,
  };
  const secrets = [
    ...Object.values(headers),
    ...Object.values(headers).map((v) => v.replace(/^\S+\s+/, '')),
    target.password,
    envVar('OLLAMA_API_KEY'),
  ];

  const timeoutMs = settings.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  async function* stream(request: ModelRequest, options?: ModelCallOptions): AsyncGenerator<ModelStreamPart> {
    if (options?.signal?.aborted) throw abortReason(options.signal);
    checkOllamaFiles(request.messages);
    const sdk = await loadSdk();
    const exchange: OllamaExchange = {};
    yield* timedStream({
      provider: 'ollama',
      target: hostUrl(host)?.href ?? host,
      signal: options?.signal,
      timeoutMs,
      idleTimeoutMs,
      open: async (signal, timed) => {
        // A client per call: cheap (it only formats the host), and its fetch carries this call's signal.
        const client = new sdk.Ollama({
          host,
          fetch: callFetch(signal, exchange),
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
        });
        const body = await toOllamaChatBody(settings.model, request, settings, signal);
        return timed(async () => (await client.chat(body as never)) as AsyncIterable<OllamaChunk>);
      },
      parser: (callId) => new OllamaStreamParser(callId),
      classify: (error) => toOllamaError(error, host, exchange, secrets),
    });
  }

  return {
    specificationVersion: 'v1',
    provider: 'ollama',
    modelId: settings.model,
    ...fields,
    stream,
  };
}
