/**
 * `toolSearch` through a whole agent: 100 deferred tools behind one `tool_search` tool, a real policy and
 * a scripted model. The first request is small; a search loads the match into the next request, where the
 * call runs through the policy; what a session loaded stays loaded in its next run.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, memoryStore, tool, type AgentEvent, type Tool, type Toolset } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { toolSearch } from '../../src/tools/builtin/index.js';

const calls: string[] = [];

/** 99 dull tools and one that tells the weather: 100 deferred tools. */
function manyTools(): Tool[] {
  const tools: Tool[] = Array.from({ length: 99 }, (_, i) => {
    const name = `inventory_${String(i).padStart(3, '0')}`;
    return tool({
      name,
      description: `Counts the stock of warehouse shelf ${i}.`,
      input: z.object({ shelf: z.number() }),
      execute: ({ shelf }) => {
        calls.push(name);
        return `shelf ${shelf}: 12 boxes`;
      },
    });
  });
  tools.push(
    tool({
      name: 'get_weather',
      description: 'Current weather for a city.',
      input: z.object({ city: z.string() }),
      execute: ({ city }) => {
        calls.push('get_weather');
        return `Sunny in ${city}`;
      },
    }),
  );
  return tools;
}

async function drain(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

const names = (tools: readonly { name: string }[]): string[] => tools.map((t) => t.name).sort();

describe('toolSearch over 100 deferred tools', () => {
  it('sends a small tool list, loads what a search finds into the next request, and runs it through the policy', async () => {
    calls.length = 0;
    const model = mockProvider([
      { toolCalls: [{ name: 'tool_search', input: { query: 'weather' } }] },
      { toolCalls: [{ name: 'get_weather', input: { city: 'Lyon' } }] },
      { text: 'It is sunny in Lyon.' },
      // The next run of the same session: the loaded tool is still there.
      { text: 'Still here.' },
    ]);
    const store = memoryStore();
    const agent = createAgent({
      provider: model,
      store,
      tools: [toolSearch({ tools: manyTools(), alwaysLoaded: ['inventory_000'] })],
      policy: createPolicy({ mode: 'workspace-write' }),
    });
    const events = await drain(agent.run('What is the weather in Lyon?', { sessionId: 's1' }));
    const [first, second] = model.requests;
    expect(names(first!.tools)).toEqual(['inventory_000', 'tool_search']);
    // The deferred tools are named in the search tool's description, by name only.
    const search = first!.tools.find((t) => t.name === 'tool_search')!;
    expect(search.description).toContain('get_weather');
    expect(search.description).toContain('inventory_098');
    expect(search.description).not.toContain('inventory_000');
    expect(names(second!.tools)).toEqual(['get_weather', 'inventory_000', 'tool_search']);
    const results = events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    expect(results.map((r) => [r.name, r.isError])).toEqual([
      ['tool_search', false],
      ['get_weather', false],
    ]);
    expect(String(results[0]!.output)).toMatch(/get_weather: Current weather for a city/);
    expect(results[1]!.output).toBe('Sunny in Lyon');
    expect(calls).toEqual(['get_weather']);

    await drain(agent.run('And now?', { sessionId: 's1' }));
    expect(names(model.requests[3]!.tools)).toEqual(['get_weather', 'inventory_000', 'tool_search']);
    model.assertComplete();
  });

  it('refuses a loaded tool that a deny rule names, and keeps the load per session', async () => {
    calls.length = 0;
    const model = mockProvider([
      { toolCalls: [{ name: 'tool_search', input: { query: 'select:inventory_042,inventory_043' } }] },
      {
        toolCalls: [
          { name: 'inventory_042', input: { shelf: 42 } },
          { name: 'inventory_043', input: { shelf: 43 } },
        ],
      },
      { text: 'Shelf 43 has 12 boxes.' },
      { text: 'A new session.' },
    ]);
    const agent = createAgent({
      provider: model,
      tools: [toolSearch({ tools: manyTools() })],
      policy: createPolicy({ mode: 'workspace-write', deny: ['inventory_042'] }),
    });
    const events = await drain(agent.run('Count shelves 42 and 43', { sessionId: 'a' }));
    expect(names(model.requests[1]!.tools)).toEqual(['inventory_042', 'inventory_043', 'tool_search']);
    const results = events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    // Calls of one turn run concurrently: their results are events in the order they finish.
    const byName = results.slice(1).sort((a, b) => a.name.localeCompare(b.name));
    expect(byName.map((r) => [r.name, r.isError, r.errorCode])).toEqual([
      ['inventory_042', true, 'PERMISSION_DENIED'],
      ['inventory_043', false, undefined],
    ]);
    expect(calls).toEqual(['inventory_043']);

    await drain(agent.run('Hello', { sessionId: 'b' }));
    expect(names(model.requests[3]!.tools)).toEqual(['tool_search']);
    model.assertComplete();
  });

  it('searches by keyword, wildcard and regex, best match first, and answers a bad pattern with an error result', async () => {
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'tool_search', input: { query: 'inventory_01*', max_results: 3 } },
          { name: 'tool_search', input: { query: 'nothing-like-this' } },
          { name: 'tool_search', input: { query: '/(a+)+$/' } },
          { name: 'tool_search', input: { query: '/^get_/' } },
        ],
      },
      { text: 'done' },
    ]);
    const agent = createAgent({ provider: model, tools: [toolSearch({ tools: manyTools() })] });
    const events = await drain(agent.run('find tools'));
    const results = events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    expect(results[0]!.output).toMatch(/inventory_010[^]*inventory_011[^]*inventory_012/);
    expect(String(results[0]!.output)).not.toContain('inventory_013');
    expect(results[1]!.output).toMatch(/No tool matches/);
    expect(results[2]).toMatchObject({ isError: true });
    expect(String(results[2]!.output)).toMatch(/nests quantifiers/);
    expect(results[3]!.output).toMatch(/get_weather/);
    expect(names(model.requests[1]!.tools)).toEqual([
      'get_weather',
      'inventory_010',
      'inventory_011',
      'inventory_012',
      'tool_search',
    ]);
    model.assertComplete();
  });

  it('defers the tools of toolsets too, and closes them', async () => {
    let closed = false;
    const remote: Toolset = {
      kind: 'toolset',
      name: 'remote',
      tools: async () => manyTools().slice(95),
      close: async () => {
        closed = true;
      },
    };
    const model = mockProvider([{ text: 'nothing to do' }]);
    const agent = createAgent({ provider: model, tools: [toolSearch({ tools: [remote] })] });
    await drain(agent.run('hi'));
    expect(names(model.requests[0]!.tools)).toEqual(['tool_search']);
    expect(model.requests[0]!.tools[0]!.description).toContain('inventory_095');
    await agent.close();
    expect(closed).toBe(true);
    model.assertComplete();
  });
});
