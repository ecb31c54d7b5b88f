/**
 * The settings every provider factory shares (retries, timeouts, headers, pricing, context window): a bad
 * value is a `ConfigError` at construction, a good one shows on the model the agent reads. Through the
 * factories users call, for each provider.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';

type Make = (model: unknown, extra: Record<string, unknown>) => LanguageModel;
const factories: { name: string; make: Make; model: string }[] = [
  {
    name: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    make: (model, extra) => anthropic({ model, apiKey: 'sk-ant-test', ...extra } as never),
  },
  {
    name: 'openai',
    model: 'gpt-4.1-mini',
    make: (model, extra) => openai({ model, apiKey: 'sk-test', ...extra } as never),
  },
  {
    name: 'gemini',
    model: 'gemini-2.5-flash',
    make: (model, extra) => gemini({ model, apiKey: 'AIza-test', ...extra } as never),
  },
  { name: 'ollama', model: 'qwen3:8b', make: (model, extra) => ollama({ model, ...extra } as never) },
];

function configError(make: () => unknown): ConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe.each(factories)('$name: shared settings', ({ name, make, model }) => {
  it.each([undefined, '', '   ', 42])('refuses the model id %j', (bad) => {
    expect(configError(() => make(bad, {})).message).toMatch(
      new RegExp(`^${name}(\\(\\))?: .model. (is required|must be)`),
    );
  });

  it('refuses a blank model id with the shared message', () => {
    expect(configError(() => make(' \t ', {})).message).toBe(
      `${name}: \`model\` must be a non-empty model id, got " \\t ".`,
    );
  });

  it.each([
    ['maxRetries', -1],
    ['maxRetries', 1.5],
    ['maxRetries', '2'],
    ['maxRetries', Number.NaN],
    ['contextWindow', -100],
    ['contextWindow', 1000.5],
  ])('refuses %s = %j as a count', (key, value) => {
    expect(configError(() => make(model, { [key]: value })).message).toBe(
      `${name}: \`${key}\` must be a whole number ≥ 0, got ${JSON.stringify(value)}.`,
    );
  });

  it.each([
    ['timeoutMs', '10s'],
    ['timeoutMs', -1],
    ['idleTimeoutMs', Number.POSITIVE_INFINITY],
    ['idleTimeoutMs', Number.NaN],
    ['maxRetryDelayMs', -0.5],
    ['maxRetryDelayMs', null],
  ])('refuses %s = %j as a duration', (key, value) => {
    expect(configError(() => make(model, { [key]: value })).message).toBe(
      `${name}: \`${key}\` must be a number of milliseconds ≥ 0, got ${JSON.stringify(value)}.`,
    );
  });

  it('accepts zero counts and durations (no retries, no timeout)', () => {
    const built = make(model, { maxRetries: 0, timeoutMs: 0, idleTimeoutMs: 0, maxRetryDelayMs: 0 });
    expect(built.retry).toEqual({ maxRetries: 0, maxRetryDelayMs: 0 });
  });

  it('defaults to two retries with no delay cap of its own', () => {
    expect(make(model, {}).retry).toEqual({ maxRetries: 2 });
    expect(make(model, { maxRetries: 5, maxRetryDelayMs: 1234 }).retry).toEqual({
      maxRetries: 5,
      maxRetryDelayMs: 1234,
    });
  });

  it('takes pricing and context window from the settings over the table', () => {
    const pricing = { inputPerMTok: 7, outputPerMTok: 9 };
    const built = make(model, { pricing, contextWindow: 4096 });
    expect(built.pricing).toEqual(pricing);
    expect(built.contextWindow).toBe(4096);
  });
});

describe.each(factories.filter((f) => f.name === 'anthropic' || f.name === 'openai'))(
  '$name: headers',
  ({ name, make, model }) => {
    it.each([null, 'x-a: 1', { 'x-a': 1 }, { 'x-a': 'ok', 'x-b': ['no'] }])('refuses headers %j', (headers) => {
      expect(configError(() => make(model, { headers })).message).toBe(
        `${name}: \`headers\` must be an object of strings.`,
      );
    });

    it('accepts an object of strings', () => {
      expect(() => make(model, { headers: { 'x-team': 'core' } })).not.toThrow();
    });
  },
);

describe('the price table behind result.cost', () => {
  it('knows dated and routed ids by their family, and no unknown model', () => {
    expect(anthropic({ model: 'claude-sonnet-4-5-20250929', apiKey: 'k' }).pricing).toEqual({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: 3.75,
    });
    expect(anthropic({ model: 'claude-sonnet-4-5', apiKey: 'k' }).contextWindow).toBe(200_000);
    const mini = openai({ model: 'openai/gpt-4o-mini-2024-07-18', apiKey: 'k' });
    expect(mini.pricing).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(mini.contextWindow).toBe(128_000);
    expect(openai({ model: 'GPT-4.1', apiKey: 'k' }).pricing).toMatchObject({ inputPerMTok: 2 });
    expect(openai({ model: 'o3x', apiKey: 'k' }).pricing).toBeUndefined();
    expect(openai({ model: 'o3x', apiKey: 'k' }).contextWindow).toBeUndefined();
    expect(openai({ model: 'o3@2025', apiKey: 'k' }).pricing).toMatchObject({ inputPerMTok: 2 });
    expect(gemini({ model: 'models/gemini-2.5-flash-lite', apiKey: 'k' }).pricing).toMatchObject({
      inputPerMTok: 0.1,
    });
    expect(gemini({ model: 'gemini-2.5-flash:latest', apiKey: 'k' }).pricing).toMatchObject({ inputPerMTok: 0.3 });
    expect(anthropic({ model: 'my-finetune', apiKey: 'k' }).pricing).toBeUndefined();
  });

  it('prices local Ollama models at zero, with no context window', () => {
    const local = ollama({ model: 'llama3.2' });
    expect(local.pricing).toEqual({ inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 });
    expect(local.contextWindow).toBeUndefined();
  });
});
