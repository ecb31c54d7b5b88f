/**
 * Live tests against the real OpenAI API, through both Chat Completions and Responses. They cost money and
 * need the network, so they run only when OPENAI_API_KEY is set (and are excluded from the default
 * `npm test` run by vitest.config.ts); the mock wire tests in test/providers cover the same paths offline.
 * Model: OPENAI_MODEL, default gpt-4.1-mini.
 */
import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/model/language-model.js';
import { openai } from '../../src/providers/openai/index.js';
import { collect, itRejectsABadKey, itStreamsAShortAnswer, textOf, weatherTool } from './helpers.js';

const apiKey = process.env.OPENAI_API_KEY;
const modelId = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';

// Skipped without a key: these tests talk to api.openai.com and are billed.
describe.skipIf(!apiKey).each(['chat', 'responses'] as const)('openai %s (live)', (api) => {
  const model = openai({ model: modelId, api, apiKey, idleTimeoutMs: 60_000 });

  itStreamsAShortAnswer(model);

  it('calls a strict tool, then answers from its result', async () => {
    const first: ModelRequest = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Use the tool.' }] }],
      tools: [weatherTool],
      toolChoice: 'required',
    };
    const parts = await collect(model.stream(first));
    const call = parts.find((p) => p.type === 'tool-call');
    expect(call).toMatchObject({ name: 'get_weather', input: { city: expect.stringMatching(/paris/i) } });
    if (call?.type !== 'tool-call') return;
    expect((call.input as Record<string, unknown>).unit).not.toBeNull();
    const second = await collect(
      model.stream({
        ...first,
        toolChoice: 'auto',
        messages: [
          ...first.messages,
          { role: 'assistant', content: [{ type: 'tool-call', id: call.id, name: call.name, input: call.input }] },
          {
            role: 'tool',
            content: [{ type: 'tool-result', id: call.id, name: call.name, output: 'Sunny, 21°C', isError: false }],
          },
        ],
      }),
    );
    expect(textOf(second)).toMatch(/21|sunny/i);
  }, 90_000);

  itRejectsABadKey('sk-proj-not-a-real-key-00000000000000', (badKey) =>
    openai({ model: modelId, api, apiKey: badKey }),
  );
});
