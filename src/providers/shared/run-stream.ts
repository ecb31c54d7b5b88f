/**
 * The part of a model call every SDK-based adapter shares: open the SDK stream, guard it against stalls,
 * turn an abort into the abort (not an error), and classify every failure.
 *
 * @packageDocumentation
 */
import type { ModelStreamPart } from '../../model/language-model.js';
import { abortReason } from '../../internal/abort.js';
import { withIdleTimeout } from '../../internal/idle-timeout.js';
import { idleTimeoutError, toProviderError } from './sdk-errors.js';

/** How to run one streaming SDK call. */
export interface SdkStreamOptions {
  readonly provider: string;
  /** Keys to scrub from error messages. */
  readonly secrets: readonly (string | undefined)[];
  readonly signal: AbortSignal | undefined;
  readonly idleTimeoutMs: number;
  /** Sends the request; resolves with the SDK's event stream once the response headers are in. */
  readonly open: () => Promise<AsyncIterable<unknown>>;
  /** Maps the events to parts; throws when the stream ends without its terminal event. */
  readonly map: (events: AsyncIterable<unknown>) => AsyncGenerator<ModelStreamPart>;
}

/**
 * Streams one model call. Nothing is yielded before the provider has accepted the request, so the agent
 * can retry any failure that happens before the first part. The SDKs end their streams quietly when the
 * request is aborted; this throws the abort reason instead, so an aborted answer never looks complete.
 */
export async function* streamSdkCall(options: SdkStreamOptions): AsyncGenerator<ModelStreamPart> {
  const { provider, secrets, signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  let events: AsyncIterable<unknown>;
  try {
    events = await options.open();
  } catch (error) {
    throw toProviderError(provider, error, secrets, signal);
  }
  const guarded = withIdleTimeout(events, options.idleTimeoutMs, () =>
    idleTimeoutError(provider, options.idleTimeoutMs),
  );
  async function* checked(): AsyncGenerator<unknown> {
    yield* guarded;
    if (signal?.aborted) throw abortReason(signal);
  }
  try {
    yield* options.map(checked());
  } catch (error) {
    throw toProviderError(provider, error, secrets, signal);
  }
}
