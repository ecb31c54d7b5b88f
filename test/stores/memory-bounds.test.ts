import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createAgent, memoryStore, tool, type SessionStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool } from '../helpers/agent.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** The ids `list` returns (every session, no paging). */
async function ids(store: SessionStore): Promise<string[]> {
  return (await store.list({ limit: 10_000 })).sessions.map((s) => s.id).sort();
}

/** Resolves once `check()` holds, polling every 10 ms; fails after `ms`. */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pending = {
  type: 'pending-approvals',
  requests: [{ id: 'c1', name: 'echo', input: { text: 'x' }, reason: 'asked', digest: 'sha256:0' }],
} as const;

describe('memoryStore bounds', () => {
  it('keeps at most maxSessions, dropping the least recently used first', async () => {
    const store = memoryStore({ maxSessions: 3 });
    for (const id of ['a', 'b', 'c']) await store.create({ id });
    // Reading `a` makes `b` the least recently used.
    await store.get('a');
    await store.create({ id: 'd' });
    expect(await ids(store)).toEqual(['a', 'c', 'd']);
    expect(await store.get('b')).toBeUndefined();
    // An append is a use too.
    await store.append('c', [{ type: 'data', key: 'k', value: 1 }], { expectedVersion: 0 });
    await store.create({ id: 'e' });
    expect(await ids(store)).toEqual(['c', 'd', 'e']);
    await store.close();
  });

  it('never drops a session in use: locked, waited for, or paused on approvals', async () => {
    const store = memoryStore({ maxSessions: 2 });
    await store.create({ id: 'locked' });
    const lock = await store.lockSession('locked');
    await store.create({ id: 'paused' });
    await store.append('paused', [pending], { expectedVersion: 0 });
    for (const id of ['x', 'y', 'z']) await store.create({ id });
    // Both in use stay, past the bound; only the newest of the others is kept.
    expect(await ids(store)).toEqual(['locked', 'paused', 'z']);

    // Once released and resolved, they are ordinary sessions again, dropped least recently used first.
    await lock.release();
    await store.append('paused', [{ type: 'approvals-resolved', decisions: { c1: 'allow' } }], { expectedVersion: 1 });
    await store.create({ id: 'w' });
    expect(await ids(store)).toEqual(['paused', 'w']);
    await store.close();
  });

  it('drops sessions idle past idleTtlMs, but not one in use', async () => {
    const store = memoryStore({ idleTtlMs: 50 });
    await store.create({ id: 'idle' });
    await store.create({ id: 'busy' });
    const lock = await store.lockSession('busy');
    // `list` does not count as a use, so it can watch the idle one go.
    await until(async () => !(await ids(store)).includes('idle'));
    expect(await ids(store)).toEqual(['busy']);
    expect(await store.get('idle')).toBeUndefined();
    // Released, the busy one is idle from then on, and goes too.
    await lock.release();
    await until(async () => (await ids(store)).length === 0);
    await expect(store.load('busy')).rejects.toThrow(/does not exist/);
    await store.close();
  });

  it('bounds the default store: 1,000 sessions after 1,001 one-shot runs', async () => {
    const agent = createAgent({ provider: mockProvider(() => ({ text: 'ok' })) });
    const first = await agent.run('hello').result;
    for (let i = 0; i < 1000; i++) await agent.run('hello').result;
    const kept = await ids(agent.store);
    expect(kept).toHaveLength(1000);
    expect(kept).not.toContain(first.sessionId);
  });

  it("retain: 'none' drops a session when its run ends, and keeps a paused one until it is resumed", async () => {
    const store = memoryStore({ retain: 'none' });
    const model = mockProvider([
      { text: 'hi' },
      { toolCalls: [{ name: 'echo', input: { text: 'x' } }] },
      { text: 'done' },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: { ask: ['Echo'] }, store });
    const oneShot = await agent.run('hello').result;
    expect(oneShot).toMatchObject({ status: 'completed', text: 'hi' });
    expect(await store.get(oneShot.sessionId)).toBeUndefined();

    const paused = await agent.run('echo x').result;
    expect(paused.status).toBe('paused');
    expect((await store.get(paused.sessionId))?.version).toBeGreaterThan(0);
    const resumed = await agent.resume(paused.sessionId, { approvals: { [paused.pending![0]!.id]: 'allow' } }).result;
    expect(resumed).toMatchObject({ status: 'completed', text: 'done' });
    expect(model.requests[2]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: [{ type: 'tool-result', output: 'echo: x' }],
    });
    expect(await store.get(paused.sessionId)).toBeUndefined();
    model.assertComplete();
  });

  it('never drops the session of a run in progress, however many others come and go', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const wait = tool({
      name: 'wait',
      description: 'Waits for the gate',
      input: z.object({}),
      readOnly: true,
      execute: async () => (started(), await gate, 'opened'),
    });
    const model = mockProvider((request) =>
      request.messages.at(-1)?.role === 'tool'
        ? { text: 'after the wait' }
        : request.messages[0]?.content[0]?.type === 'text' && request.messages[0].content[0].text === 'long'
          ? { toolCalls: [{ name: 'wait', input: {} }] }
          : { text: 'short' },
    );
    const agent = createAgent({ provider: model, tools: [wait], store: memoryStore({ maxSessions: 2, idleTtlMs: 1 }) });
    const long = agent.run('long', { sessionId: 'long' });
    await running;
    for (let i = 0; i < 20; i++) await agent.run('quick').result;
    open();
    const result = await long.result;
    expect(result).toMatchObject({ status: 'completed', text: 'after the wait' });
    // Its whole exchange was stored: input, the call, the result and the answer.
    const { entries } = await agent.store.load('long');
    expect(entries.map((e) => (e.entry.type === 'message' ? e.entry.message.role : e.entry.type))).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
  });

  it('throws ConfigError for bad bounds', () => {
    expect(() => memoryStore({ maxSessions: 0 })).toThrow(ConfigError);
    expect(() => memoryStore({ maxSessions: 1.5 })).toThrow(ConfigError);
    expect(() => memoryStore({ idleTtlMs: -1 })).toThrow(ConfigError);
    expect(() => memoryStore({ idleTtlMs: Number.NaN })).toThrow(/idleTtlMs/);
    expect(() => memoryStore({ retain: 'some' as 'none' })).toThrow(/retain/);
    expect(() => memoryStore({ maxSessions: Infinity, idleTtlMs: Infinity })).not.toThrow();
  });

  it.runIf(gc)('lets a store its program dropped be collected, sessions and all', async () => {
    // An agent made per request, with its own default store: once it is dropped, nothing may keep its
    // sessions (the store keeps the very message objects it was given, so watch one of them).
    const stored = await (async () => {
      const agent = createAgent({ provider: mockProvider([{ text: 'ok' }]) });
      const { sessionId } = await agent.run('hello').result;
      const { entries } = await agent.store.load(sessionId);
      return new WeakRef(entries[0]!.entry);
    })();
    await until(async () => (gc!(), stored.deref() === undefined));
  });

  it('lets the process exit while it holds sessions: its sweep timer is unref’d', { timeout: 60_000 }, async () => {
    const fixture = fileURLToPath(new URL('./fixtures/idle-memory-store.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim()).toBe('holding 3 sessions');
    expect(code).toBe(0);
  });
});
