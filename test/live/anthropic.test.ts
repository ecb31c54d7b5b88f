/**
 * Live tests against the real Anthropic API. They cost money and need the network, so they run only when
 * ANTHROPIC_API_KEY is set (and are excluded from the default `npm test` run by vitest.config.ts); the mock
 * wire tests in test/providers cover the same paths offline. Model: ANTHROPIC_MODEL, default
 * claude-haiku-4-5. Run them with a config that includes test/live (the default one excludes it).
 */
import { describe, expect, it } from 'vitest';
import type { ModelRequest } from '../../src/model/language-model.js';
import type { AssistantMessage } from '../../src/model/message.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { collect, itRejectsABadKey, itStreamsAShortAnswer, textOf, weatherTool } from './helpers.js';

const apiKey = process.env.ANTHROPIC_API_KEY;
const modelId = process.env.ANTHROPIC_MODEL ?? 'claude-haiku-4-5';

// Skipped without a key: these tests talk to api.anthropic.com and are billed.
describe.skipIf(!apiKey)('anthropic (live)', () => {
  const model = anthropic({ model: modelId, apiKey, idleTimeoutMs: 60_000 });

  itStreamsAShortAnswer(model);

  it('calls a tool, then answers from its result', async () => {
    const first: ModelRequest = {
      system: 'Use tools when asked.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Use the tool.' }] }],
      tools: [weatherTool],
      toolChoice: 'required',
    };
    const parts = await collect(model.stream(first));
    const call = parts.find((p) => p.type === 'tool-call');
    expect(call).toMatchObject({ name: 'get_weather', input: { city: expect.stringMatching(/paris/i) } });
    if (call?.type !== 'tool-call') return;
    const assistant: AssistantMessage = {
      role: 'assistant',
      content: [{ type: 'tool-call', id: call.id, name: call.name, input: call.input }],
    };
    const second = await collect(
      model.stream({
        ...first,
        toolChoice: 'auto',
        messages: [
          ...first.messages,
          assistant,
          {
            role: 'tool',
            content: [{ type: 'tool-result', id: call.id, name: call.name, output: 'Sunny, 21°C', isError: false }],
          },
        ],
      }),
    );
    expect(textOf(second)).toMatch(/21|sunny/i);
  }, 90_000);

  itRejectsABadKey('sk-ant-api03-not-a-real-key-0000000000', (badKey) => anthropic({ model: modelId, apiKey: badKey }));
});
