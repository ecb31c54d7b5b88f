import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.js';

/** Headers as the SDKs expose them: a fetch `Headers`, or a plain record. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a server asked us to wait, from `retry-after-ms` (milliseconds), then `retry-after` (seconds or
 * an HTTP date). `undefined` when neither is there or readable.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * What the server says about retrying, from `x-should-retry` (Anthropic sends it; both official SDKs
 * honour it over the status): `true` or `false`, or `undefined` when it says nothing.
 */
export function shouldRetryHeader(headers: HeaderSource): boolean | undefined {
  const value = header(headers, 'x-should-retry')?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** The request id a provider puts in its response headers. */
export function requestIdOf(headers: HeaderSource): string | undefined {
  return header(headers, 'request-id') ?? header(headers, 'x-request-id');
}

const CONTEXT_LENGTH =
  /context.?(length|window)|too many tokens|prompt is too long|maximum context|input is too long|exceeds the (maximum|max)/i;
const QUOTA = /quota|billing|credit balance|insufficient_quota|exceeded your current/i;
const MODEL_NOT_FOUND = /model.{0,40}(not found|does not exist|not_found)|unknown model|no such model/i;

/**
 * The {@link ProviderErrorKind} of an HTTP error response, from its status and message. Messages refine
 * the status where providers reuse one status for several causes (a 400 that is a context overflow, a 429
 * that is an exhausted quota, a 404 that is an unknown model).
 */
export function kindOfHttpError(status: number | undefined, message: string): ProviderErrorKind {
  if (status === undefined) return 'network';
  if (status === 429) return QUOTA.test(message) ? 'quota' : 'rate-limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return QUOTA.test(message) ? 'quota' : 'auth';
  if (status === 402) return 'quota';
  if (status === 404)
    return MODEL_NOT_FOUND.test(message) || /model/i.test(message) ? 'model-not-found' : 'invalid-request';
  if (status === 413) return 'request-too-large';
  if (status === 409) return 'server';
  if (status >= 500) return 'server';
  if (CONTEXT_LENGTH.test(message)) return 'context-length';
  if (MODEL_NOT_FOUND.test(message)) return 'model-not-found';
  return 'invalid-request';
}

/** Removes anything that looks like an API key from a message, so errors and logs never carry one. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}/g, '$1-[redacted]')
    .replace(/\bAIza[0-9A-Za-z_-]{20,}/g, 'AIza[redacted]')
    .replace(/(key=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(authorization:\s*bearer\s+)\S+/gi, '$1[redacted]')
    .replace(/(x-api-key:\s*)\S+/gi, '$1[redacted]');
}

/** Options of {@link providerHttpError}. */
export interface HttpErrorInfo {
  readonly provider: string;
  readonly status?: number;
  readonly message: string;
  readonly headers?: HeaderSource;
  readonly cause?: unknown;
  /** Keys to scrub from the message besides the usual key shapes. */
  readonly secrets?: readonly (string | undefined)[];
  /** Overrides the kind derived from status and message (e.g. an in-stream `overloaded_error`). */
  readonly kind?: ProviderErrorKind;
}

/**
 * Builds the {@link ProviderError} for an HTTP or in-stream failure, with the key scrubbed from its message.
 * Whether it is retryable follows from its kind, unless the server said otherwise in `x-should-retry`
 * (`false` for a failure that would fail again, even a 5xx or a 429; `true` for one worth another try).
 */
export function providerHttpError(info: HttpErrorInfo): ProviderError {
  const message = redactSecrets(info.message, info.secrets);
  const kind = info.kind ?? kindOfHttpError(info.status, message);
  const retryAfterMs = parseRetryAfter(info.headers);
  const requestId = requestIdOf(info.headers);
  const retryable = shouldRetryHeader(info.headers);
  return new ProviderError({
    kind,
    provider: info.provider,
    message: `${info.provider}${info.status ? ` ${info.status}` : ''}: ${message}`,
    ...(info.status !== undefined ? { status: info.status } : {}),
    ...(retryable !== undefined ? { retryable } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    cause: info.cause,
  });
}
