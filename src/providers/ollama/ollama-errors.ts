/**
 * `ollama` SDK failures → classified `ProviderError`s.
 *
 * The SDK throws a `ResponseError` (`error`, `status_code`) for an HTTP error, a plain `Error` with the
 * server's message for an in-stream `{"error": …}` line, `Did not receive done or success response in
 * stream.` when the stream ends early, and fetch's `TypeError` when the server cannot be reached.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import { kindOfHttpError, providerHttpError, redactSecrets } from '../shared/http-error.js';
import type { OllamaExchange } from './ollama-fetch.js';

const NO_DONE = /Did not receive done or success response/;

function causeOf(error: Error): { code?: string; message?: string } | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return typeof cause === 'object' && cause !== null ? (cause as { code?: string; message?: string }) : undefined;
}

/** Classifies anything `chat()` (or iterating its stream) threw. Abort errors are handled by the caller. */
export function toOllamaError(
  error: unknown,
  host: string,
  exchange: OllamaExchange,
  secrets: readonly (string | undefined)[],
): ProviderError {
  if (error instanceof ProviderError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const status = (err as { status_code?: unknown }).status_code;
  if (err.name === 'ResponseError' && typeof status === 'number') {
    return providerHttpError({
      provider: 'ollama',
      status,
      message: err.message,
      headers: exchange.response?.headers,
      secrets,
    });
  }
  if (exchange.streamError !== undefined) {
    // An error line inside a 200 stream: the model runner failed (or ran out of context) mid-answer.
    const message = redactSecrets(exchange.streamError, secrets);
    const kind = kindOfHttpError(400, message) === 'context-length' ? 'context-length' : 'server';
    return new ProviderError({ kind, provider: 'ollama', message: `ollama: ${message}` });
  }
  if (NO_DONE.test(err.message)) {
    return new ProviderError({
      kind: 'network',
      provider: 'ollama',
      message: 'ollama: stream ended before its done line (the response was cut short)',
    });
  }
  const cause = causeOf(err);
  if (err instanceof TypeError || cause?.code !== undefined || /terminated|socket|ECONN/i.test(err.message)) {
    const refused = cause?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(cause?.message ?? '');
    const detail = cause?.message ?? cause?.code;
    const message = refused
      ? `ollama: could not connect to ${host}; is Ollama running (\`ollama serve\`) and OLLAMA_HOST right?`
      : `ollama: network error: ${err.message}${detail ? ` (${detail})` : ''}`;
    return new ProviderError({ kind: 'network', provider: 'ollama', message: redactSecrets(message, secrets) });
  }
  return new ProviderError({
    kind: 'invalid-request',
    provider: 'ollama',
    message: `ollama: ${redactSecrets(err.message, secrets)}`,
  });
}
