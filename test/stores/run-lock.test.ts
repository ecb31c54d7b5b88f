import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  memoryStore,
  SessionLockedError,
  tool,
  type AgentEvent,
  type ModelRequest,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect } from '../helpers/agent.js';

/** A tool that blocks until `open()`; `running` resolves once it has started. */
function gatedTool(): { tool: ReturnType<typeof tool>; open(): void; running: Promise<void> } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const blocking = tool({
    name: 'block',
    description: 'Blocks until the test lets it go',
    input: z.object({}),
    readOnly: true,
    execute: async () => (started(), await gate, 'released'),
  });
  return { tool: blocking, open, running };
}

const userText = (request: ModelRequest): string => {
  const part = request.messages.at(-1)?.content[0];
  return part?.type === 'text' ? part.text : '';
};

describe('runs of one session with the default memory store', () => {
  it('queue instead of failing: the second waits (with an event), then sees the first one', async () => {
    const gate = gatedTool();
    const seen: number[] = [];
    const model = mockProvider((request: ModelRequest) => {
      seen.push(request.messages.length);
      if (userText(request) === 'first') return { toolCalls: [{ name: 'block', input: {} }] };
      return { text: `reply to ${request.messages.at(-1)?.role === 'tool' ? 'tool' : userText(request)}` };
    });
    const agent = createAgent({ provider: model, tools: [gate.tool] });
    const first = agent.run('first', { sessionId: 'shared' });
    await gate.running;
    const second = agent.run('second', { sessionId: 'shared' });
    const events: AgentEvent[] = [];
    const consumed = (async () => {
      for await (const event of second) events.push(event);
    })();
    await until(() => events.some((e) => e.type === 'session-lock-wait'));
    expect(events.map((e) => e.type)).toEqual(['session-lock-wait']);
    expect(events[0]).toMatchObject({ type: 'session-lock-wait', sessionId: 'shared', runId: second.runId });
    expect((events[0] as { since: number }).since).toBeLessThanOrEqual(Date.now());

    gate.open();
    expect((await first.result).status).toBe('completed');
    await consumed;
    expect(events[1]?.type).toBe('run-start');
    expect((await second.result).text).toBe('reply to second');
    // user, call, result, answer of the first run, then the second's input.
    expect(seen).toEqual([1, 3, 5]);
    expect(events.filter((e) => e.type === 'session-lock-wait')).toHaveLength(1);
  });

  it('serves queued runs in the order they came', async () => {
    const gate = gatedTool();
    const order: string[] = [];
    const model = mockProvider((request: ModelRequest) => {
      const text = userText(request);
      if (text === 'hold') return { toolCalls: [{ name: 'block', input: {} }] };
      if (text) order.push(text);
      return { text: 'ok' };
    });
    const agent = createAgent({ provider: model, tools: [gate.tool] });
    const holder = agent.run('hold', { sessionId: 's' });
    await gate.running;
    const queued = ['a', 'b', 'c', 'd'].map((text) => agent.run(text, { sessionId: 's' }));
    gate.open();
    await Promise.all([holder.result, ...queued.map((r) => r.result)]);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails with SessionLockedError after lockTimeoutMs, storing nothing; the lock works on after', async () => {
    const gate = gatedTool();
    const model = mockProvider((request: ModelRequest) =>
      userText(request) === 'hold' ? { toolCalls: [{ name: 'block', input: {} }] } : { text: 'ok' },
    );
    const store = memoryStore();
    const patient = createAgent({ provider: model, tools: [gate.tool], store });
    const hasty = createAgent({ provider: model, tools: [gate.tool], store, lockTimeoutMs: 50 });
    const holder = patient.run('hold', { sessionId: 's' });
    await gate.running;
    const before = (await store.get('s'))?.version;

    const late = hasty.run('too soon', { sessionId: 's' });
    const outcome = await collect(late).catch((error: unknown) => error);
    expect(SessionLockedError.isInstance(outcome)).toBe(true);
    expect(outcome).toMatchObject({ code: 'SESSION_LOCKED', sessionId: 's' });
    expect((outcome as SessionLockedError).waitedMs).toBeGreaterThanOrEqual(50);
    await expect(late.result).rejects.toBe(outcome);
    expect((await store.get('s'))?.version).toBe(before);

    // A zero timeout fails at once.
    const now = createAgent({ provider: model, store, lockTimeoutMs: 0 }).run('now', { sessionId: 's' });
    await expect(now.result).rejects.toThrow(/Session s is locked by another run/);

    gate.open();
    expect((await holder.result).status).toBe('completed');
    expect((await hasty.run('now it is free', { sessionId: 's' }).result).status).toBe('completed');
  });

  it('stops waiting when the waiting run is aborted, and the lock still passes on', async () => {
    const gate = gatedTool();
    const model = mockProvider((request: ModelRequest) =>
      userText(request) === 'hold' ? { toolCalls: [{ name: 'block', input: {} }] } : { text: 'ok' },
    );
    const agent = createAgent({ provider: model, tools: [gate.tool] });
    const holder = agent.run('hold', { sessionId: 's' });
    await gate.running;
    const waiting = agent.run('wait', { sessionId: 's' });
    const queued = agent.run('after', { sessionId: 's' });
    const types: string[] = [];
    for await (const event of waiting) {
      types.push(event.type);
      if (event.type === 'session-lock-wait') waiting.abort('not needed any more');
    }
    expect(types).toEqual(['session-lock-wait', 'run-end']);
    expect((await waiting.result).status).toBe('aborted');
    gate.open();
    expect((await holder.result).status).toBe('completed');
    expect((await queued.result).status).toBe('completed');
    const { entries } = await agent.store.load('s');
    const inputs = entries.flatMap((e) =>
      e.entry.type === 'message' && e.entry.message.role === 'user' ? [e.entry.message.content] : [],
    );
    expect(inputs).toEqual([[{ type: 'text', text: 'hold' }], [{ type: 'text', text: 'after' }]]);
  });

  it('refuses a lockTimeoutMs that is not a non-negative integer', () => {
    const provider = mockProvider([]);
    expect(() => createAgent({ provider, lockTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => createAgent({ provider, lockTimeoutMs: 1.5 })).toThrow(/lockTimeoutMs/);
    expect(() => createAgent({ provider, lockTimeoutMs: Number.NaN })).toThrow(ConfigError);
    expect(() => createAgent({ provider, lockTimeoutMs: 0 })).not.toThrow();
  });
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
