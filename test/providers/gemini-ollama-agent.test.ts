/**
 * The Gemini and Ollama adapters under the real agent loop: one zod tool, two turns, a 429 retried with
 * the server's delay (their SDKs do not retry; the loop does), and what the second request sends back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import type { LanguageModel, ModelRequest } from '../../src/model/language-model.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { geminiWire } from '../../src/testing/mock-server/gemini.js';
import { ollamaWire } from '../../src/testing/mock-server/ollama.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer, WireFormat } from '../../src/testing/mock-server/types.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  input: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
  readOnly: true,
  execute: ({ city }) => `Sunny in ${city}, 21 C`,
});

const cases: [string, WireFormat, (baseURL: string) => LanguageModel][] = [
  [
    'gemini',
    geminiWire,
    (baseURL) =>
      gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL, maxRetryDelayMs: 50 }),
  ],
  ['ollama', ollamaWire, (host) => ollama({ model: 'qwen3:8b', host, maxRetryDelayMs: 50 })],
];

describe.each(cases)('%s under the agent loop', (name, wire, makeModel) => {
  it('retries a 429, runs the tool, and answers from its result', async () => {
    server = await startMockServer({
      wire,
      script: [{ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }, { text: 'It is sunny in Paris.' }],
      faults: [{ type: 'status', status: 429, retryAfter: '3600', call: 1 }],
    });
    const agent = createAgent({ provider: makeModel(server.baseURL), tools: [weather], policy: fixedPolicy('allow') });
    const run = agent.run('Weather in Paris?');
    const { events, types } = await collect(run);
    const result = await run.result;

    expect(result.status).toBe('completed');
    expect(result.text).toBe('It is sunny in Paris.');
    // The server asked for an hour; maxRetryDelayMs capped it.
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ attempt: 1, delayMs: 50 });
    expect(types.filter((t) => t === 'tool-call' || t === 'tool-result')).toEqual(['tool-call', 'tool-result']);
    expect(server.requests).toHaveLength(3);

    const second = server.requests[2]?.body as Record<string, unknown>;
    if (name === 'gemini') {
      const contents = second.contents as { role: string; parts: Record<string, unknown>[] }[];
      expect(contents.slice(1)).toEqual([
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig_mock_2' }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { output: 'Sunny in Paris, 21 C' } } }],
        },
      ]);
    } else {
      const messages = second.messages as Record<string, unknown>[];
      expect(messages.slice(-2)).toEqual([
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: 'Sunny in Paris, 21 C', tool_name: 'get_weather' },
      ]);
    }
  });

  it('lets a script function read the request the adapter sent, decoded by the wire', async () => {
    const seen: ModelRequest[] = [];
    server = await startMockServer({
      wire,
      script: (request) => {
        seen.push(request);
        const last = request.messages.at(-1);
        if (last?.role === 'tool') {
          const result = last.content[0];
          return { text: `The tool said: ${String(result?.output)}` };
        }
        return { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] };
      },
    });
    const agent = createAgent({
      provider: makeModel(server.baseURL),
      tools: [weather],
      policy: fixedPolicy('allow'),
      instructions: 'Be brief.',
    });
    const run = agent.run('Weather in Oslo?');
    await collect(run);
    expect((await run.result).text).toBe('The tool said: Sunny in Oslo, 21 C');
    expect(seen[0]).toMatchObject({
      system: expect.stringContaining('Be brief.'),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] }],
      tools: [{ name: 'get_weather', description: 'Current weather for a city' }],
    });
    expect(seen[1]?.messages.slice(1)).toMatchObject([
      { role: 'assistant', content: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' } }] },
      {
        role: 'tool',
        content: [{ type: 'tool-result', name: 'get_weather', output: 'Sunny in Oslo, 21 C', isError: false }],
      },
    ]);
  });

  it('retries a stream cut before any output, and fails after output without duplicating it', async () => {
    server = await startMockServer({
      wire,
      script: [{ text: 'Hello from the model.' }, { text: 'Second answer.' }],
      faults: [
        { type: 'cut', afterBytes: 0, call: 1 },
        { type: 'truncate', call: 3 },
      ],
    });
    const agent = createAgent({ provider: makeModel(server.baseURL), policy: fixedPolicy('allow') });
    const first = agent.run('hi');
    const firstEvents = await collect(first);
    expect((await first.result).text).toBe('Hello from the model.');
    expect(firstEvents.types).toContain('retry');

    const second = agent.run('again');
    const secondEvents: string[] = [];
    await expect(
      (async () => {
        for await (const event of second) secondEvents.push(event.type);
      })(),
    ).rejects.toMatchObject({ kind: 'network' });
    await expect(second.result).rejects.toMatchObject({ kind: 'network' });
    expect(secondEvents).not.toContain('retry');
  });
});
