/**
 * `@google/genai` failures → classified `ProviderError`s.
 *
 * The SDK's `ApiError` keeps only the status and the JSON body as its message (no headers), and in-stream
 * error chunks become an `ApiError` whose message is `got status: <STATUS>. <json>`. The body is Google's
 * `{ error: { code, message, status, details } }`: `details` carries `RetryInfo.retryDelay` (how long to wait
 * on a 429), `QuotaFailure` (which quota ran out) and `ErrorInfo.reason` (`API_KEY_INVALID` arrives as a
 * 400, not a 401).
 *
 * @packageDocumentation
 */
import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.js';
import { kindOfHttpError, providerHttpError, redactSecrets, type HeaderSource } from '../shared/http-error.js';

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; reason?: string; retryDelay?: string; violations?: { quotaId?: string }[] }[];
}

/** What the adapter saw of the HTTP response, captured by its fetch wrapper. */
export interface GeminiResponseInfo {
  readonly status: number;
  readonly headers: Headers;
}

function googleErrorOf(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: unknown };
    const error = parsed.error;
    return typeof error === 'object' && error !== null ? (error as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** `"37s"` / `"1.5s"` → milliseconds. */
function durationMs(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function kindOf(status: number, body: GoogleErrorBody | undefined, message: string): ProviderErrorKind {
  const details = body?.details ?? [];
  if (details.some((d) => d.reason === 'API_KEY_INVALID') || (status === 400 && /api key/i.test(message)))
    return 'auth';
  if (status === 429) {
    // Gemini words every 429 as "You exceeded your current quota", per-minute rate limits included; only a
    // daily quota is worth giving up on.
    const violations = details.flatMap((d) => d.violations ?? []);
    const daily = violations.length > 0 && violations.every((v) => /per.?day/i.test(v.quotaId ?? ''));
    return daily ? 'quota' : 'rate-limit';
  }
  if (status === 404 && /models\//.test(message)) return 'model-not-found';
  return kindOfHttpError(status, message);
}

function isNetworkError(error: Error): boolean {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return (
    error instanceof TypeError ||
    (typeof cause === 'object' && cause !== null && typeof cause.code === 'string') ||
    /terminated|socket|ECONNRESET|ECONNREFUSED|other side closed|Incomplete JSON segment/i.test(error.message)
  );
}

/**
 * Classifies anything `generateContentStream` (or iterating its stream) threw. Abort errors are not passed
 * here: the caller rethrows the abort reason for them.
 */
export function toGeminiError(
  error: unknown,
  apiKey: string | undefined,
  response: GeminiResponseInfo | undefined,
): ProviderError {
  if (error instanceof ProviderError) return error;
  const secrets = [apiKey];
  const err = error instanceof Error ? error : new Error(String(error));
  const status = (err as { status?: unknown }).status;
  if (err.name === 'ApiError' && typeof status === 'number') {
    const body = googleErrorOf(err.message);
    const text = body?.message ? `${body.status ? `${body.status}: ` : ''}${body.message}` : err.message;
    const retryDelay = durationMs(body?.details?.find((d) => d.retryDelay !== undefined)?.retryDelay);
    const headers: HeaderSource = {
      ...(retryDelay !== undefined ? { 'retry-after-ms': String(retryDelay) } : {}),
      ...headerRecord(response?.headers),
    };
    // The raw ApiError is not kept as the cause: its message is the whole body, which may echo the key.
    return providerHttpError({
      provider: 'gemini',
      status,
      message: text,
      headers,
      secrets,
      kind: kindOf(status, body, text),
    });
  }
  if (isNetworkError(err)) {
    const detail = (err as { cause?: { message?: unknown } }).cause?.message;
    const message = redactSecrets(`${err.message}${typeof detail === 'string' ? ` (${detail})` : ''}`, secrets);
    return new ProviderError({ kind: 'network', provider: 'gemini', message: `gemini: network error: ${message}` });
  }
  if (/exception parsing stream chunk/.test(err.message)) {
    return new ProviderError({
      kind: 'server',
      provider: 'gemini',
      message: 'gemini: the server sent a malformed stream chunk',
    });
  }
  return new ProviderError({
    kind: 'invalid-request',
    provider: 'gemini',
    message: `gemini: ${redactSecrets(err.message, secrets)}`,
  });
}

function headerRecord(headers: Headers | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  headers?.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}
