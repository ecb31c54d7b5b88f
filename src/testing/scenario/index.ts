/**
 * End-to-end scenarios: a file format, a loader and a runner that plays each scenario on the mock model
 * and on every provider adapter through its mock wire server.
 *
 * @packageDocumentation
 */
export { expectationFor, runScenario } from './run-scenario.js';
export type { RunScenarioOptions, ScenarioOutcome } from './run-scenario.js';
export type { ScenarioCassette } from './cassette-model.js';
export { loadScenario, loadScenarios, parseScenario } from './load.js';
export { SCENARIO_EVENT_TYPES, SCENARIO_PROVIDERS, scenarioSchema } from './schema.js';
export type {
  EventMatcher,
  Scenario,
  ScenarioApproval,
  ScenarioExpectation,
  ScenarioProvider,
  ScenarioStep,
} from './schema.js';
export { SCENARIO_MODEL_IDS } from './providers.js';
export { formatScenarioTable } from './table.js';
export { defineScenario } from './define-scenario.js';
export type { ScenarioInput } from './define-scenario.js';
