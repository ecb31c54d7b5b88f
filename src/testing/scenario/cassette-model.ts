/**
 * A scenario's model over a cassette: the real provider adapter at its real API's address, its HTTP traffic
 * replayed from (or recorded into) a cassette file.
 *
 * @packageDocumentation
 */
import { DURATION_PATTERN } from '../../tools/builtin/bash/bash-format.js';
import { ConfigError } from '../../errors/config-error.js';
import type { LanguageModel, ModelRequest } from '../../model/language-model.js';
import { cassette, type Cassette, type CassetteMode } from '../cassette/cassette.js';
import { startMockServer } from '../mock-server/server.js';
import type { MockServer } from '../mock-server/types.js';
import { wires } from '../mock-server/wires.js';
import type { MockStepInput } from '../mock-step.js';
import { faultedCalls, scenarioAdapter, scenarioWireFaults, type ScenarioModel } from './providers.js';
import type { Scenario, ScenarioProvider } from './schema.js';

/** A duration as tools report it, which a replayed run measures anew. */

/**
 * The cassette a scenario runs against: a file path (replayed), or a path and a mode. `record` and `auto`
 * record from the provider's mock wire server playing the scenario's script, so no key is needed.
 *
 * @example
 * ```ts
 * const tape: ScenarioCassette = { path: 'test/cassettes/anthropic/read_file_roundtrip.json', mode: 'record' };
 * ```
 */
export type ScenarioCassette = string | { readonly path: string; readonly mode?: CassetteMode };

// Where each adapter talks in production: a cassette records and replays these addresses, so one
// recorded from a real API and one recorded from a mock wire server are interchangeable.
const API_ORIGINS: Readonly<Record<Exclude<ScenarioProvider, 'mock'>, string>> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com',
  'openai-responses': 'https://api.openai.com',
  gemini: 'https://generativelanguage.googleapis.com',
  ollama: 'http://127.0.0.1:11434',
};

/** `model`, counting its calls. */
function counting(model: LanguageModel, calls: { count: number }): LanguageModel {
  return Object.assign(Object.create(model) as LanguageModel, {
    stream: (request: ModelRequest, options?: Parameters<LanguageModel['stream']>[1]) => {
      calls.count += 1;
      return model.stream(request, options);
    },
  });
}

/** Starts the model of `provider` for `scenario` over the cassette `tape`. */
export async function startCassetteModel(
  provider: ScenarioProvider,
  scenario: Scenario,
  script: readonly MockStepInput[],
  tape: ScenarioCassette,
): Promise<ScenarioModel> {
  if (provider === 'mock') {
    throw new ConfigError('runScenario: a cassette holds HTTP traffic, so it needs a provider adapter, not "mock".');
  }
  const { path, mode = 'replay' } = typeof tape === 'string' ? { path: tape } : tape;
  const wire = wires[provider]!;
  let server: MockServer | undefined;
  let played: Cassette | undefined;
  try {
    if (mode !== 'replay') {
      server = await startMockServer({ wire: provider, script, faults: scenarioWireFaults(scenario) });
    }
    played = await cassette({
      path,
      mode,
      // Tool results report how long a command took (`[Exit code 0, 35 ms]`): measured afresh on every run.
      ignore: [DURATION_PATTERN],
      ...(server ? { upstream: server.url, canRecord: true } : {}),
    });
  } catch (error) {
    await server?.close();
    throw error;
  }
  const active = played;
  const calls = { count: 0 };
  const model = counting(scenarioAdapter(provider, `${API_ORIGINS[provider]}${wire.basePath}`, scenario), calls);
  const faults = scenario.model.faults ?? [];
  const pathOf = (path: string): string => path.split('?')[0] ?? '/';
  // What went on the wire, in order: recorded as sent, or (replaying) the recordings the calls matched,
  // which a sequential run plays in their order (a call no recording matches is one of failures()).
  const modelCalls = () => active.interactions.filter((i) => wire.matches(i.request.method, pathOf(i.request.path)));
  return {
    model,
    requests: () =>
      modelCalls()
        .slice(0, calls.count)
        .map((i) => wire.decodeRequest(i.request.body, pathOf(i.request.path))),
    ...(server ? { httpRequests: server.requests } : {}),
    // Recording, the script's steps not played (a faulted call takes none); replaying, the recorded calls.
    unusedSteps: () =>
      server
        ? Math.max(0, script.length - (calls.count - faultedCalls(faults, calls.count)))
        : Math.max(0, modelCalls().length - calls.count),
    failures: () => active.mismatches.map((mismatch) => mismatch.message),
    close: async () => {
      try {
        // Mismatches are reported by failures(); stop() would throw the first one again.
        await active.stop().catch(() => undefined);
      } finally {
        await server?.close();
      }
    },
  };
}
