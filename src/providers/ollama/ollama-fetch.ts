/**
 * The `fetch` the adapter gives the `ollama` SDK, one per call. It does five things the SDK does not:
 *
 * - it lifts undici's 300 s header and body timeouts (see `shared/untimed-dispatcher.ts`);
 * - it ties the request to the call's own signal (the SDK's `abort()` aborts every stream of a client);
 * - it gives error responses a JSON body, so the SDK has nothing to `console.log` about;
 * - it records the response status and headers (the SDK's `ResponseError` keeps neither `retry-after` nor
 *   a request id);
 * - it checks every NDJSON line: the SDK skips a line that is not JSON with a `console.warn`, so a corrupt
 *   tool-call line would vanish and the turn would "finish" without it. Here such a line fails the call,
 *   and an in-stream `{"error": …}` line is remembered so the failure can be classified.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import { untimedInit } from '../shared/untimed-dispatcher.js';

/** What the call learnt about its HTTP exchange. */
export interface OllamaExchange {
  response?: { status: number; headers: Headers };
  /** The message of an in-stream `{"error": "…"}` line. */
  streamError?: string;
}

function checkLine(line: string, exchange: OllamaExchange): ProviderError | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ProviderError({
      kind: 'server',
      provider: 'ollama',
      message: `ollama: the server sent a line that is not JSON: ${text.slice(0, 120)}`,
    });
  }
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
    const error = (parsed as { error: unknown }).error;
    exchange.streamError = typeof error === 'string' ? error : JSON.stringify(error);
  }
  return undefined;
}

function lineGuard(exchange: OllamaExchange): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const error = checkLine(line, exchange);
        if (error) {
          controller.error(error);
          return;
        }
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      const error = checkLine(buffer + decoder.decode(), exchange);
      if (error) controller.error(error);
    },
  });
}

/**
 * An error response with a JSON body: the SDK `console.log`s its way through any other body (a proxy's
 * HTML page, a plain-text 502), and a library must not write to the console.
 */
async function asJsonError(response: Response): Promise<Response> {
  if (response.headers.get('content-type')?.includes('application/json')) return response;
  const text = (await response.text()).trim();
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify({ error: text || `HTTP ${response.status} ${response.statusText}`.trim() }), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** A `fetch` bound to one call: its signal, its exchange record, and the line check on a 2xx body. */
export function callFetch(signal: AbortSignal, exchange: OllamaExchange): typeof fetch {
  return async (input, init) => {
    const merged = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const response = await fetch(input, { ...init, signal: merged, ...untimedInit() } as RequestInit);
    exchange.response = { status: response.status, headers: response.headers };
    if (!response.ok) return asJsonError(response);
    if (response.body === null) return response;
    return new Response(response.body.pipeThrough(lineGuard(exchange)), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
