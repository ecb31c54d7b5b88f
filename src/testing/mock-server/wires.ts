/**
 * The wire formats `startMockServer` knows by name.
 *
 * Each wire lives in its own file beside this one and exports one `WireFormat` constant: `anthropicWire`
 * (`anthropic.ts`), `openaiChatWire` (`openai.ts`), `openaiResponsesWire` (`openai-responses.ts`),
 * `geminiWire` (`gemini.ts`) and `ollamaWire` (`ollama.ts`). A new wire is one import and one entry here.
 *
 * @packageDocumentation
 */
import { anthropicWire } from './anthropic.js';
import { geminiWire } from './gemini.js';
import { ollamaWire } from './ollama.js';
import { openaiChatWire } from './openai.js';
import { openaiResponsesWire } from './openai-responses.js';
import type { WireFormat, WireName } from './types.js';

/** The registered wire formats, by name. */
export const wires: Partial<Record<WireName, WireFormat>> = {
  anthropic: anthropicWire,
  openai: openaiChatWire,
  'openai-responses': openaiResponsesWire,
  gemini: geminiWire,
  ollama: ollamaWire,
};
