/**
 * The part of a model call every SDK-based adapter shares: open the SDK stream, guard it against stalls,
 * turn an abort into the abort (not an error), and classify every failure.
 *
 * @packageDocumentation
 */
import type { ModelStreamPart } from '../../model/language-model.js';
import { abortReason } from '../../internal/abort.js';
import { withIdleTimeout } from '../../internal/idle-timeout.js';
import { checkModelRequest } from './model-requests.js';
import { idleTimeoutError, toProviderError } from './sdk-errors.js';

/** How to run one streaming SDK call. */
export interface SdkStreamOptions {
  readonly provider: string;
  /** The base URL the request goes to, checked against `disallowModelRequests()` before it is sent. */
  readonly target: string;
  /** Keys to scrub from error messages. */
  readonly secrets: readonly (string | undefined)[];
  readonly signal: AbortSignal | undefined;
  readonly idleTimeoutMs: number;
  /**
   * Sends the request on `signal` (pass it to the SDK call: it fires on the caller's abort, a stall and any
   * early end); resolves with the SDK's event stream once the response headers are in.
   */
  readonly open: (signal: AbortSignal) => Promise<AsyncIterable<unknown>>;
  /** Maps the events to parts; throws when the stream ends without its terminal event. */
  readonly map: (events: AsyncIterable<unknown>) => AsyncGenerator<ModelStreamPart>;
}

/** Aborts the HTTP request of an SDK stream that carries its own controller (`Stream.controller`). */
function abortSdkStream(events: unknown): void {
  const controller = (events as { controller?: { abort?: unknown } } | undefined)?.controller;
  if (typeof controller?.abort === 'function') (controller as AbortController).abort();
}

/**
 * Streams one model call. Nothing is yielded before the provider has accepted the request, so the agent
 * can retry any failure that happens before the first part. The SDKs end their streams quietly when the
 * request is aborted; this throws the abort reason instead, so an aborted answer never looks complete.
 *
 * The HTTP request is aborted whenever the call ends before its stream did: on a stall (a stalled
 * iterator cannot be closed, since closing waits for the read in progress, so the socket would stay open
 * until the server gave up), on an error, and when the consumer stops reading.
 */
export async function* streamSdkCall(options: SdkStreamOptions): AsyncGenerator<ModelStreamPart> {
  const { provider, secrets, signal: userSignal } = options;
  if (userSignal?.aborted) throw abortReason(userSignal);
  checkModelRequest(provider, options.target);
  const request$ = new AbortController();
  const signal = userSignal ? AbortSignal.any([userSignal, request$.signal]) : request$.signal;
  let events: AsyncIterable<unknown> | undefined;
  const cancel = (): void => {
    request$.abort();
    abortSdkStream(events);
  };
  try {
    events = await options.open(signal);
    const guarded = withIdleTimeout(events, options.idleTimeoutMs, () => {
      const error = idleTimeoutError(provider, options.idleTimeoutMs);
      cancel();
      return error;
    });
    async function* checked(): AsyncGenerator<unknown> {
      yield* guarded;
      if (userSignal?.aborted) throw abortReason(userSignal);
    }
    yield* options.map(checked());
  } catch (error) {
    throw toProviderError(provider, error, secrets, userSignal);
  } finally {
    cancel();
  }
}
