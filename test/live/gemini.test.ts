/**
 * Live tests against the real Gemini API. They cost money and need the network, so they run only when
 * GEMINI_API_KEY is set (and are excluded from the default `npm test` run by vitest.config.ts); the mock
 * wire tests in test/providers cover the same paths offline. Model: GEMINI_MODEL, default gemini-2.5-flash.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/model/language-model.js';
import type { AssistantMessage } from '../../src/model/message.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { collect, itStreamsAShortAnswer, say, textOf, weatherTool } from './helpers.js';

const apiKey = process.env.GEMINI_API_KEY;
const modelId = process.env.GEMINI_MODEL ?? 'gemini-2.5-flash';

// Skipped without a key: these tests talk to generativelanguage.googleapis.com and are billed.
describe.skipIf(!apiKey)('gemini (live)', () => {
  const model = gemini({ model: modelId, apiKey, idleTimeoutMs: 60_000, thinking: { budgetTokens: 1024 } });

  itStreamsAShortAnswer(model);

  it('calls a tool, then answers from its result with the thought signature sent back', async () => {
    const first: ModelRequest = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Use the tool.' }] }],
      tools: [weatherTool],
    };
    const parts = await collect(model.stream(first));
    const calls = parts.filter((p) => p.type === 'tool-call');
    expect(calls[0]).toMatchObject({ name: 'get_weather', input: { city: expect.stringMatching(/paris/i) } });
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    const assistant: AssistantMessage = {
      role: 'assistant',
      content: calls.map((c) => ({
        type: 'tool-call',
        id: c.id,
        name: c.name,
        input: c.input,
        ...(c.providerMetadata ? { providerMetadata: c.providerMetadata } : {}),
      })),
    };
    const second = await collect(
      model.stream({
        ...first,
        messages: [
          ...first.messages,
          assistant,
          {
            role: 'tool',
            content: calls.map((c) => ({
              type: 'tool-result',
              id: c.id,
              name: c.name,
              output: 'Sunny, 21 C',
              isError: false,
            })),
          },
        ],
      }),
    );
    expect(textOf(second)).toMatch(/21|sunny/i);
  }, 90_000);

  it('reports a bad key as auth, without the key', async () => {
    const bad = 'AIzaSyInvalidKeyForIcodeLiveTest000000000';
    const parts = gemini({ model: modelId, apiKey: bad }).stream(say('hi'));
    const error = await collect(parts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'auth' });
    expect(inspect(error, { depth: 10 })).not.toContain(bad);
  }, 30_000);
});
