/**
 * Test helpers for agents built with icode: a scripted model, mock wire servers that speak the real
 * provider formats, and the store conformance suite.
 *
 * @packageDocumentation
 */
export { mockProvider } from './mock-provider.js';
export type { MockProvider, MockProviderOptions } from './mock-provider.js';
export type { MockScript, MockStep, MockStepInput, MockToolCall } from './mock-step.js';
export { startMockServer } from './mock-server/server.js';
export type {
  EncodedStream,
  Fault,
  MockServer,
  MockServerOptions,
  RecordedRequest,
  StreamErrorKind,
  WireContext,
  WireFormat,
  WireName,
  WireRejection,
} from './mock-server/types.js';
export { storeConformance } from './store-conformance.js';
export type { StoreConformanceOptions } from './store-conformance.js';
export {
  expectationFor,
  formatScenarioTable,
  loadScenario,
  loadScenarios,
  parseScenario,
  runScenario,
  SCENARIO_EVENT_TYPES,
  SCENARIO_MODEL_IDS,
  SCENARIO_PROVIDERS,
  scenarioSchema,
} from './scenario/index.js';
export type {
  EventMatcher,
  RunScenarioOptions,
  Scenario,
  ScenarioApproval,
  ScenarioCassette,
  ScenarioExpectation,
  ScenarioOutcome,
  ScenarioProvider,
  ScenarioStep,
} from './scenario/index.js';
export { wires } from './mock-server/wires.js';
export { allowModelRequests, disallowModelRequests, ModelRequestsDisallowedError } from './model-requests.js';
export type { DisallowModelRequestsOptions } from './model-requests.js';
export { cassette, CassetteMismatchError } from './cassette/index.js';
export type {
  Cassette,
  CassetteChunk,
  CassetteFile,
  CassetteInteraction,
  CassetteMode,
  CassetteOptions,
} from './cassette/index.js';
export { autoModel } from './auto-model/index.js';
export type { AutoModelOptions } from './auto-model/index.js';
export { captureRunMessages, formatTranscript } from './transcript/index.js';
export type { CapturedRun, RunLike, TranscriptOptions } from './transcript/index.js';
export { defineScenario } from './scenario/index.js';
export type { ScenarioInput } from './scenario/index.js';
