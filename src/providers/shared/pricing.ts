/**
 * Prices and context windows of current models, so `result.cost` works without configuration.
 *
 * Prices are USD per million tokens from each provider's public price list (standard tier, prompts within
 * the base context tier). They change: every adapter takes a `pricing` setting that overrides this table.
 *
 * @packageDocumentation
 */
import type { ModelPricing } from '../../model/language-model.js';

/** What the table knows about one model family. */
export interface ModelInfo {
  readonly pricing: ModelPricing;
  readonly contextWindow?: number;
}

function p(input: number, output: number, cacheRead?: number, cacheWrite?: number): ModelPricing {
  return {
    inputPerMTok: input,
    outputPerMTok: output,
    ...(cacheRead !== undefined ? { cacheReadPerMTok: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cacheWritePerMTok: cacheWrite } : {}),
  };
}

// Anthropic: a 5-minute cache write costs 1.25 × input, a cache hit 0.1 × input.
const anthropic = (input: number, output: number, contextWindow = 200_000): ModelInfo => ({
  pricing: p(input, output, input / 10, input * 1.25),
  contextWindow,
});
// OpenAI: cached input is discounted; there is no separate cache-write price (writes bill as input).
const openai = (input: number, output: number, cacheRead: number, contextWindow: number): ModelInfo => ({
  pricing: p(input, output, cacheRead, input),
  contextWindow,
});
const gemini = (input: number, output: number, cacheRead: number, contextWindow = 1_048_576): ModelInfo => ({
  pricing: p(input, output, cacheRead, input),
  contextWindow,
});

/**
 * The price table: provider → model id prefix → info. Lookups pick the longest prefix of the model id, so
 * dated ids (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) find their family.
 */
export const MODEL_TABLE: Readonly<Record<string, Readonly<Record<string, ModelInfo>>>> = {
  anthropic: {
    'claude-fable-5-1': anthropic(10, 50),
    'claude-mythos-5-1': anthropic(10, 50),
    'claude-fable-5': { pricing: p(10, 50, 1, 12.5), contextWindow: 200_000 },
    'claude-mythos-5': { pricing: p(10, 50, 1, 12.5), contextWindow: 200_000 },
    'claude-opus-5': anthropic(5, 25),
    'claude-opus-4-8': anthropic(5, 25),
    'claude-opus-4-7': anthropic(5, 25),
    'claude-opus-4-6': anthropic(5, 25),
    'claude-opus-4-5': anthropic(5, 25),
    'claude-opus-4-1': anthropic(15, 75),
    'claude-opus-4': anthropic(15, 75),
    'claude-sonnet-4-6': anthropic(3, 15),
    'claude-sonnet-4-5': anthropic(3, 15),
    'claude-sonnet-4': anthropic(3, 15),
    'claude-3-7-sonnet': anthropic(3, 15),
    'claude-haiku-4-5': anthropic(1, 5),
    'claude-3-5-haiku': anthropic(0.8, 4),
    'claude-3-haiku': { pricing: p(0.25, 1.25, 0.03, 0.3), contextWindow: 200_000 },
  },
  openai: {
    'gpt-5.1': openai(1.25, 10, 0.125, 400_000),
    'gpt-5-mini': openai(0.25, 2, 0.025, 400_000),
    'gpt-5-nano': openai(0.05, 0.4, 0.005, 400_000),
    'gpt-5': openai(1.25, 10, 0.125, 400_000),
    'gpt-4.1-mini': openai(0.4, 1.6, 0.1, 1_047_576),
    'gpt-4.1-nano': openai(0.1, 0.4, 0.025, 1_047_576),
    'gpt-4.1': openai(2, 8, 0.5, 1_047_576),
    'gpt-4o-mini': openai(0.15, 0.6, 0.075, 128_000),
    'gpt-4o': openai(2.5, 10, 1.25, 128_000),
    'o4-mini': openai(1.1, 4.4, 0.275, 200_000),
    'o3-mini': openai(1.1, 4.4, 0.55, 200_000),
    o3: openai(2, 8, 0.5, 200_000),
    o1: openai(15, 60, 7.5, 200_000),
  },
  gemini: {
    'gemini-2.5-pro': gemini(1.25, 10, 0.125),
    'gemini-2.5-flash-lite': gemini(0.1, 0.4, 0.01),
    'gemini-2.5-flash': gemini(0.3, 2.5, 0.03),
    'gemini-2.0-flash-lite': gemini(0.075, 0.3, 0.075),
    'gemini-2.0-flash': gemini(0.1, 0.4, 0.025),
  },
};

const FREE: ModelPricing = { inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 };

/** Strips what routers and SDKs put before a model id: `openai/gpt-4o`, `models/gemini-2.5-pro`. */
function bareId(modelId: string): string {
  const slash = modelId.lastIndexOf('/');
  return slash >= 0 ? modelId.slice(slash + 1) : modelId;
}

/**
 * What the table knows about a model: the entry whose key is the longest prefix of the model id
 * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, not `gpt-4o`). A prefix must end at the id's end or before a
 * `-` or `.`, so `o3` never matches `o3x`.
 *
 * @example
 * ```ts
 * modelInfo('anthropic', 'claude-sonnet-4-5-20250929')?.contextWindow; // 200000
 * ```
 */
export function modelInfo(provider: string, modelId: string): ModelInfo | undefined {
  if (provider === 'ollama') return { pricing: FREE };
  const table = MODEL_TABLE[provider];
  if (!table) return undefined;
  const id = bareId(modelId).toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (!id.startsWith(key)) continue;
    const next = id.charAt(key.length);
    if (next !== '' && next !== '-' && next !== '.' && next !== '@' && next !== ':') continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The price of a model in USD per million tokens, or `undefined` when the table does not know it. Ollama
 * models run locally and cost nothing. `override` (an adapter's `pricing` setting) wins.
 *
 * @example
 * ```ts
 * priceOf('openai', 'gpt-4.1-mini'); // { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1, … }
 * priceOf('anthropic', 'my-finetune', { inputPerMTok: 1, outputPerMTok: 2 }); // the override
 * ```
 */
export function priceOf(provider: string, modelId: string, override?: ModelPricing): ModelPricing | undefined {
  return override ?? modelInfo(provider, modelId)?.pricing;
}

/**
 * The context window of a model in tokens, where the table knows it.
 *
 * @example
 * ```ts
 * contextWindowOf('gemini', 'gemini-2.5-flash'); // 1048576
 * ```
 */
export function contextWindowOf(provider: string, modelId: string): number | undefined {
  return modelInfo(provider, modelId)?.contextWindow;
}
