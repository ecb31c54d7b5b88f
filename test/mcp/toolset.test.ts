/**
 * Toolsets in the core, whatever their source: tools that change between turns, a toolset that fails,
 * a name taken twice, status events, and `agent.close()`.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  isToolset,
  tool,
  type AgentEvent,
  type Tool,
  type Toolset,
  type ToolsetStatus,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

const named = (name: string, reply = name): Tool =>
  tool({ name, description: `The ${name} tool`, input: z.object({}), readOnly: true, execute: () => reply });

/** A toolset whose tools and status the test controls. */
function controlled(name = 'ctl') {
  let tools: readonly Tool[] = [];
  let closed = 0;
  const listeners = new Set<(status: ToolsetStatus) => void>();
  const toolset: Toolset = {
    kind: 'toolset',
    name,
    tools: async () => tools,
    onStatus: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
    close: async () => void closed++,
  };
  return {
    toolset,
    set: (next: readonly Tool[]) => (tools = next),
    status: (status: ToolsetStatus) => listeners.forEach((l) => l(status)),
    closed: () => closed,
  };
}

async function collect(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('toolsets in createAgent', () => {
  it('offers each turn the tools the toolset has then, and runs them', async () => {
    const ctl = controlled();
    ctl.set([named('first')]);
    const model = mockProvider([
      (request) => {
        expect(request.tools.map((t) => t.name)).toEqual(['own', 'first']);
        // Between this turn and the next, the toolset gains a tool and loses one.
        ctl.set([named('second', 'from second')]);
        return { toolCalls: [{ name: 'first', input: {} }] };
      },
      (request) => {
        expect(request.tools.map((t) => t.name)).toEqual(['own', 'second']);
        return { toolCalls: [{ name: 'second', input: {} }] };
      },
      { text: 'done' },
    ]);
    const agent = createAgent({ provider: model, tools: [named('own'), ctl.toolset], policy: { mode: 'full-access' } });
    const events = await collect(agent.run('go'));
    model.assertComplete();
    const results = events.filter((e) => e.type === 'tool-result');
    expect(results.map((r) => (r as { output: unknown }).output)).toEqual(['first', 'from second']);
    expect(agent.tools.map((t) => t.name)).toEqual(['own', 'second']);
  });

  it('keeps going when a toolset fails to list its tools, and says so once', async () => {
    let fail = false;
    const flaky: Toolset = {
      kind: 'toolset',
      name: 'flaky',
      tools: async () => {
        if (fail) throw new Error('index unreachable');
        return [named('kept')];
      },
      close: async () => undefined,
    };
    const model = mockProvider([
      () => ((fail = true), { toolCalls: [{ name: 'kept', input: {} }] }),
      (request) => {
        expect(request.tools.map((t) => t.name)).toEqual(['kept']); // the last list it gave
        return { toolCalls: [{ name: 'kept', input: {} }] };
      },
      { text: 'done' },
    ]);
    const agent = createAgent({ provider: model, tools: [flaky], policy: { mode: 'full-access' } });
    const events = await collect(agent.run('go'));
    model.assertComplete();
    const statuses = events.filter((e) => e.type === 'toolset-status');
    expect(statuses).toEqual([
      expect.objectContaining({ toolset: 'flaky', status: 'degraded', message: 'index unreachable' }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { status: 'completed' } });
  });

  it("emits a server's status changes as toolset-status events at the next turn of the runs in progress", async () => {
    const ctl = controlled('servers');
    ctl.set([named('probe')]);
    const model = mockProvider([
      () => {
        ctl.status({ server: 'db', status: 'degraded', message: 'gave up' });
        return { toolCalls: [{ name: 'probe', input: {} }] };
      },
      { text: 'done' },
    ]);
    const agent = createAgent({ provider: model, tools: [ctl.toolset], policy: { mode: 'full-access' } });
    const events = await collect(agent.run('go'));
    model.assertComplete();
    const at = events.findIndex((e) => e.type === 'toolset-status');
    expect(events[at]).toMatchObject({ toolset: 'servers', server: 'db', status: 'degraded', message: 'gave up' });
    expect(events[at - 1]).toMatchObject({ type: 'turn-start', turn: 2 });
  });

  it('leaves out a toolset tool whose name is taken, keeping the agent own tool', async () => {
    const ctl = controlled();
    ctl.set([named('dup', 'from toolset'), named('other')]);
    const model = mockProvider([{ toolCalls: [{ name: 'dup', input: {} }] }, { text: 'done' }]);
    const agent = createAgent({
      provider: model,
      tools: [named('dup', 'own'), ctl.toolset],
      policy: { mode: 'full-access' },
    });
    const events = await collect(agent.run('go'));
    model.assertComplete();
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(['dup', 'other']);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({ output: 'own' });
    expect(events.find((e) => e.type === 'toolset-status')).toMatchObject({
      message: expect.stringContaining('"dup"'),
    });
  });

  it('closes its toolsets once on agent.close(), and refuses a toolset given twice', async () => {
    const ctl = controlled();
    const model = mockProvider([]);
    const agent = createAgent({ provider: model, tools: [ctl.toolset] });
    await agent.close();
    await agent.close();
    expect(ctl.closed()).toBe(1);
    expect(() => createAgent({ provider: model, tools: [ctl.toolset, ctl.toolset] })).toThrow(ConfigError);
    await expect(createAgent({ provider: model }).close()).resolves.toBeUndefined();
    model.assertComplete();
    expect(isToolset(ctl.toolset)).toBe(true);
    expect(isToolset(named('x'))).toBe(false);
  });
});
