/**
 * Live tests against the real OpenAI API, through both Chat Completions and Responses. They cost money and
 * need the network, so they run only when OPENAI_API_KEY is set (and are excluded from the default
 * `npm test` run by vitest.config.ts); the mock wire tests in test/providers cover the same paths offline.
 * Model: OPENAI_MODEL, default gpt-4.1-mini.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelRequest, ModelStreamPart } from '../../src/model/language-model.js';
import { openai } from '../../src/providers/openai/index.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

const apiKey = process.env.OPENAI_API_KEY;
const modelId = process.env.OPENAI_MODEL ?? 'gpt-4.1-mini';

async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  // `unit` is optional: strict mode sends it as nullable and the adapter drops a null again.
  inputSchema: toJsonSchema(z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() })),
};

// Skipped without a key: these tests talk to api.openai.com and are billed.
describe.skipIf(!apiKey).each(['chat', 'responses'] as const)('openai %s (live)', (api) => {
  const model = openai({ model: modelId, api, apiKey, idleTimeoutMs: 60_000 });

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

  it('calls a strict tool, then answers from its result', async () => {
    const first: ModelRequest = {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris? Use the tool.' }] }],
      tools: [weather],
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
    const text = second.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');
    expect(text).toMatch(/21|sunny/i);
  }, 90_000);

  it('rejects a bad key as auth without showing it', async () => {
    const badKey = 'sk-proj-not-a-real-key-00000000000000';
    const bad = openai({ model: modelId, api, apiKey: badKey });
    const error = await collect(
      bad.stream({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [] }),
    ).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error).message).not.toContain(badKey);
  }, 60_000);
});
