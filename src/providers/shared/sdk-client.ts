/**
 * The client of the Anthropic and OpenAI adapters: both SDKs come from the same generator and take the
 * same options, and each adapter makes its client once, at the first call.
 *
 * @packageDocumentation
 */
import type { CommonProviderSettings } from './settings.js';

/** The options both SDK clients take from the common settings. */
export interface SdkClientOptions {
  readonly apiKey: string;
  /** Always 0: the agent loop retries, with one policy for every provider. */
  readonly maxRetries: 0;
  readonly baseURL?: string;
  readonly timeout?: number;
  readonly defaultHeaders?: Record<string, string>;
}

/** The client options of `settings`, with `apiKey` and the SDK's own retries off. */
export function sdkClientOptions(apiKey: string, settings: CommonProviderSettings): SdkClientOptions {
  return {
    apiKey,
    maxRetries: 0,
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(settings.headers !== undefined ? { defaultHeaders: { ...settings.headers } } : {}),
  };
}

/** `create` run at the first call, with that call's key; its client is kept for every later call. */
export function onceClient<C>(create: (apiKey: string) => Promise<C>): (apiKey: string) => Promise<C> {
  let client: C | undefined;
  return async (apiKey) => (client ??= await create(apiKey));
}
