/**
 * Tool-call ids are unique in their session: a provider that repeats an id (within a turn, or from an
 * earlier turn) gets the repeat re-keyed, so an approval, a result and an event always name one call.
 * Real coding tools on a real workspace, the real policy, the memory store and a real SQLite file, and
 * the real Anthropic and OpenAI adapters against the mock wire servers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore, RunStateError, type AgentEvent, type SessionStore } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';

let root: string;
let server: MockServer | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-ids-'));
  await writeFile(join(root, 'notes.txt'), 'harmless\n');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

const MARKER = 'pwned.txt';
/** One turn with two calls sharing an id: a harmless read, then a write of the marker file. */
const duplicateTurn: MockStep = {
  toolCalls: [
    { name: 'read', input: { file_path: 'notes.txt' }, id: 'dup' },
    { name: 'write', input: { file_path: MARKER, content: 'written' }, id: 'dup' },
  ],
};

function agentWith(model: LanguageModel, store: SessionStore) {
  return createAgent({
    provider: model,
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    // Every read and every write is asked, so both calls wait for a person.
    policy: createPolicy({ mode: 'workspace-write', ask: ['Read', 'Edit'], root }),
    store,
  });
}

async function events(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const event of run) out.push(event);
  return out;
}

const stores: { name: string; make: () => SessionStore }[] = [
  { name: 'memoryStore', make: () => memoryStore() },
  { name: 'sqliteStore', make: () => sqliteStore({ path: join(root, 'sessions.db') }) },
];

describe.each(stores)('duplicate tool-call ids with $name', ({ make }) => {
  it('re-keys the second call: one allow runs only the call it names, the write is never run by it', async () => {
    const store = make();
    const first = agentWith(mockProvider([duplicateTurn]), store);
    const pausedRun = first.run('read the notes');
    const pausedEvents = await events(pausedRun);
    const paused = await pausedRun.result;
    expect(paused.status).toBe('paused');
    expect(paused.pending?.map((p) => [p.id, p.name])).toEqual([
      ['dup', 'read'],
      ['dup_2', 'write'],
    ]);
    // What was stored, emitted and shown all use the re-keyed id.
    const stored = (await store.load(paused.sessionId)).entries.map((e) => e.entry);
    const assistant = stored.find((e) => e.type === 'message' && e.message.role === 'assistant');
    expect(
      assistant?.type === 'message' && assistant.message.content.flatMap((p) => (p.type === 'tool-call' ? [p.id] : [])),
    ).toEqual(['dup', 'dup_2']);
    expect(pausedEvents.flatMap((e) => (e.type === 'tool-call' ? [e.id] : []))).toEqual(['dup', 'dup_2']);
    expect(pausedEvents.flatMap((e) => (e.type === 'permission-request' ? [e.id] : [])).sort()).toEqual([
      'dup',
      'dup_2',
    ]);

    // One allow for the id the provider sent: it does not answer the write, which is still pending.
    const model = mockProvider([{ text: 'done' }]);
    const second = agentWith(model, store);
    await expect(second.resume(paused.sessionId, { approvals: { dup: 'allow' } }).result).rejects.toThrow(
      /missing: dup_2/,
    );
    expect(existsSync(join(root, MARKER))).toBe(false);
    expect((await store.load(paused.sessionId)).entries.at(-1)?.entry.type).toBe('pending-approvals');

    const resumed = second.resume(paused.sessionId, { approvals: { dup: 'allow', dup_2: 'deny' } });
    const resumedEvents = await events(resumed);
    expect((await resumed.result).status).toBe('completed');
    expect(existsSync(join(root, MARKER))).toBe(false);
    const results = resumedEvents.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    expect(results.find((r) => r.id === 'dup')).toMatchObject({ name: 'read', isError: false });
    expect(String(results.find((r) => r.id === 'dup')?.output)).toContain('harmless');
    expect(results.find((r) => r.id === 'dup_2')).toMatchObject({
      name: 'write',
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    // The model gets each result paired with its own call.
    const sent = model.requests[0]!.messages;
    expect(sent.at(-1)?.content.map((p) => p.type === 'tool-result' && [p.id, p.name, p.isError])).toEqual([
      ['dup', 'read', false],
      ['dup_2', 'write', true],
    ]);
    await store.close();
  });

  it('re-keys an id reused from an earlier turn, also in a later run of the session', async () => {
    const store = make();
    const readOnlyAsk = (model: LanguageModel) =>
      createAgent({
        provider: model,
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        sandbox: localSandbox({ root }),
        policy: createPolicy({ mode: 'workspace-write', ask: ['Edit'], root }),
        store,
      });
    const first = await readOnlyAsk(
      mockProvider([{ toolCalls: [{ name: 'read', input: { file_path: 'notes.txt' }, id: 'x' }] }, { text: 'read' }]),
    ).run('read').result;
    expect(first.status).toBe('completed');

    // A new agent over the same store: the model reuses id x for a write.
    const paused = await readOnlyAsk(
      mockProvider([{ toolCalls: [{ name: 'write', input: { file_path: MARKER, content: 'w' }, id: 'x' }] }]),
    ).run('write', { sessionId: first.sessionId }).result;
    expect(paused.pending?.map((p) => p.id)).toEqual(['x_2']);
    const again = readOnlyAsk(mockProvider([{ text: 'never' }]));
    await expect(again.resume(first.sessionId, { approvals: { x: 'allow' } }).result).rejects.toThrow(RunStateError);
    expect(existsSync(join(root, MARKER))).toBe(false);
    await store.close();
  });
});

describe('re-keyed ids through the real adapters', () => {
  const wires = [
    {
      wire: 'anthropic' as const,
      make: (baseURL: string) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL }),
    },
    {
      wire: 'openai' as const,
      make: (baseURL: string) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }),
    },
    {
      wire: 'openai-responses' as const,
      make: (baseURL: string) =>
        openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
    },
  ];

  it.each(wires)('sends the re-keyed ids back to $wire, each result paired with its call', async ({ wire, make }) => {
    server = await startMockServer({
      wire,
      script: [
        {
          toolCalls: [
            { name: 'read', input: { file_path: 'notes.txt' }, id: 'call_dup' },
            { name: 'read', input: { file_path: 'missing.txt' }, id: 'call_dup' },
          ],
        },
        { text: 'done' },
      ],
    });
    const agent = createAgent({
      provider: make(server.baseURL),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({ mode: 'workspace-write', root }),
    });
    const result = await agent.run('read two files').result;
    expect(result.status).toBe('completed');
    const body = JSON.stringify(server.requests[1]?.body);
    expect(body).toContain('"call_dup_2"');
    // Every id sent back is one Anthropic accepts, and the second request pairs both results.
    for (const id of body.match(/call_dup[^"]*/g) ?? []) expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    const tool = result.messages.find((m) => m.role === 'tool');
    expect(tool?.content.map((p) => p.type === 'tool-result' && [p.id, p.isError])).toEqual([
      ['call_dup', false],
      ['call_dup_2', true],
    ]);
  });
});
