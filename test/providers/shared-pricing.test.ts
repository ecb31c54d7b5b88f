import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/index.js';
import { contextWindowOf, modelInfo, priceOf } from '../../src/providers/shared/pricing.js';

describe('price table', () => {
  it('finds dated and routed model ids by their longest prefix', () => {
    expect(priceOf('anthropic', 'claude-sonnet-4-5-20250929')).toEqual({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    });
    expect(priceOf('anthropic', 'claude-opus-4-1-20250805')?.inputPerMTok).toBe(15);
    expect(priceOf('anthropic', 'claude-opus-4-5-20251101')?.inputPerMTok).toBe(5);
    expect(priceOf('openai', 'gpt-4o-mini-2024-07-18')?.inputPerMTok).toBe(0.15);
    expect(priceOf('openai', 'gpt-4o-2024-08-06')?.inputPerMTok).toBe(2.5);
    expect(priceOf('openai', 'openai/gpt-4.1-mini')?.outputPerMTok).toBe(1.6);
    expect(priceOf('openai', 'gpt-5-mini-2025-08-07')?.inputPerMTok).toBe(0.25);
    expect(priceOf('gemini', 'models/gemini-2.5-flash-lite')?.inputPerMTok).toBe(0.1);
    expect(priceOf('gemini', 'gemini-2.5-flash-preview-09-2025')?.inputPerMTok).toBe(0.3);
  });

  it('does not match a prefix that stops inside a word', () => {
    expect(priceOf('openai', 'o3x-large')).toBeUndefined();
    expect(priceOf('openai', 'o3-pro-2025')?.inputPerMTok).toBe(2);
  });

  it('knows nothing of unknown models and providers, and charges nothing for Ollama', () => {
    expect(priceOf('anthropic', 'claude-unknown')).toBeUndefined();
    expect(priceOf('mystery', 'x')).toBeUndefined();
    expect(priceOf('ollama', 'qwen3:8b')).toEqual({
      inputPerMTok: 0,
      outputPerMTok: 0,
      cacheReadPerMTok: 0,
      cacheWritePerMTok: 0,
    });
  });

  it('lets an override win', () => {
    expect(priceOf('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 1 })).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 1,
    });
  });

  it('knows context windows', () => {
    expect(contextWindowOf('anthropic', 'claude-haiku-4-5')).toBe(200_000);
    expect(contextWindowOf('openai', 'gpt-4.1')).toBe(1_047_576);
    expect(contextWindowOf('gemini', 'gemini-2.5-pro')).toBe(1_048_576);
    expect(modelInfo('ollama', 'llama3')?.contextWindow).toBeUndefined();
  });

  it('costs usage with cache reads and writes at their own rates', () => {
    const pricing = priceOf('anthropic', 'claude-sonnet-4-5')!;
    // 1M input of which 600k read from cache and 100k written: 300k × 3 + 600k × 0.3 + 100k × 3.75 + 200k × 15.
    const cost = costOf(
      { inputTokens: 1_000_000, outputTokens: 200_000, cacheReadTokens: 600_000, cacheWriteTokens: 100_000 },
      pricing,
    );
    expect(cost).toBeCloseTo(0.9 + 0.18 + 0.375 + 3, 10);
    expect(costOf({ inputTokens: 2_000_000, outputTokens: 0 }, { inputPerMTok: 2, outputPerMTok: 8 })).toBe(4);
  });
});
