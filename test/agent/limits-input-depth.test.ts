/**
 * Depth and shape limits at the edge: a tool input nested absurdly deep (or holding what JSON cannot
 * carry) becomes a `TOOL_INPUT_INVALID` error result and the run completes; it never reaches the store's
 * own depth check, which would end the run with a `StoreError`. Through the real Anthropic and OpenAI
 * adapters against the mock wire servers, the memory store and a real SQLite file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  memoryStore,
  tool,
  type AgentEvent,
  type LanguageModel,
  type JsonValue,
  type ModelStreamPart,
  type Part,
  type SessionStore,
} from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { startMockServer, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
let server: MockServer | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-depth-'));
  await writeFile(join(root, 'a.txt'), 'alpha\n');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

/** JSON text of an object nested `levels` deep: `{"a":{"a":…1…}}`. */
const nestedJson = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const nested = (levels: number): JsonValue => JSON.parse(nestedJson(levels)) as JsonValue;

async function drain(run: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])) };
}

const wires: { wire: WireName; make: (baseURL: string) => LanguageModel }[] = [
  {
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL }),
  },
  { wire: 'openai', make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }) },
];
const stores: { name: string; make: () => SessionStore }[] = [
  { name: 'memoryStore', make: () => memoryStore() },
  { name: 'sqliteStore', make: () => sqliteStore({ path: join(root, 'sessions.db') }) },
];

describe.each(wires)('a 600-level tool argument through $wire', ({ wire, make }) => {
  it.each(stores)('is an error result and the run completes ($name)', async ({ make: makeStore }) => {
    server = await startMockServer({
      wire,
      script: [
        {
          toolCalls: [
            { name: 'read', input: nestedJson(600), id: 'call_deep' },
            { name: 'read', input: { file_path: 'a.txt' }, id: 'call_ok' },
          ],
        },
        { text: 'I will send a flatter input.' },
      ],
    });
    const store = makeStore();
    const agent = createAgent({
      provider: make(server.baseURL),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({ mode: 'workspace-write', root }),
      store,
    });
    const run = agent.run('read');
    const { results } = await drain(run);
    const result = await run.result;
    expect(result.status).toBe('completed');
    expect(result.text).toBe('I will send a flatter input.');
    expect(results.find((r) => r.id === 'call_deep')).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
    expect(String(results.find((r) => r.id === 'call_deep')?.output)).toMatch(/nested more than 64 levels/);
    expect(results.find((r) => r.id === 'call_ok')).toMatchObject({ isError: false });
    // The stored call keeps a placeholder, so the session stays loadable and the provider gets it back.
    const { entries } = await store.load(result.sessionId);
    const call = entries
      .flatMap((e): readonly Part[] => (e.entry.type === 'message' ? e.entry.message.content : []))
      .find((p) => p.type === 'tool-call' && p.id === 'call_deep');
    expect(call).toMatchObject({ input: {} });
    expect(JSON.stringify(server.requests[1]?.body)).toContain('call_deep');
    await store.close();
  });
});

describe('input limits for every model and hook', () => {
  const echo = tool({
    name: 'echo',
    description: 'Echo',
    input: z.object({ text: z.unknown() }),
    readOnly: true,
    execute: ({ text }) => JSON.stringify(text).slice(0, 50),
  });

  /** A custom model (any object of the LanguageModel shape) sending one call, then text. */
  function customModel(input: unknown): LanguageModel {
    let call = 0;
    return {
      specificationVersion: 'v1',
      provider: 'custom',
      modelId: 'custom',
      async *stream(): AsyncGenerator<ModelStreamPart> {
        if (call++ === 0) {
          yield { type: 'tool-call', id: 'c1', name: 'echo', input: input as never };
          yield { type: 'finish', reason: 'tool-calls' };
        } else {
          yield { type: 'text-delta', text: 'ok' };
          yield { type: 'finish', reason: 'stop' };
        }
      },
    };
  }

  it('refuses input a custom model sends that JSON cannot carry', async () => {
    const agent = createAgent({ provider: customModel({ text: 10n }), tools: [echo], policy: { mode: 'read-only' } });
    const run = agent.run('go');
    const { results } = await drain(run);
    expect((await run.result).status).toBe('completed');
    expect(results[0]).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
    expect(String(results[0]!.output)).toMatch(/not plain JSON/);
  });

  it('honours maxToolInputDepth, and refuses a depth no store can keep', async () => {
    const agent = createAgent({
      provider: customModel({ text: nested(4) }),
      tools: [echo],
      policy: { mode: 'read-only' },
      maxToolInputDepth: 4,
    });
    const run = agent.run('go');
    const { results } = await drain(run);
    expect(results[0]).toMatchObject({ errorCode: 'TOOL_INPUT_INVALID' });
    expect(() => createAgent({ provider: customModel({}), maxToolInputDepth: 10_000 })).toThrow(ConfigError);
  });

  it('refuses a deep input a beforeToolCall hook puts in', async () => {
    const agent = createAgent({
      provider: mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'hi' } }] }, { text: 'ok' }]),
      tools: [echo],
      policy: { mode: 'read-only' },
      hooks: { beforeToolCall: () => ({ input: { text: nested(600) as never } }) },
    });
    const run = agent.run('go');
    const { results } = await drain(run);
    expect((await run.result).status).toBe('completed');
    expect(results[0]).toMatchObject({ errorCode: 'TOOL_INPUT_INVALID' });
  });

  it('turns a tool output too deep to store into an error result', async () => {
    const deep = tool({
      name: 'deep',
      description: 'Returns a deep value',
      input: z.object({}),
      readOnly: true,
      execute: () => nested(600),
    });
    const agent = createAgent({
      provider: mockProvider([{ toolCalls: [{ name: 'deep', input: {} }] }, { text: 'ok' }]),
      tools: [deep],
      policy: { mode: 'read-only' },
    });
    const run = agent.run('go');
    const { results } = await drain(run);
    expect((await run.result).status).toBe('completed');
    expect(results[0]).toMatchObject({ isError: true, errorCode: 'TOOL_EXECUTION_FAILED' });
  });
});
