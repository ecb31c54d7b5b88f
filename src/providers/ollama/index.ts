/**
 * `icode/providers/ollama`: local and self-hosted models over the official `ollama` SDK.
 *
 * @packageDocumentation
 */
export { ollama } from './ollama.js';
export type { OllamaSettings } from './ollama.js';
export type { OllamaRequestSettings } from './ollama-request.js';
export type { TimedProviderSettings } from '../shared/settings.js';
