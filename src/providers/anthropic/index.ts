/**
 * `icode/providers/anthropic`: Claude models over the official `@anthropic-ai/sdk`.
 *
 * @packageDocumentation
 */
export { anthropic } from './anthropic.js';
export type { AnthropicSettings } from './anthropic.js';
export type { CommonProviderSettings } from '../shared/settings.js';
