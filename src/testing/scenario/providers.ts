/**
 * The model a scenario runs on: the in-process mock model, or a real provider adapter (over its official
 * SDK) pointed at a mock wire server that plays the same script.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { LanguageModel, ModelRequest } from '../../model/language-model.js';
import { anthropic } from '../../providers/anthropic/index.js';
import { gemini } from '../../providers/gemini/index.js';
import { ollama } from '../../providers/ollama/index.js';
import { openai } from '../../providers/openai/index.js';
import { mockProvider } from '../mock-provider.js';
import { startMockServer } from '../mock-server/server.js';
import type { MockServer, RecordedRequest, WireName } from '../mock-server/types.js';
import { wires } from '../mock-server/wires.js';
import type { MockStepInput } from '../mock-step.js';
import type { Scenario, ScenarioProvider } from './schema.js';

/**
 * The model id each provider runs a scenario with: ids the adapters' price tables know, so `result.cost`
 * is computed as it would be in production.
 *
 * @example
 * ```ts
 * SCENARIO_MODEL_IDS.anthropic; // 'claude-sonnet-4-6'
 * ```
 */
export const SCENARIO_MODEL_IDS: Readonly<Record<ScenarioProvider, string>> = {
  mock: 'mock-model',
  anthropic: 'claude-sonnet-4-6',
  openai: 'gpt-4.1-mini',
  'openai-responses': 'gpt-4.1-mini',
  gemini: 'gemini-2.5-flash',
  ollama: 'qwen3:8b',
};

// Dummy keys: the mock wire servers accept anything, and the recorded requests drop credentials.
const ANTHROPIC_KEY = 'sk-ant-scenario-0000000000';
const OPENAI_KEY = 'sk-scenario-0000000000';
const GEMINI_KEY = 'AIzaScenarioKey0000000000000000000';

/** A model ready for a scenario, with what it received and how to stop it. */
export interface ScenarioModel {
  readonly model: LanguageModel;
  /** Every model call, as a `ModelRequest` (decoded from the wire body for adapters). */
  requests(): ModelRequest[];
  /** The raw HTTP requests, for wire providers. */
  readonly httpRequests?: readonly RecordedRequest[];
  /** Script steps never played. */
  unusedSteps(): number;
  close(): Promise<void>;
}

function adapter(provider: Exclude<ScenarioProvider, 'mock'>, server: MockServer, scenario: Scenario): LanguageModel {
  const model = SCENARIO_MODEL_IDS[provider];
  // Short retry delays: a scenario never waits on a real back-off.
  const common = {
    maxRetryDelayMs: 50,
    ...(scenario.model.contextWindow !== undefined ? { contextWindow: scenario.model.contextWindow } : {}),
  };
  switch (provider) {
    case 'anthropic':
      return anthropic({ model, apiKey: ANTHROPIC_KEY, baseURL: server.baseURL, ...common });
    case 'openai':
      return openai({ model, apiKey: OPENAI_KEY, baseURL: server.baseURL, ...common });
    case 'openai-responses':
      return openai({ model, api: 'responses', apiKey: OPENAI_KEY, baseURL: server.baseURL, ...common });
    case 'gemini':
      return gemini({ model, apiKey: GEMINI_KEY, baseURL: server.baseURL, ...common });
    case 'ollama':
      return ollama({ model, host: server.baseURL, ...common });
  }
}

/** Starts the model of `provider` for a scenario, driven by `script`. */
export async function startScenarioModel(
  provider: ScenarioProvider,
  scenario: Scenario,
  script: readonly MockStepInput[],
): Promise<ScenarioModel> {
  if (provider === 'mock') {
    const model = mockProvider(script, {
      modelId: SCENARIO_MODEL_IDS.mock,
      ...(scenario.model.pricing ? { pricing: scenario.model.pricing } : {}),
      ...(scenario.model.contextWindow !== undefined ? { contextWindow: scenario.model.contextWindow } : {}),
    });
    return {
      model,
      requests: () => [...model.requests],
      unusedSteps: () => Math.max(0, script.length - model.requests.length),
      close: async () => {},
    };
  }
  const wireName: WireName = provider;
  const wire = wires[wireName];
  if (!wire) throw new ConfigError(`No mock wire server speaks "${wireName}".`);
  const server = await startMockServer({ wire: wireName, script });
  const modelCalls = () => server.requests.filter((r) => wire.matches(r.method, r.path.split('?')[0] ?? '/'));
  return {
    model: adapter(provider, server, scenario),
    requests: () => modelCalls().map((r) => wire.decodeRequest(r.body, r.path.split('?')[0] ?? '/')),
    httpRequests: server.requests,
    unusedSteps: () => Math.max(0, script.length - modelCalls().length),
    close: () => server.close(),
  };
}
