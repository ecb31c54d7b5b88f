/**
 * Gemini and Ollama settings the API would refuse on every call are a ConfigError when the model is made,
 * and the ones it takes go out as they are.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { gemini, type GeminiSettings } from '../../src/providers/gemini/index.js';
import { ollama, type OllamaSettings } from '../../src/providers/ollama/index.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer } from '../../src/testing/mock-server/types.js';
import { ask, drain } from './gemini-helpers.js';

const KEY = 'AIzaTestKey0123456789abcdefghij';
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('gemini settings', () => {
  it.each<[string, Partial<GeminiSettings>, RegExp]>([
    ['gemini-2.5-pro', { thinking: { budgetTokens: 0 } }, /2\.5 Pro.*cannot be turned off.*128–32768, got 0/],
    ['gemini-2.5-pro', { thinking: { budgetTokens: 64 } }, /128–32768, got 64/],
    ['gemini-2.5-flash', { thinking: { budgetTokens: 30_000 } }, /0 \(off\) or 1–24576, got 30000/],
    ['gemini-2.5-flash-lite', { thinking: { budgetTokens: 100 } }, /Flash-Lite.*512–24576, got 100/],
    ['gemini-2.5-flash', { thinking: { budgetTokens: -2 } }, /whole number of tokens/],
    ['gemini-2.5-flash', { thinking: { budgetTokens: 1.5 } }, /whole number of tokens/],
    ['gemini-3-flash-preview', { thinking: { level: 'extreme' as never } }, /`thinking.level` must be one of/],
    ['gemini-3-flash-preview', { thinking: { level: 'HIGH' as never } }, /`thinking.level` must be one of/],
    ['gemini-2.5-flash', { thinking: { level: 'low' } }, /does not take `thinking.level`/],
    ['gemini-3-pro-preview', { thinking: { level: 'minimal' } }, /'minimal'/],
    ['gemini-3-flash-preview', { thinking: { level: 'low', budgetTokens: 1024 } }, /not both/],
    ['gemini-2.5-flash', { thinking: { includeThoughts: 'yes' as never } }, /includeThoughts/],
    ['gemini-2.5-flash', { toolSchemas: 'openapi3' as never }, /toolSchemas/],
    ['gemini-2.5-flash', { baseURL: 'not a url' }, /baseURL/],
    ['gemini-2.5-flash', { apiVersion: '' }, /apiVersion/],
  ])('%s with %j is a ConfigError', (model, settings, message) => {
    const make = () => gemini({ model, apiKey: KEY, ...settings });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });

  it.each<[string, GeminiSettings['thinking']]>([
    ['gemini-2.5-pro', { budgetTokens: -1 }],
    ['gemini-2.5-pro', { budgetTokens: 128 }],
    ['gemini-2.5-flash', { budgetTokens: 0 }],
    ['gemini-2.5-flash-lite', { budgetTokens: 0 }],
    ['gemini-2.5-flash-lite', { budgetTokens: 512 }],
    ['gemini-3-pro-preview', { level: 'low' }],
    ['gemini-3-flash-preview', { level: 'minimal' }],
    // An alias or a tuned model: only what holds for every model is checked.
    ['gemini-flash-latest', { level: 'medium' }],
    ['my-tuned-model', { budgetTokens: 50 }],
  ])('%s takes %j, and sends it', async (model, thinking) => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'ok' }] });
    const { error } = await drain(gemini({ model, apiKey: KEY, baseURL: server.baseURL, thinking }), ask('hi'));
    expect(error).toBeUndefined();
    const config = (server.requests[0]?.body as { generationConfig: { thinkingConfig: unknown } }).generationConfig;
    expect(config.thinkingConfig).toEqual({
      includeThoughts: true,
      ...(thinking?.budgetTokens !== undefined ? { thinkingBudget: thinking.budgetTokens } : {}),
      ...(thinking?.level !== undefined ? { thinkingLevel: thinking.level.toUpperCase() } : {}),
    });
  });
});

describe('ollama settings', () => {
  it.each<[Partial<OllamaSettings>, RegExp]>([
    [{ think: 'extreme' as never }, /`think` must be true, false or one of/],
    [{ think: 1 as never }, /`think`/],
    [{ keepAlive: '5 minutes' }, /`keepAlive`/],
    [{ keepAlive: '5' }, /`keepAlive`/],
    [{ keepAlive: Number.NaN }, /`keepAlive`/],
    [{ host: 'http://[bad' }, /`host` must be a URL/],
  ])('%j is a ConfigError', (settings, message) => {
    const make = () => ollama({ model: 'qwen3:8b', ...settings });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });

  it.each<Partial<OllamaSettings>>([
    { think: 'max', keepAlive: '1h30m' },
    { think: false, keepAlive: -1 },
    { think: true, keepAlive: '0' },
  ])('takes %j, and Ollama does too', async (settings) => {
    server = await startMockServer({ wire: 'ollama', script: [{ text: 'ok' }] });
    const { error } = await drain(ollama({ model: 'qwen3:8b', host: server.baseURL, ...settings }), ask('hi'));
    expect(error).toBeUndefined();
    expect(server.requests[0]?.body).toMatchObject({ think: settings.think, keep_alive: settings.keepAlive });
  });

  it('takes a bare :port host, as the ollama SDK reads it', () => {
    expect(() => ollama({ model: 'qwen3:8b', host: ':11434' })).not.toThrow();
  });
});
