/**
 * `icode/providers/gemini`: Gemini models over the official `@google/genai` SDK.
 *
 * @packageDocumentation
 */
export { gemini } from './gemini.js';
export type { GeminiSettings } from './gemini.js';
export type { GeminiRequestSettings, GeminiThinkingSettings, GeminiPartMetadata } from './gemini-request.js';
export { toGeminiSchema } from './gemini-schema.js';
export type { GeminiSchema } from './gemini-schema.js';
export type { TimedProviderSettings } from '../shared/settings.js';
