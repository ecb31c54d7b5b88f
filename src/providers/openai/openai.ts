/**
 * The OpenAI provider: GPT and o-series models over the official `openai` SDK, through the Chat
 * Completions API (also any OpenAI-compatible server) or the Responses API.
 *
 * @packageDocumentation
 */
import type { LanguageModel, ModelCallOptions, ModelRequest, ModelStreamPart } from '../../model/language-model.js';
import { envVar, lazySdk } from '../shared/load-sdk.js';
import { streamSdkCall } from '../shared/run-stream.js';
import { onceClient, sdkClientOptions } from '../shared/sdk-client.js';
import { missingKeyError } from '../shared/sdk-errors.js';
import { DEFAULT_IDLE_TIMEOUT_MS, modelFields } from '../shared/settings.js';
import { toChatBody, type OpenAiRequestSettings } from './chat-request.js';
import { mapChatChunks } from './chat-stream.js';
import { toResponsesBody } from './responses-request.js';
import { mapResponsesEvents } from './responses-stream.js';
import { checkOpenAiSettings, type OpenAiSettings } from './settings.js';
import { openAiTools } from './tools.js';

export type { OpenAiSettings } from './settings.js';

type OpenAiModule = typeof import('openai');
type OpenAiClient = InstanceType<OpenAiModule['default']>;

const loadSdk = lazySdk('openai', () => import('openai'));

/** DeepSeek models, whose thinking mode wants its reasoning back (`reasoning_content`) after tool calls. */
const isDeepSeek = (model: string): boolean => /^deepseek/i.test(model.slice(model.lastIndexOf('/') + 1));

/**
 * An OpenAI model as a {@link LanguageModel}. The SDK is loaded on the first call; the API key defaults to
 * `OPENAI_API_KEY`. With `baseURL` it serves any OpenAI-compatible server (vLLM, LM Studio, OpenRouter,
 * Groq…). Failures are thrown as classified `ProviderError`s and retried by the agent (the SDK's own
 * retries are off).
 *
 * @example
 * ```ts
 * import { createAgent } from 'icode';
 * import { openai } from 'icode/providers/openai';
 *
 * const agent = createAgent({ provider: openai({ model: 'gpt-4.1-mini' }) });
 * const local = openai({ model: 'qwen3-coder', baseURL: 'http://localhost:8000/v1', apiKey: 'none' });
 * const deepseek = openai({ model: 'deepseek-reasoner', baseURL: 'https://api.deepseek.com', apiKey: key });
 * ```
 * @throws ConfigError for a setting that cannot work: an unknown `api` or `reasoningEffort`, an empty
 * `model`, a timeout that is not a number of milliseconds…
 */
export function openai(settings: OpenAiSettings): LanguageModel {
  const fields = modelFields('openai', settings.model, settings);
  checkOpenAiSettings(settings);
  const api = settings.api ?? 'chat';
  const requestSettings: OpenAiRequestSettings = {
    model: settings.model,
    ...(settings.reasoningEffort !== undefined ? { reasoningEffort: settings.reasoningEffort } : {}),
    ...(settings.store !== undefined ? { store: settings.store } : {}),
    sendReasoningContent: settings.sendReasoningContent ?? isDeepSeek(settings.model),
  };
  const idleTimeoutMs = settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const clientFor = onceClient(
    async (apiKey): Promise<OpenAiClient> =>
      new (await loadSdk()).default({
        ...sdkClientOptions(apiKey, settings),
        ...(settings.organization !== undefined ? { organization: settings.organization } : {}),
        ...(settings.project !== undefined ? { project: settings.project } : {}),
      }),
  );

  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: settings.model,
    ...fields,
    stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncIterable<ModelStreamPart> {
      const apiKey = settings.apiKey ?? envVar('OPENAI_API_KEY');
      const { tools, restore } = openAiTools(request.tools, settings.strict ?? true);
      const requestOptions = options.signal ? { signal: options.signal } : {};
      return streamSdkCall({
        provider: 'openai',
        target: settings.baseURL ?? envVar('OPENAI_BASE_URL') ?? 'https://api.openai.com/v1',
        secrets: [apiKey],
        signal: options.signal,
        idleTimeoutMs,
        open: async () => {
          if (apiKey === undefined) throw missingKeyError('openai', 'OPENAI_API_KEY');
          const sdk = await clientFor(apiKey);
          if (api === 'responses') {
            const body = toResponsesBody(request, tools, requestSettings);
            return (await sdk.responses.create(body as never, requestOptions)) as unknown as AsyncIterable<unknown>;
          }
          const body = toChatBody(request, tools, requestSettings);
          return (await sdk.chat.completions.create(
            body as never,
            requestOptions,
          )) as unknown as AsyncIterable<unknown>;
        },
        map: (events) => (api === 'responses' ? mapResponsesEvents(events, restore) : mapChatChunks(events, restore)),
      });
    },
  };
}
