import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, WorkspaceEscapeError, type ToolResultEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, delay, echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

function results(events: Awaited<ReturnType<typeof collect>>['events']): ToolResultEvent[] {
  return events.filter((e): e is ToolResultEvent => e.type === 'tool-result');
}

describe('tool calls', () => {
  it('runs one turn of tool calls concurrently and returns results in the model order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    // A barrier: no call finishes before all three have started, so a sequential loop would dead-lock.
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const slow = tool({
      name: 'slow',
      description: 'waits',
      input: z.object({ n: z.number(), ms: z.number() }),
      readOnly: true,
      execute: async ({ n, ms }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight === 3) release();
        await barrier;
        await delay(ms);
        inFlight--;
        return `done ${n}`;
      },
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'slow', input: { n: 1, ms: 30 } },
          { name: 'slow', input: { n: 2, ms: 1 } },
          { name: 'slow', input: { n: 3, ms: 15 } },
        ],
      },
      { text: 'all done' },
    ]);
    const agent = createAgent({ provider: model, tools: [slow], policy: allow });
    const run = agent.run('go');
    const { events } = await collect(run);
    expect(maxInFlight).toBe(3);
    // Events come as calls finish; the tool message keeps the model's order.
    expect(results(events).map((r) => r.output)).toEqual(['done 2', 'done 3', 'done 1']);
    const toolMessage = model.requests[1]?.messages.at(-1);
    expect(toolMessage?.role).toBe('tool');
    expect(toolMessage?.content.map((p) => (p.type === 'tool-result' ? p.output : null))).toEqual([
      'done 1',
      'done 2',
      'done 3',
    ]);
  });

  it('bounds concurrency with maxParallelTools', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const t = tool({
      name: 't',
      description: 'waits',
      input: z.object({ i: z.number() }),
      readOnly: true,
      execute: async ({ i }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await delay(5);
        inFlight--;
        return i;
      },
    });
    const calls = Array.from({ length: 10 }, (_, i) => ({ name: 't', input: { i } }));
    const model = mockProvider([{ toolCalls: calls }, { text: 'ok' }]);
    await createAgent({ provider: model, tools: [t], policy: allow, maxParallelTools: 3 }).run('go').result;
    expect(maxInFlight).toBe(3);
    const outputs = model.requests[1]?.messages
      .at(-1)
      ?.content.map((p) => (p.type === 'tool-result' ? p.output : null));
    expect(outputs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('turns every tool failure into an error result the model can act on', async () => {
    const throwing = tool({
      name: 'boom',
      description: 'throws',
      input: z.object({}),
      readOnly: true,
      execute: () => {
        throw new Error('disk on fire');
      },
    });
    const escaping = tool({
      name: 'escape',
      description: 'escapes',
      input: z.object({}),
      readOnly: true,
      execute: () => {
        throw new WorkspaceEscapeError({ path: '../x', root: '/w' });
      },
    });
    const hanging = tool({
      name: 'hang',
      description: 'never ends',
      input: z.object({}),
      readOnly: true,
      timeoutMs: 50,
      execute: () => new Promise(() => undefined),
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'nope', input: {} },
          { name: 'echo', input: '{"text": "unterminated' },
          { name: 'echo', input: { text: 42 } },
          { name: 'boom', input: {} },
          { name: 'escape', input: {} },
          { name: 'hang', input: {} },
        ],
      },
      { text: 'recovered' },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool, throwing, escaping, hanging], policy: allow });
    const run = agent.run('go');
    const { events } = await collect(run);
    const byId = new Map(results(events).map((r) => [r.id, r]));
    const get = (i: number) => byId.get(`call_1_${i}`)!;
    expect(get(1)).toMatchObject({ isError: true, errorCode: 'TOOL_NOT_FOUND' });
    expect(get(1).output).toMatch(/Available tools: echo, boom, escape, hang/);
    expect(get(2)).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
    expect(get(2).output).toMatch(/not valid JSON/);
    expect(get(3)).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
    expect(get(3).output).toMatch(/text: .*expected string/i);
    expect(get(4)).toMatchObject({
      isError: true,
      errorCode: 'TOOL_EXECUTION_FAILED',
      output: 'Tool "boom" failed: disk on fire',
    });
    expect(get(5)).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    expect(get(6)).toMatchObject({ isError: true, errorCode: 'TOOL_TIMEOUT' });
    expect((await run.result).status).toBe('completed');
  });

  it('accepts JSON outputs and truncates huge ones with a marker', async () => {
    const json = tool({
      name: 'json',
      description: 'json',
      input: z.object({}),
      readOnly: true,
      execute: () => ({ rows: [1, 2, 3], ok: true }),
    });
    const huge = tool({
      name: 'huge',
      description: 'huge',
      input: z.object({}),
      readOnly: true,
      execute: () => 'x'.repeat(5000) + 'END',
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'json', input: {} },
          { name: 'huge', input: {} },
        ],
      },
      { text: 'ok' },
    ]);
    await createAgent({ provider: model, tools: [json, huge], policy: allow, maxToolOutputChars: 1000 }).run('go')
      .result;
    const [first, second] = model.requests[1]!.messages.at(-1)!.content;
    expect(first).toMatchObject({ output: { rows: [1, 2, 3], ok: true }, isError: false });
    const text = (second as { output: string }).output;
    expect(text.length).toBeLessThan(1200);
    expect(text).toMatch(/characters truncated of 5003/);
    expect(text.endsWith('END')).toBe(true);
  });

  it('gives tools their context: session, call id, signal, state and a sandbox', async () => {
    let seen: Record<string, unknown> = {};
    const probe = tool({
      name: 'probe',
      description: 'probe',
      input: z.object({}),
      readOnly: true,
      execute: (_input, ctx) => {
        ctx.state.set('count', ((ctx.state.get('count') as number | undefined) ?? 0) + 1);
        seen = {
          sessionId: ctx.sessionId,
          id: ctx.toolCallId,
          aborted: ctx.signal.aborted,
          root: ctx.sandbox.root,
          count: ctx.state.get('count'),
        };
        return 'ok';
      },
    });
    const model = mockProvider([
      { toolCalls: [{ name: 'probe', input: {}, id: 'p1' }] },
      { text: 'a' },
      { toolCalls: [{ name: 'probe', input: {}, id: 'p2' }] },
      { text: 'b' },
    ]);
    const agent = createAgent({ provider: model, tools: [probe], policy: allow });
    const first = await agent.run('one').result;
    expect(seen).toMatchObject({ sessionId: first.sessionId, id: 'p1', aborted: false, root: process.cwd(), count: 1 });
    // State is stored with the session and comes back in the next run.
    await agent.run('two', { sessionId: first.sessionId }).result;
    expect(seen).toMatchObject({ id: 'p2', count: 2 });
    const { entries } = await agent.store.load(first.sessionId);
    expect(entries.filter((e) => e.entry.type === 'data')).toHaveLength(2);
  });
});
