/**
 * The call plumbing of the adapters that give their SDK a `fetch` of their own (Gemini, Ollama): one
 * controller that cancels the HTTP request for every reason, the request timeout until the response
 * headers, the stall timeout between chunks, and the order in which a failure is explained.
 *
 * @packageDocumentation
 */
import { ProviderError } from '../../errors/provider-error.js';
import { abortReason, isAbortError } from '../../internal/abort.js';
import { withIdleTimeout } from '../../internal/idle-timeout.js';
import type { ModelStreamPart } from '../../model/language-model.js';
import { checkModelRequest } from './model-requests.js';

/** Turns a provider's chunks into parts; `end` throws when the stream was cut short. */
export interface StreamParser<Chunk> {
  push(chunk: Chunk): Iterable<ModelStreamPart>;
  end(): Iterable<ModelStreamPart>;
}

/** Runs `send` under the request timeout; what comes before it (reading images, say) does not count. */
export type Timed = <T>(send: () => Promise<T>) => Promise<T>;

/** How to run one call with {@link timedStream}. */
export interface TimedStreamOptions<Chunk> {
  readonly provider: string;
  /** The base URL the request goes to, checked against `disallowModelRequests()` before it is sent. */
  readonly target: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Time allowed until the response headers arrive, in ms; `0` waits for ever. */
  readonly timeoutMs: number;
  /** Time allowed between two chunks, in ms; `0` waits for ever. */
  readonly idleTimeoutMs: number;
  /** Sends the request on `signal`, putting the wait for the headers inside `timed`. */
  readonly open: (signal: AbortSignal, timed: Timed) => Promise<AsyncIterable<Chunk>>;
  /** Makes the parser; `callId` gives the calls the provider sent without an id one unique across the session. */
  readonly parser: (callId: (index: number) => string) => StreamParser<Chunk>;
  /** Explains a failure that is neither the caller's abort, a timeout, nor already a `ProviderError`. */
  readonly classify: (error: unknown) => unknown;
}

/**
 * Streams one model call. One controller cancels the HTTP request for every reason: the caller's abort,
 * the request timeout, a stall, or the consumer leaving the loop early. The caller's abort is thrown as
 * its reason, a timeout as a `timeout` {@link ProviderError}, anything else as `classify` says.
 */
export async function* timedStream<Chunk>(options: TimedStreamOptions<Chunk>): AsyncGenerator<ModelStreamPart> {
  const { provider, signal: userSignal, timeoutMs, idleTimeoutMs } = options;
  if (userSignal?.aborted) throw abortReason(userSignal);
  checkModelRequest(provider, options.target);
  const request$ = new AbortController();
  const signal = userSignal ? AbortSignal.any([userSignal, request$.signal]) : request$.signal;
  let timedOut = false;
  const timed: Timed = async (send) => {
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            request$.abort();
          }, timeoutMs)
        : undefined;
    try {
      return await send();
    } finally {
      clearTimeout(timer);
    }
  };
  const fail = (error: unknown): unknown => {
    if (userSignal?.aborted) return abortReason(userSignal);
    if (error instanceof ProviderError) return error;
    if (timedOut) {
      return new ProviderError({
        kind: 'timeout',
        provider,
        message: `${provider}: no response within ${timeoutMs} ms`,
      });
    }
    if (isAbortError(error) && request$.signal.reason instanceof ProviderError) return request$.signal.reason;
    return options.classify(error);
  };

  try {
    const chunks = await options.open(signal, timed);
    // Ids for calls that came without one: `call_<index>_<random>`, unique across the session.
    const suffix = crypto.randomUUID().slice(0, 8);
    const parser = options.parser((index) => `call_${index}_${suffix}`);
    const idle = (): Error => {
      const error = new ProviderError({
        kind: 'timeout',
        provider,
        message: `${provider}: the stream stalled for ${idleTimeoutMs} ms`,
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
