import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tool } from '../../src/index.js';
import { bodyOf, openAiAgent } from './openai-helpers.js';

// A tool whose fields strict mode cannot express: each of them becomes a node of any value (`{}`).
const inspect = tool({
  name: 'inspect',
  description: 'Inspect loosely typed values',
  input: z.object({
    anything: z.any(),
    unknown: z.unknown(),
    when: z.date().optional(),
    tags: z.set(z.string()).optional(),
    list: z.array(z.unknown()),
  }),
  readOnly: true,
  execute: async ({ anything, unknown, list }) => `got ${JSON.stringify([anything, unknown, list])}`,
});

// A tool strict mode can express: it stays strict beside the other.
const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  input: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
  readOnly: true,
  execute: async ({ city }) => `Sunny in ${city}`,
});

// A schema with keywords of the OpenAI SDK's unsupported list (`uniqueItems`, `minProperties`).
const labels = tool({
  name: 'set_labels',
  description: 'Set distinct labels',
  input: z.object({ labels: z.array(z.string()) }),
  inputSchema: {
    type: 'object',
    properties: { labels: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
    required: ['labels'],
    minProperties: 1,
  },
  readOnly: true,
  execute: async ({ labels: given }) => given.join(','),
});

const script = [
  { toolCalls: [{ name: 'inspect', input: { anything: 1, unknown: { deep: true }, list: [1, 'b'] } }] },
  { text: 'Inspected.' },
];

describe('tool schemas the OpenAI API accepts, through an agent', () => {
  it('Chat Completions: sends a tool of z.any/unknown/date/set/array(unknown) non-strict and runs it', async () => {
    const { agent, server } = await openAiAgent({ wire: 'openai', script, tools: [inspect, weather, labels] });
    const result = await agent.run('Inspect').result;
    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Inspected.');
    const output = result.messages.find((m) => m.role === 'tool')?.content[0];
    expect(output).toMatchObject({ output: 'got [1,{"deep":true},[1,"b"]]', isError: false });
    const tools = bodyOf(server, 0).tools as { function: { name: string; strict?: boolean; parameters: unknown } }[];
    const strictOf = Object.fromEntries(tools.map((t) => [t.function.name, t.function.strict ?? false]));
    expect(strictOf).toEqual({ inspect: false, get_weather: true, set_labels: false });
    // Sent as the tool defined it: the API accepts any schema without strict mode.
    expect(tools[0]?.function.parameters).toMatchObject({ properties: { anything: {}, unknown: {}, when: {} } });
  });

  it('Responses: the same tools, `strict: false` said explicitly (left out, the API would try strict)', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai-responses',
      script,
      tools: [inspect, weather, labels],
      settings: { api: 'responses' },
    });
    const result = await agent.run('Inspect').result;
    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Inspected.');
    const tools = bodyOf(server, 0).tools as { name: string; strict: boolean }[];
    expect(tools.map((t) => [t.name, t.strict])).toEqual([
      ['inspect', false],
      ['get_weather', true],
      ['set_labels', false],
    ]);
  });

  it('with strict off, every tool goes non-strict and the run works the same', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai',
      script,
      tools: [inspect, weather],
      settings: { strict: false },
    });
    expect((await agent.run('Inspect').result).text).toBe('Inspected.');
    const tools = bodyOf(server, 0).tools as { function: { strict?: boolean } }[];
    expect(tools.map((t) => t.function.strict)).toEqual([undefined, undefined]);
  });
});
