/**
 * The model a scenario runs on: the in-process mock model, or a real provider adapter (over its official
 * SDK) pointed at a mock wire server that plays the same script.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { ProviderError, UnexpectedModelCallError, type ProviderErrorKind } from '../../errors/provider-error.js';
import type { LanguageModel, ModelRequest } from '../../model/language-model.js';
import { anthropic } from '../../providers/anthropic/index.js';
import { gemini } from '../../providers/gemini/index.js';
import { ollama } from '../../providers/ollama/index.js';
import { openai } from '../../providers/openai/index.js';
import { mockProvider } from '../mock-provider.js';
import { startMockServer } from '../mock-server/server.js';
import type { Fault, RecordedRequest, WireName } from '../mock-server/types.js';
import { wires } from '../mock-server/wires.js';
import type { MockStep, MockStepInput } from '../mock-step.js';
import type { Scenario, ScenarioFault, ScenarioProvider } from './schema.js';

/** How many of the first `calls` calls were faulted. */
export function faultedCalls(faults: readonly ScenarioFault[], calls: number): number {
  return new Set(faults.filter((fault) => fault.call <= calls).map((fault) => fault.call)).size;
}

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
  /** What went wrong outside the run (a request a cassette has no recording of, say). */
  failures?(): string[];
  close(): Promise<void>;
}

/** The adapter of `provider` for `scenario`, talking to `baseURL` (a mock wire server's, or the real API's). */
export function scenarioAdapter(
  provider: Exclude<ScenarioProvider, 'mock'>,
  baseURL: string,
  scenario: Scenario,
): LanguageModel {
  const model = SCENARIO_MODEL_IDS[provider];
  // Short retry delays: a scenario never waits on a real back-off.
  const common = {
    maxRetryDelayMs: 50,
    ...(scenario.model.contextWindow !== undefined ? { contextWindow: scenario.model.contextWindow } : {}),
  };
  switch (provider) {
    case 'anthropic':
      return anthropic({ model, apiKey: ANTHROPIC_KEY, baseURL, ...common });
    case 'openai':
      return openai({ model, apiKey: OPENAI_KEY, baseURL, ...common });
    case 'openai-responses':
      return openai({ model, api: 'responses', apiKey: OPENAI_KEY, baseURL, ...common });
    case 'gemini':
      return gemini({ model, apiKey: GEMINI_KEY, baseURL, ...common });
    case 'ollama':
      return ollama({ model, host: baseURL, ...common });
  }
}

const KIND_OF_STATUS: Record<number, ProviderErrorKind> = {
  400: 'invalid-request',
  401: 'auth',
  402: 'quota',
  403: 'auth',
  404: 'model-not-found',
  408: 'timeout',
  413: 'request-too-large',
  429: 'rate-limit',
  529: 'overloaded',
};

/** The error an adapter raises for `fault`, for the mock model, which has no wire to fail on. */
function faultError(fault: ScenarioFault): ProviderError {
  switch (fault.type) {
    case 'status':
      return new ProviderError({
        kind: KIND_OF_STATUS[fault.status] ?? (fault.status >= 500 ? 'server' : 'invalid-request'),
        message: `Mock HTTP ${fault.status}.`,
        status: fault.status,
        ...(fault.retryAfter !== undefined ? { retryAfterMs: Number(fault.retryAfter) * 1000 } : {}),
      });
    case 'stream-error':
      return new ProviderError({ kind: fault.kind ?? 'overloaded', message: 'Mock in-stream error.' });
    case 'cut':
      return new ProviderError({ kind: 'network', message: 'Mock connection reset before any output.' });
  }
}

/** The faults as the mock wire server takes them. */
function wireFaults(faults: readonly ScenarioFault[]): Fault[] {
  return faults.map((fault): Fault => {
    switch (fault.type) {
      case 'status':
        return {
          type: 'status',
          status: fault.status,
          call: fault.call,
          ...(fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {}),
        };
      case 'stream-error':
        return { type: 'stream-error', call: fault.call, ...(fault.kind ? { kind: fault.kind } : {}) };
      case 'cut':
        return { type: 'cut', afterBytes: 0, call: fault.call };
    }
  });
}

/** The faults of `scenario` as its mock wire server takes them. */
export const scenarioWireFaults = (scenario: Scenario): Fault[] => wireFaults(scenario.model.faults ?? []);

/** Starts the model of `provider` for a scenario, driven by `script`. */
export async function startScenarioModel(
  provider: ScenarioProvider,
  scenario: Scenario,
  script: readonly MockStepInput[],
): Promise<ScenarioModel> {
  const faults = scenario.model.faults ?? [];
  if (provider === 'mock') {
    // One function answers every call so a faulted call, as on the wire servers, takes no step.
    let next = 0;
    const answer = async (request: ModelRequest, call: number): Promise<MockStep> => {
      const fault = faults.find((f) => f.call === call);
      if (fault) return { error: faultError(fault) };
      const entry = script[next];
      if (entry === undefined) throw new UnexpectedModelCallError({ call, scriptLength: script.length });
      next += 1;
      return typeof entry === 'function' ? entry(request, call) : entry;
    };
    const model = mockProvider(answer, {
      modelId: SCENARIO_MODEL_IDS.mock,
      ...(scenario.model.pricing ? { pricing: scenario.model.pricing } : {}),
      ...(scenario.model.contextWindow !== undefined ? { contextWindow: scenario.model.contextWindow } : {}),
    });
    return {
      model,
      requests: () => [...model.requests],
      unusedSteps: () => script.length - next,
      close: async () => {},
    };
  }
  const wireName: WireName = provider;
  const wire = wires[wireName];
  if (!wire) throw new ConfigError(`No mock wire server speaks "${wireName}".`);
  const server = await startMockServer({ wire: wireName, script, faults: wireFaults(faults) });
  const modelCalls = () => server.requests.filter((r) => wire.matches(r.method, r.path.split('?')[0] ?? '/'));
  return {
    model: scenarioAdapter(provider, server.baseURL, scenario),
    requests: () => modelCalls().map((r) => wire.decodeRequest(r.body, r.path.split('?')[0] ?? '/')),
    httpRequests: server.requests,
    // A faulted call takes no step.
    unusedSteps: () => Math.max(0, script.length - (modelCalls().length - faultedCalls(faults, modelCalls().length))),
    close: () => server.close(),
  };
}
