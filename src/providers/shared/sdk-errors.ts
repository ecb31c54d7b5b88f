/**
 * Turns what the official Anthropic and OpenAI SDKs throw into classified {@link ProviderError}s. Both SDKs
 * come from the same generator, so their error classes share names and fields (`status`, `headers`,
 * `error`), which is all this looks at: no SDK import is needed to classify.
 *
 * @packageDocumentation
 */
import { AgentError } from '../../errors/agent-error.js';
import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.js';
import { abortReason, isAbortError } from '../../internal/abort.js';
import { providerHttpError, redactSecrets, type HeaderSource } from './http-error.js';

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  type?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

/**
 * The kind of an error event inside a 200 stream, from its type or code: Anthropic `overloaded_error`,
 * `rate_limit_error`, `api_error`; OpenAI `server_error`, `rate_limit_exceeded`, `server_is_overloaded`.
 * Unknown types count as `server`: the request was accepted, so the failure is the server's.
 */
export function kindOfStreamError(type: string, message = ''): ProviderErrorKind {
  const text = `${type} ${message}`.toLowerCase();
  if (/overloaded/.test(text)) return 'overloaded';
  if (/rate.?limit/.test(text)) return 'rate-limit';
  if (/insufficient_quota|quota|billing/.test(text)) return 'quota';
  if (/context_length|context.?window|too many tokens/.test(text)) return 'context-length';
  if (/invalid_request|invalid_prompt/.test(text)) return 'invalid-request';
  if (/authentication|invalid_api_key|permission/.test(text)) return 'auth';
  return 'server';
}

function errorTypeOf(error: SdkErrorShape): string {
  const body = error.error;
  if (isObj(body)) {
    const inner = body.error;
    if (isObj(inner) && typeof inner.type === 'string') return inner.type;
    if (typeof body.code === 'string') return body.code;
    if (typeof body.type === 'string') return body.type;
  }
  return typeof error.type === 'string' ? error.type : '';
}

/**
 * The provider's own words for an SDK error: `type: message` from the error body (Anthropic nests it in
 * `error`, OpenAI gives the inner object), else the SDK message without its leading status.
 */
function apiMessageOf(error: SdkErrorShape): string {
  const body = error.error;
  const detail = isObj(body) ? (isObj(body.error) ? body.error : body) : undefined;
  if (detail && typeof detail.message === 'string' && detail.message !== '') {
    const type = errorTypeOf(error);
    return type !== '' ? `${type}: ${detail.message}` : detail.message;
  }
  const message = typeof error.message === 'string' ? error.message : String(error);
  return message.replace(/^\d{3} /, '');
}

/**
 * The SDK class name of an error. The Anthropic SDK sets `name`; the OpenAI SDK leaves it `Error`, so the
 * constructor's name is the fallback.
 */
function sdkNameOf(error: unknown): string {
  if (!isObj(error)) return '';
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && name !== 'Error') return name;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' ? ctor.name : '';
}

/**
 * The error to throw for a failure of an SDK call or of its stream.
 *
 * - An abort is returned as the signal's reason (never wrapped): the caller asked for it.
 * - icode's own errors pass through.
 * - An SDK `APIError` with a status becomes an HTTP error (kind from status and message, `retry-after`,
 *   request id); one without a status is an error event inside the stream.
 * - Connection errors are `network`, SDK timeouts `timeout`; anything else thrown while reading a stream
 *   (a reset socket, an unparsable frame) is `network`.
 *
 * The message never carries the API key.
 */
export function toProviderError(
  provider: string,
  error: unknown,
  secrets: readonly (string | undefined)[],
  signal?: AbortSignal,
): Error {
  if (signal?.aborted) return abortReason(signal);
  if (isAbortError(error)) return error as Error;
  // Our own errors (a ProviderError from the stream mapper, a ConfigError for a missing SDK) pass through.
  if (AgentError.isInstance(error)) return error as AgentError;
  const shape: SdkErrorShape = isObj(error) ? (error as SdkErrorShape) : {};
  const name = sdkNameOf(error);
  // A thrown non-object (a string, a number) is its own message; `String({})` would say "[object Object]".
  const message = redactSecrets(isObj(error) ? apiMessageOf(shape) : String(error), secrets);
  if (name === 'APIConnectionTimeoutError') {
    return new ProviderError({
      kind: 'timeout',
      provider,
      message: `${provider}: request timed out (${message})`,
      cause: error,
    });
  }
  if (name === 'APIConnectionError') {
    const cause = isObj(shape) && (shape as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${redactSecrets(cause.message, secrets)}` : '';
    return new ProviderError({
      kind: 'network',
      provider,
      message: `${provider}: connection failed (${message}${detail})`,
      cause: error,
    });
  }
  if (typeof shape.status === 'number') {
    return providerHttpError({
      provider,
      status: shape.status,
      message,
      headers: shape.headers as HeaderSource,
      secrets,
      cause: error,
    });
  }
  // An SDK APIError without a status: an error event inside a 200 stream.
  if (name === 'APIError' || (isObj(shape.error) && 'status' in shape)) {
    const kind = kindOfStreamError(errorTypeOf(shape), message);
    return providerHttpError({
      provider,
      message: `error in stream: ${message}`,
      kind,
      headers: shape.headers as HeaderSource,
      secrets,
      cause: error,
    });
  }
  return new ProviderError({
    kind: 'network',
    provider,
    message: `${provider}: the stream failed while reading (${message})`,
    cause: error,
  });
}

/** The error for a stream that ended without its terminal event: never a clean finish. */
export function truncatedStreamError(provider: string, terminal: string): ProviderError {
  return new ProviderError({
    kind: 'network',
    provider,
    message: `${provider}: stream ended before ${terminal}; the answer is incomplete`,
  });
}

/** The error for a stream that sent nothing for `idleMs`. */
export function idleTimeoutError(provider: string, idleMs: number): ProviderError {
  return new ProviderError({
    kind: 'timeout',
    provider,
    message: `${provider}: the stream sent nothing for ${idleMs} ms (idleTimeoutMs)`,
  });
}

/** The error for a missing API key; names the setting and the variable, never a key. */
export function missingKeyError(provider: string, envVar: string): ProviderError {
  return new ProviderError({
    kind: 'auth',
    provider,
    message: `${provider}: no API key. Pass \`apiKey\` to ${provider}({ … }) or set the ${envVar} environment variable.`,
  });
}
