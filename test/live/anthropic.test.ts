/**
 * Live tests against the real Anthropic API. They cost money and need the network, so they run only when
 * ANTHROPIC_API_KEY is set (and are excluded from the default `npm test` run by vitest.config.ts); the mock
 * wire tests in test/providers cover the same paths offline. Model: ANTHROPIC_MODEL, default
 * claude-haiku-4-5. Run them with a config that includes test/live (the default one excludes it).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelRequest, ModelStreamPart } from '../../src/model/language-model.js';
import type { AssistantMessage } from '../../src/model/message.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

const apiKey = process.env.ANTHROPIC_API_KEY;
const modelId = process.env.ANTHROPIC_MODEL ?? 'claude-haiku-4-5';

async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: toJsonSchema(z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() })),
};

// Skipped without a key: these tests talk to api.anthropic.com and are billed.
describe.skipIf(!apiKey)('anthropic (live)', () => {
  const model = anthropic({ model: modelId, apiKey, idleTimeoutMs: 60_000 });

  it('streams a short answer with usage and a stop', async () => {
    const parts = await collect(
      model.stream({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the single word: pong' }] }],
        tools: [],
      }),
    );
    const text = parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
    expect(text.toLowerCase()).toContain('pong');
    expect(parts.find((p) => p.type === 'usage')).toBeDefined();
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  }, 60_000);

  it('calls a tool, then answers from its result', async () => {
    const first: ModelRequest = {
      system: 'Use tools when asked.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Use the tool.' }] }],
      tools: [weather],
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
    const text = second.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
    expect(text).toMatch(/21|sunny/i);
  }, 90_000);

  it('rejects a bad key as auth without showing it', async () => {
    const badKey = 'sk-ant-api03-not-a-real-key-0000000000';
    const bad = anthropic({ model: modelId, apiKey: badKey });
    const error = await collect(
      bad.stream({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [] }),
    ).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).not.toContain(badKey);
  }, 60_000);
});
