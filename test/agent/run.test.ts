import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, memoryStore, tool, ConfigError, RunStateError } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

describe('agent.run', () => {
  it('streams text in deltas and ends with a completed result', async () => {
    const model = mockProvider([
      { text: 'Hello there from the mock model, streaming in pieces.', usage: { inputTokens: 10, outputTokens: 7 } },
    ]);
    const agent = createAgent({ provider: model, instructions: 'Be brief.', policy: allow });
    const run = agent.run('Hi');
    const { events, types } = await collect(run);
    expect(types[0]).toBe('run-start');
    expect(types.filter((t) => t === 'text-delta').length).toBeGreaterThan(1);
    expect(types.slice(-2)).toEqual(['turn-end', 'run-end']);
    const result = await run.result;
    expect(result).toMatchObject({
      status: 'completed',
      text: 'Hello there from the mock model, streaming in pieces.',
      turns: 1,
      usage: { inputTokens: 10, outputTokens: 7 },
      sessionId: run.sessionId,
    });
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(events.every((e) => e.runId === run.runId)).toBe(true);
    expect(model.requests[0]?.system).toBe('Be brief.');
    model.assertComplete();
  });

  it('emits events in loop order for a tool turn', async () => {
    const model = mockProvider([
      {
        text: 'Let me echo.',
        toolCalls: [{ name: 'echo', input: { text: 'a' } }],
        usage: { inputTokens: 5, outputTokens: 3 },
      },
      { text: 'Done.', usage: { inputTokens: 9, outputTokens: 1 } },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const { types } = await collect(agent.run('echo a'));
    const compact = types.filter((t, i) => t !== 'text-delta' || types[i - 1] !== 'text-delta');
    expect(compact).toEqual([
      'run-start',
      'turn-start',
      'text-delta',
      'tool-call',
      'tool-result',
      'turn-end',
      'turn-start',
      'text-delta',
      'turn-end',
      'run-end',
    ]);
  });

  it('sums usage over turns and reports turn usage', async () => {
    const model = mockProvider([
      {
        toolCalls: [{ name: 'echo', input: { text: 'x' } }],
        usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 80 },
      },
      { text: 'ok', usage: { inputTokens: 120, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 } },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const run = agent.run('go');
    const { events } = await collect(run);
    const turnUsages = events.flatMap((e) => (e.type === 'turn-end' ? [e.usage] : []));
    expect(turnUsages).toEqual([
      { inputTokens: 100, outputTokens: 10, cacheReadTokens: 80 },
      { inputTokens: 120, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 },
    ]);
    expect((await run.result).usage).toEqual({
      inputTokens: 220,
      outputTokens: 15,
      cacheReadTokens: 180,
      cacheWriteTokens: 20,
    });
  });

  it('continues a conversation by sessionId', async () => {
    const store = memoryStore();
    const model = mockProvider([{ text: 'First answer.' }, { text: 'Second answer.' }]);
    const agent = createAgent({ provider: model, store, policy: allow });
    const first = await agent.run('one').result;
    const second = await agent.run('two', { sessionId: first.sessionId }).result;
    expect(second.sessionId).toBe(first.sessionId);
    expect(model.requests[1]?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const { entries, info } = await store.load(first.sessionId);
    expect(info.version).toBe(4);
    expect(entries.map((e) => e.entry.type)).toEqual(['message', 'message', 'message', 'message']);
  });

  it('creates a session with the given id and metadata', async () => {
    const store = memoryStore();
    const agent = createAgent({ provider: mockProvider([{ text: 'x' }]), store, policy: allow });
    await agent.run('hi', { sessionId: 'my-session', metadata: { user: 'ada' } }).result;
    expect(await store.get('my-session')).toMatchObject({ id: 'my-session', metadata: { user: 'ada' } });
  });

  it('stops at maxTurns with status max-turns', async () => {
    const model = mockProvider(() => ({ toolCalls: [{ name: 'echo', input: { text: String(Math.random()) } }] }));
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow, maxTurns: 3 });
    const result = await agent.run('loop forever').result;
    expect(result.status).toBe('max-turns');
    expect(result.turns).toBe(3);
    expect(model.requests).toHaveLength(3);
    // The run's override wins over the agent's setting.
    const short = await agent.run('again', { maxTurns: 1 }).result;
    expect(short.turns).toBe(1);
  });

  it('accepts text and image parts as input', async () => {
    const model = mockProvider([{ text: 'A red square.' }]);
    const agent = createAgent({ provider: model, policy: allow });
    await agent.run([
      { type: 'text', text: 'What is this?' },
      { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
    ]).result;
    expect(model.requests[0]?.messages[0]?.content[1]).toEqual({
      type: 'image',
      mediaType: 'image/png',
      data: 'iVBORw0KGgo=',
    });
  });

  it('sends tool JSON schemas derived from zod', async () => {
    const model = mockProvider([{ text: 'ok' }]);
    const weather = tool({
      name: 'get_weather',
      description: 'Current weather for a city',
      input: z.object({ city: z.string().describe('City name'), units: z.enum(['c', 'f']).default('c') }),
      readOnly: true,
      execute: ({ city }) => `Sunny in ${city}`,
    });
    await createAgent({ provider: model, tools: [weather], policy: allow }).run('hi').result;
    expect(model.requests[0]?.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        inputSchema: {
          type: 'object',
          properties: {
            city: { type: 'string', description: 'City name' },
            units: { type: 'string', enum: ['c', 'f'], default: 'c' },
          },
          required: ['city'],
        },
      },
    ]);
  });

  it('refuses bad configuration with ConfigError', () => {
    expect(() => createAgent({} as never)).toThrow(ConfigError);
    expect(() => createAgent({ provider: mockProvider([]), tools: [echoTool, echoTool] })).toThrow(/unique/);
    expect(() => createAgent({ provider: mockProvider([]), maxTurns: 0 })).toThrow(ConfigError);
    expect(() => createAgent({ provider: mockProvider([]), maxCostUsd: 1 })).toThrow(/pricing/);
    expect(() => tool({ name: 'bad name', description: '', input: z.object({}), execute: () => '' })).toThrow(
      ConfigError,
    );
    const agent = createAgent({ provider: mockProvider([]), policy: allow });
    expect(() => agent.run('')).not.toThrow();
    expect(() => agent.run([])).toThrow(ConfigError);
  });

  it('throws a clear error when a run is iterated twice', async () => {
    const agent = createAgent({ provider: mockProvider([{ text: 'x' }]), policy: allow });
    const run = agent.run('hi');
    run[Symbol.asyncIterator]();
    expect(() => run[Symbol.asyncIterator]()).toThrow(RunStateError);
    await run.result;
  });

  it('settles result with no consumer attached and buffers nothing', async () => {
    const model = mockProvider([{ text: 'no one listens' }]);
    const agent = createAgent({ provider: model, policy: allow });
    const result = await agent.run('hi').result;
    expect(result.text).toBe('no one listens');
  });
});
