/**
 * `icode/providers/openai`: OpenAI models (Chat Completions or Responses) over the official `openai` SDK,
 * and any OpenAI-compatible server through `baseURL`.
 *
 * @packageDocumentation
 */
export { openai } from './openai.js';
export type { OpenAiSettings } from './openai.js';
export type { CommonProviderSettings } from '../shared/settings.js';
