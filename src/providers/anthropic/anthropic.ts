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
import { DEFAULT_IDLE_TIMEOUT_MS, modelFields } from '../shared/settings.js';
import { toAnthropicBody } from './request.js';
import { checkAnthropicSettings, type AnthropicSettings } from './settings.js';
import { planAnthropicOutput } from './output.js';
import { mapAnthropicEvents } from './stream.js';
import { outputToolAsText } from '../shared/output-tool.js';

export type { AnthropicSettings } from './settings.js';

type AnthropicModule = typeof import('@anthropic-ai/sdk');
type AnthropicClient = InstanceType<AnthropicModule['default']>;

const loadSdk = lazySdk('@anthropic-ai/sdk', () => import('@anthropic-ai/sdk'));

/**
 * A Claude model as a {@link LanguageModel}. The SDK is loaded on the first call; the API key defaults to
 * `ANTHROPIC_API_KEY`. Failures are thrown as classified `ProviderError`s and retried by the agent (the
 * SDK's own retries are off), with `maxRetries` and `maxRetryDelayMs` as the policy.
 *
 * Requests are adapted where the Messages API would refuse them as they are: see `toAnthropicBody` (no
 * thinking on a call that forces a tool, a tool history sent as text when a call defines no tools, object
 * input schemas).
 *
 * Structured output (`request.output`) uses `output_config.format` on models that have it (Opus 4.1,
 * Sonnet 4.5, Haiku 4.5 and later) when the schema fits its subset, else a forced final tool; either way
 * the JSON comes back as text (see `output.ts` and the `structuredOutput` setting).
 *
 * @throws ConfigError at construction for a setting the API would refuse (a thinking budget under 1024, …).
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
  const fields = modelFields('anthropic', settings.model, settings);
  checkAnthropicSettings(settings);
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const clientFor = onceClient(
    async (apiKey): Promise<AnthropicClient> => new (await loadSdk()).default(sdkClientOptions(apiKey, settings)),
  );

  return {
    specificationVersion: 'v1',
    provider: 'anthropic',
    modelId: settings.model,
    ...fields,
    stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncIterable<ModelStreamPart> {
      const apiKey = settings.apiKey ?? envVar('ANTHROPIC_API_KEY');
      // The forced final tool answering for structured output, when native structured output cannot.
      let outputTool: string | undefined;
      return streamSdkCall({
        provider: 'anthropic',
        target: settings.baseURL ?? envVar('ANTHROPIC_BASE_URL') ?? 'https://api.anthropic.com',
        secrets: [apiKey],
        signal: options.signal,
        idleTimeoutMs,
        open: async (signal) => {
          // Built here, so a tool the API cannot take fails this call with its ConfigError.
          const plan = planAnthropicOutput(request, settings.model, settings.structuredOutput ?? 'auto');
          outputTool = plan.toolName;
          const body = toAnthropicBody(plan.request, {
            model: settings.model,
            ...(plan.schema !== undefined ? { outputSchema: plan.schema } : {}),
            cache: settings.cache ?? true,
            maxOutputTokens: settings.maxOutputTokens ?? 8192,
            ...(settings.thinking !== undefined ? { thinking: settings.thinking } : {}),
          });
          if (apiKey === undefined) throw missingKeyError('anthropic', 'ANTHROPIC_API_KEY');
          const sdk = await clientFor(apiKey);
          return (await sdk.messages.create(body as never, { signal })) as unknown as AsyncIterable<unknown>;
        },
        map: (events) =>
          outputTool === undefined
            ? mapAnthropicEvents(events)
            : outputToolAsText(mapAnthropicEvents(events), outputTool),
      });
    },
  };
}
