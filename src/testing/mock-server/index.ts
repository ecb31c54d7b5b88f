/**
 * Mock wire servers: real HTTP servers on 127.0.0.1 that speak the Anthropic, OpenAI (Chat Completions and
 * Responses), Gemini and Ollama streaming formats from a script, for end-to-end tests of provider adapters
 * and the official SDKs under them.
 *
 * @packageDocumentation
 */
export { startMockServer } from './server.js';
export { wires } from './wires.js';
export { anthropicWire } from './anthropic.js';
export { openaiChatWire } from './openai.js';
export { openaiResponsesWire } from './openai-responses.js';
export { geminiWire } from './gemini.js';
export { ollamaWire } from './ollama.js';
export {
  ndjsonFrame,
  splitArguments,
  splitText,
  sseFrame,
  stepFinishReason,
  stepUsage,
  toolArguments,
  toolCallId,
} from './frames.js';
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
} from './types.js';
