/**
 * The Anthropic provider: Claude models over the official `@anthropic-ai/sdk` (Messages API, streaming).
 *
 * @packageDocumentation
 */
import type { LanguageModel, ModelCallOptions, ModelRequest, ModelStreamPart } from '../../model/language-model.js';
import { envVar, lazySdk } from '../shared/load-sdk.js';
import { onceClient, sdkClientOptions } from '../shared/sdk-client.js';
import { missingKeyError } from '../shared/sdk-errors.js';
import { streamSdkCall } from '../shared/run-stream.js';
import { DEFAULT_IDLE_TIMEOUT_MS, modelFields, type CommonProviderSettings } from '../shared/settings.js';
import { toAnthropicBody } from './request.js';
import { mapAnthropicEvents } from './stream.js';

/**
 * Settings of {@link anthropic}.
 *
 * @example
 * ```ts
 * const settings: AnthropicSettings = { model: 'claude-sonnet-4-6', thinking: { budgetTokens: 4000 } };
 * ```
 */
export interface AnthropicSettings extends CommonProviderSettings {
  /** The model id, for example `claude-sonnet-4-6` or `claude-haiku-4-5`. */
  readonly model: string;
  /**
   * Prompt caching: `cache_control` breakpoints on the system prompt, the tools and the conversation
   * tail, so each turn re-reads the conversation from the cache. @defaultValue true
   */
  readonly cache?: boolean;
  /**
   * Extended thinking: `{ budgetTokens }` for a fixed budget (at least 1024; `max_tokens` is raised above
   * it when needed), or `'adaptive'` for models that size their own thinking (Opus 4.6 and later). While
   * it is on, `temperature` is not sent (the API accepts only the default then). @defaultValue off
   */
  readonly thinking?: { readonly budgetTokens: number } | 'adaptive';
  /** `max_tokens` when the request sets no `maxOutputTokens` (the API requires one). @defaultValue 8192 */
  readonly maxOutputTokens?: number;
}

type AnthropicModule = typeof import('@anthropic-ai/sdk');
type AnthropicClient = InstanceType<AnthropicModule['default']>;

const loadSdk = lazySdk('@anthropic-ai/sdk', () => import('@anthropic-ai/sdk'));

/**
 * A Claude model as a {@link LanguageModel}. The SDK is loaded on the first call; the API key defaults to
 * `ANTHROPIC_API_KEY`. Failures are thrown as classified `ProviderError`s and retried by the agent (the
 * SDK's own retries are off), with `maxRetries` and `maxRetryDelayMs` as the policy.
 *
 * @example
 * ```ts
 * import { createAgent } from 'icode';
 * import { anthropic } from 'icode/providers/anthropic';
 *
 * const agent = createAgent({ provider: anthropic({ model: 'claude-sonnet-4-6' }) });
 * ```
 */
export function anthropic(settings: AnthropicSettings): LanguageModel {
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const clientFor = onceClient(
    async (apiKey): Promise<AnthropicClient> => new (await loadSdk()).default(sdkClientOptions(apiKey, settings)),
  );

  return {
    specificationVersion: 'v1',
    provider: 'anthropic',
    modelId: settings.model,
    ...modelFields('anthropic', settings.model, settings),
    stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncIterable<ModelStreamPart> {
      const apiKey = settings.apiKey ?? envVar('ANTHROPIC_API_KEY');
      const body = toAnthropicBody(request, {
        model: settings.model,
        cache: settings.cache ?? true,
        maxOutputTokens: settings.maxOutputTokens ?? 8192,
        ...(settings.thinking !== undefined ? { thinking: settings.thinking } : {}),
      });
      return streamSdkCall({
        provider: 'anthropic',
        secrets: [apiKey],
        signal: options.signal,
        idleTimeoutMs,
        open: async () => {
          if (apiKey === undefined) throw missingKeyError('anthropic', 'ANTHROPIC_API_KEY');
          const sdk = await clientFor(apiKey);
          return (await sdk.messages.create(body as never, {
            ...(options.signal ? { signal: options.signal } : {}),
          })) as unknown as AsyncIterable<unknown>;
        },
        map: mapAnthropicEvents,
      });
    },
  };
}
