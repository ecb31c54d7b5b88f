import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type Fault, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

// One zod tool with an optional field: strict mode on OpenAI makes it nullable, and the null must not reach
// the tool's validation.
const weather = tool({
  name: 'get_weather',
  description: 'Current weather for a city',
  input: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
  readOnly: true,
  execute: async ({ city, unit }) => `Sunny and 21°${unit ?? 'c'} in ${city}`,
});

const providers: { wire: WireName; make: (baseURL: string) => LanguageModel }[] = [
  {
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL }),
  },
  { wire: 'openai', make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }) },
  {
    wire: 'openai-responses',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
  },
];

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function agentOn(
  wire: WireName,
  make: (baseURL: string) => LanguageModel,
  script: MockScript,
  faults: Fault[] = [],
) {
  server = await startMockServer({ wire, script, faults });
  const agent = createAgent({
    provider: make(server.baseURL),
    tools: [weather],
    policy: fixedPolicy('allow'),
    instructions: 'Be brief.',
  });
  return { agent, server };
}

describe.each(providers)('the same agent code on $wire', ({ wire, make }) => {
  it('runs a tool turn and a text turn, with usage and cost', async () => {
    const { agent, server } = await agentOn(wire, make, [
      {
        toolCalls: [
          { name: 'get_weather', input: wire === 'anthropic' ? { city: 'Paris' } : { city: 'Paris', unit: null } },
        ],
        usage: { inputTokens: 1000, outputTokens: 20 },
      },
      { text: 'It is sunny in Paris.', usage: { inputTokens: 1100, outputTokens: 8 } },
    ]);
    const run = agent.run('Weather in Paris?');
    const { types } = await collect(run);
    const result = await run.result;
    expect(result.status).toBe('completed');
    expect(result.text).toBe('It is sunny in Paris.');
    expect(result.usage).toMatchObject({ inputTokens: 2100, outputTokens: 28 });
    expect(result.cost).toBeGreaterThan(0);
    expect(types).toContain('tool-result');
    const toolResult = result.messages.find((m) => m.role === 'tool');
    expect(toolResult?.content[0]).toMatchObject({ output: 'Sunny and 21°c in Paris', isError: false });
    expect(server.requests).toHaveLength(2);
  });

  it('keeps one reasoning block before the text in the assistant message', async () => {
    const { agent } = await agentOn(wire, make, [{ reasoning: 'Think first, then answer.', text: 'Answer.' }]);
    const result = await agent.run('Q?').result;
    const assistant = result.messages.find((m) => m.role === 'assistant');
    expect(assistant?.content.map((part) => part.type)).toEqual(['reasoning', 'text']);
    expect(assistant?.content[0]).toMatchObject({ type: 'reasoning', text: 'Think first, then answer.' });
  });

  it('retries a 429 (retry-after: 0) and an in-stream error before any output, with retry events', async () => {
    const { agent, server } = await agentOn(
      wire,
      make,
      [{ text: 'Recovered answer.' }],
      [
        { type: 'status', status: 429, retryAfter: '0', call: 1 },
        { type: 'stream-error', kind: 'overloaded', call: 2, afterFrames: 1 },
      ],
    );
    const run = agent.run('Hi');
    const { events } = await collect(run);
    const result = await run.result;
    expect(result.text).toBe('Recovered answer.');
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
  });

  it('fails the run on a stream cut after output, without running its tool calls', async () => {
    let ran = false;
    const spy = tool({
      name: 'get_weather',
      description: 'Current weather for a city',
      input: z.object({ city: z.string() }),
      execute: async () => {
        ran = true;
        return 'x';
      },
    });
    server = await startMockServer({
      wire,
      script: [
        { text: 'Let me check the weather for you.', toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] },
      ],
      faults: [{ type: 'truncate' }],
    });
    const agent = createAgent({ provider: make(server.baseURL), tools: [spy], policy: fixedPolicy('allow') });
    const run = agent.run('Weather?');
    await expect(run.result).rejects.toMatchObject({ code: 'PROVIDER_ERROR', kind: 'network' });
    expect(ran).toBe(false);
    expect(server.requests).toHaveLength(1);
  });
});

describe('Anthropic thinking through the agent', () => {
  it('sends the signed thinking block back before the tool result on the next call', async () => {
    server = await startMockServer({
      wire: 'anthropic',
      script: [
        {
          reasoning: 'I should call the tool.',
          toolCalls: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        { text: 'Sunny in Oslo.' },
      ],
    });
    const model = anthropic({
      model: 'claude-haiku-4-5',
      apiKey: 'sk-ant-test-key-123456',
      baseURL: server.baseURL,
      thinking: { budgetTokens: 1024 },
    });
    const agent = createAgent({ provider: model, tools: [weather], policy: fixedPolicy('allow') });
    const result = await agent.run('Weather in Oslo?').result;
    expect(result.text).toBe('Sunny in Oslo.');
    const second = server.requests[1]?.body as { messages: { role: string; content: { type: string }[] }[] };
    expect(second.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should call the tool.', signature: expect.stringMatching(/^sig_mock_1_0_/) },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
      ],
    });
    expect(second.messages[2]?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
  });
});
