/**
 * Requests the Messages API would refuse as they come are adapted by the Anthropic adapter, against the
 * validating mock: thinking with a forced tool choice, a tool turn begun without thinking, a history with
 * tool calls in a call without tools (compaction), interleaved thinking sent back in its order, tool input
 * schemas, and settings refused at construction.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/errors/config-error.js';
import { createAgent, summarizeCompaction, tool } from '../../src/index.js';
import type { ModelRequest, ModelTool } from '../../src/model/language-model.js';
import type { Message } from '../../src/model/message.js';
import { anthropic, type AnthropicSettings } from '../../src/providers/anthropic/index.js';
import { anthropicWire, encodeAnthropicMessage } from '../../src/testing/mock-server/anthropic.js';
import { startMockServer, type MockServer, type WireFormat } from '../../src/testing/mock-server/index.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { fixedPolicy } from '../helpers/agent.js';
import { ask, collect, readTool } from './shared-helpers.js';

const KEY = 'sk-ant-test-key-123456';
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(script: MockScript, settings: Partial<AnthropicSettings> = {}, wire: WireFormat = anthropicWire) {
  server = await startMockServer({ wire, script });
  const model = anthropic({ model: 'claude-sonnet-4-5', apiKey: KEY, baseURL: server.baseURL, ...settings });
  return { server, model };
}

type Sent = {
  thinking?: unknown;
  tool_choice?: unknown;
  messages: { role: string; content: Record<string, unknown>[] }[];
};
const sent = (i: number): Sent => server!.requests[i]!.body as Sent;

const echo = tool({
  name: 'echo',
  description: 'Echo the text back',
  input: z.object({ text: z.string() }),
  readOnly: true,
  execute: async ({ text }) => `echo: ${text}`,
});

/** A tool turn of `read` with its result, still open (the result is the last message). */
function openToolTurn(reasoning?: { text: string; signature: string }): Message[] {
  return [
    { role: 'user', content: [{ type: 'text', text: 'Read a' }] },
    {
      role: 'assistant',
      content: [
        ...(reasoning ? [{ type: 'reasoning' as const, ...reasoning }] : []),
        { type: 'tool-call', id: 'toolu_1', name: 'read', input: { file_path: 'a' } },
      ],
    },
    { role: 'tool', content: [{ type: 'tool-result', id: 'toolu_1', name: 'read', output: 'A', isError: false }] },
  ];
}

describe('anthropic: thinking and a forced tool choice', () => {
  it('sends a forced call without thinking, keeps it off for the rest of that tool turn, and on after it', async () => {
    const { model } = await setup(() => ({ text: 'ok' }), { thinking: { budgetTokens: 2048 } });
    const forced = await collect(model, ask('Read a', { tools: [readTool], toolChoice: 'required' }));
    expect(forced.error).toBeUndefined();
    expect(sent(0).thinking).toBeUndefined();
    expect(sent(0).tool_choice).toEqual({ type: 'any' });

    const named = await collect(model, ask('Read a', { tools: [readTool], toolChoice: { name: 'read' } }));
    expect(named.error).toBeUndefined();
    expect(sent(1)).toMatchObject({ tool_choice: { type: 'tool', name: 'read' } });
    expect(sent(1).thinking).toBeUndefined();

    // The forced call's tool turn goes on (its results are the last message): still no thinking.
    const history = openToolTurn();
    const open = await collect(model, { tools: [readTool], messages: history });
    expect(open.error).toBeUndefined();
    expect(sent(2).thinking).toBeUndefined();
    // Once the turn has ended and the user speaks again, the next turn thinks.
    const next = await collect(model, {
      tools: [readTool],
      messages: [
        ...history,
        { role: 'assistant', content: [{ type: 'text', text: 'A.' }] },
        { role: 'user', content: [{ type: 'text', text: 'And b?' }] },
      ],
    });
    expect(next.error).toBeUndefined();
    expect(sent(3).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(server!.rejections).toEqual([]);
  });

  it('keeps thinking on in a tool turn that began with it', async () => {
    const { model } = await setup([
      { reasoning: 'I will read a.', toolCalls: [{ id: 'toolu_1', name: 'read', input: { file_path: 'a' } }] },
      { text: 'A.' },
    ]);
    const first = await collect(model, ask('Read a', { tools: [readTool] }));
    const reasoning = first.parts.find((p) => p.type === 'reasoning');
    expect(reasoning).toMatchObject({ type: 'reasoning', text: 'I will read a.' });
    const thinking = anthropic({
      model: 'claude-sonnet-4-5',
      apiKey: KEY,
      baseURL: server!.baseURL,
      thinking: { budgetTokens: 2048 },
    });
    const history = openToolTurn(reasoning as { text: string; signature: string });
    const second = await collect(thinking, { tools: [readTool], messages: history });
    expect(second.error).toBeUndefined();
    expect(sent(1).thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  it('drops adaptive thinking only for the forced call', async () => {
    const { model } = await setup(() => ({ text: 'ok' }), { thinking: 'adaptive' });
    expect((await collect(model, ask('Read a', { tools: [readTool], toolChoice: { name: 'read' } }))).error).toBe(
      undefined,
    );
    expect(sent(0).thinking).toBeUndefined();
    expect((await collect(model, { tools: [readTool], messages: openToolTurn() })).error).toBeUndefined();
    expect(sent(1).thinking).toEqual({ type: 'adaptive' });
  });
});

describe('anthropic: a tool history in a call without tools', () => {
  it('compacts a thinking agent’s tool history as text, and the run completes', async () => {
    const { model } = await setup(
      [
        {
          reasoning: 'Echo first.',
          toolCalls: [{ id: 'toolu_1', name: 'echo', input: { text: 'one' } }],
          usage: { inputTokens: 1200, outputTokens: 40 },
        },
        {
          toolCalls: [{ id: 'toolu_2', name: 'echo', input: { text: 'two' } }],
          usage: { inputTokens: 50_000, outputTokens: 40 },
        },
        { text: 'Summary: echoed one and two.', usage: { inputTokens: 50_100, outputTokens: 10 } },
        { text: 'Done.', usage: { inputTokens: 900, outputTokens: 5 } },
      ],
      { thinking: { budgetTokens: 1024 }, contextWindow: 60_000 },
    );
    const agent = createAgent({
      provider: model,
      tools: [echo],
      policy: fixedPolicy('allow'),
      compaction: { strategy: summarizeCompaction(), threshold: 0.8, keepRecentTurns: 1 },
    });
    const result = await agent.run('Echo one, then two.').result;
    expect(result.text).toBe('Done.');
    expect(server!.rejections).toEqual([]);
    const summary = sent(2);
    expect((summary as { tools?: unknown }).tools).toBeUndefined();
    const blocks = summary.messages.flatMap((m) => m.content);
    expect(blocks.map((b) => b.type)).not.toContain('tool_use');
    expect(blocks.map((b) => b.type)).not.toContain('tool_result');
    expect(blocks.map((b) => b.type)).not.toContain('thinking');
    const text = blocks.map((b) => String(b.text)).join('\n');
    expect(text).toContain('[tool call toolu_1: echo {"text":"one"}]');
    expect(text).toContain('[result of tool call toolu_1 (echo)]\necho: one');
    expect(summary.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });
});

describe('anthropic: interleaved thinking', () => {
  // Claude may think between two tool calls of one answer: thinking, call, thinking, call.
  const interleaved: WireFormat = {
    ...anthropicWire,
    encode: (step, context) =>
      context.call === 1
        ? encodeAnthropicMessage(
            [
              { type: 'thinking', thinking: 'First a.' },
              { type: 'tool_use', id: 'toolu_a', name: 'echo', json: '{"text":"a"}' },
              { type: 'thinking', thinking: 'Now b.' },
              { type: 'tool_use', id: 'toolu_b', name: 'echo', json: '{"text":"b"}' },
            ],
            step,
            context,
          )
        : anthropicWire.encode(step, context),
  };

  it('sends the answer back with its blocks in the order they came', async () => {
    const { model } = await setup(
      [{ toolCalls: [{ name: 'echo', input: { text: 'a' } }] }, { text: 'Both echoed.' }],
      { thinking: { budgetTokens: 1024 } },
      interleaved,
    );
    const agent = createAgent({ provider: model, tools: [echo], policy: fixedPolicy('allow') });
    const result = await agent.run('Echo a and b.').result;
    expect(result.text).toBe('Both echoed.');
    const assistant = result.messages.find((m) => m.role === 'assistant');
    expect(assistant?.content.map((p) => (p.type === 'tool-call' ? p.id : p.type))).toEqual([
      'reasoning',
      'toolu_a',
      'reasoning',
      'toolu_b',
    ]);
    expect(sent(1).messages[1]?.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'thinking', 'tool_use']);
    expect(server!.rejections).toEqual([]);
  });
});

describe('anthropic: tool input schemas', () => {
  const schemaTool = (inputSchema: ModelTool['inputSchema']): ModelTool => ({
    name: 'pick',
    description: 'Pick',
    inputSchema,
  });

  it('sends a typeless schema and a top-level union as object schemas the API takes', async () => {
    const { model } = await setup(() => ({ text: 'ok' }));
    const union: ModelTool['inputSchema'] = {
      anyOf: [
        { type: 'object', properties: { kind: { const: 'a' }, path: { type: 'string' } }, required: ['kind', 'path'] },
        { type: 'object', properties: { kind: { const: 'b' }, url: { type: 'string' } }, required: ['kind', 'url'] },
      ],
    };
    const request: ModelRequest = ask('Pick', { tools: [schemaTool({}), { ...schemaTool(union), name: 'fetch' }] });
    expect((await collect(model, request)).error).toBeUndefined();
    const tools = (server!.requests[0]!.body as { tools: { input_schema: unknown }[] }).tools;
    expect(tools[0]?.input_schema).toEqual({ type: 'object' });
    expect(tools[1]?.input_schema).toEqual({
      type: 'object',
      properties: { kind: { const: 'b' }, path: { type: 'string' }, url: { type: 'string' } },
      required: ['kind'],
    });
  });

  it('takes every zod input a tool can have, typeless fields included', async () => {
    const { model } = await setup([
      { toolCalls: [{ id: 'toolu_1', name: 'anything', input: { data: { x: 1 }, when: '2026-01-01', tags: ['a'] } }] },
      { text: 'Got it.' },
    ]);
    let seen: unknown;
    const anything = tool({
      name: 'anything',
      description: 'Takes anything',
      input: z.object({ data: z.any(), meta: z.unknown().optional(), when: z.string(), tags: z.array(z.unknown()) }),
      readOnly: true,
      execute: async (input) => {
        seen = input;
        return 'ok';
      },
    });
    const agent = createAgent({ provider: model, tools: [anything], policy: fixedPolicy('allow') });
    expect((await agent.run('Go').result).text).toBe('Got it.');
    expect(seen).toEqual({ data: { x: 1 }, when: '2026-01-01', tags: ['a'] });
    expect(server!.rejections).toEqual([]);
  });

  it('fails the call with a ConfigError for a tool whose input is not an object, before sending it', async () => {
    const { model } = await setup(() => ({ text: 'ok' }));
    const { error } = await collect(model, ask('Pick', { tools: [schemaTool({ type: 'string' })] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('tool "pick" takes "string" input');
    expect(server!.requests).toHaveLength(0);
  });
});

describe('anthropic: text blocks', () => {
  it('leaves out text that is only whitespace', async () => {
    const { model } = await setup(() => ({ text: 'ok' }));
    const { error } = await collect(model, {
      system: ' ',
      tools: [],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'text', text: '\n' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: '\n\n' },
            { type: 'text', text: 'Hello.' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
    });
    expect(error).toBeUndefined();
    expect(sent(0).messages.map((m) => m.content.map((b) => b.text))).toEqual([['Hi'], ['Hello.'], ['Bye']]);
  });
});

describe('anthropic: settings', () => {
  const make = (settings: Partial<AnthropicSettings>) => () => anthropic({ model: 'claude-sonnet-4-5', ...settings });

  it.each([
    [{ thinking: { budgetTokens: 1000 } }, '`thinking.budgetTokens` must be a whole number of at least 1024'],
    [{ thinking: { budgetTokens: 2048.5 } }, '`thinking.budgetTokens` must be a whole number of at least 1024'],
    [{ thinking: 'always' as never }, "`thinking` must be { budgetTokens } or 'adaptive'"],
    [{ maxOutputTokens: 0 }, '`maxOutputTokens` must be a whole number ≥ 1'],
    [{ cache: 'yes' as never }, '`cache` must be true or false'],
  ])('refuses %j at construction', (settings, message) => {
    expect(make(settings)).toThrow(ConfigError);
    expect(make(settings)).toThrow(message);
  });

  it('raises max_tokens above a budget larger than the output limit, so the API takes the pair', async () => {
    const { model } = await setup(() => ({ text: 'ok' }), { thinking: { budgetTokens: 4096 }, maxOutputTokens: 1024 });
    expect((await collect(model, ask('Hi', { maxOutputTokens: 2000 }))).error).toBeUndefined();
    expect(server!.requests[0]!.body).toMatchObject({ max_tokens: 4096 + 1024, thinking: { budget_tokens: 4096 } });
  });
});
