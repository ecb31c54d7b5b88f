import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import type { WireName } from '../../src/testing/mock-server/types.js';

/** Keys that look real: tests check that none of them reaches a recording. */
export const KEYS = {
  anthropic: 'sk-ant-api03-SECRETanthropicKEY0000000000',
  openai: 'sk-proj-SECRETopenaiKEY000000000000000',
  gemini: 'AIzaSECRETgeminiKEY0000000000000000000',
  ollama: 'SECRETollamaPASSWORD',
} as const;

/** The four providers, each as its real adapter pointed at `baseURL`, and the wire that answers it. */
export const WIRE_MODELS: Record<
  'anthropic' | 'openai' | 'gemini' | 'ollama',
  { wire: WireName; model: (baseURL: string) => LanguageModel }
> = {
  anthropic: {
    wire: 'anthropic',
    model: (baseURL) => anthropic({ model: 'claude-haiku-4-5', apiKey: KEYS.anthropic, baseURL, maxRetries: 0 }),
  },
  openai: {
    wire: 'openai',
    model: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: KEYS.openai, baseURL, maxRetries: 0 }),
  },
  gemini: {
    wire: 'gemini',
    model: (baseURL) => gemini({ model: 'gemini-2.5-flash', apiKey: KEYS.gemini, baseURL, maxRetries: 0 }),
  },
  ollama: {
    wire: 'ollama',
    model: (baseURL) =>
      ollama({ model: 'qwen3:8b', host: baseURL, maxRetries: 0, headers: { Authorization: `Bearer ${KEYS.ollama}` } }),
  },
};

export const PROVIDER_NAMES = Object.keys(WIRE_MODELS) as (keyof typeof WIRE_MODELS)[];
