/**
 * `serveAgentOverMcp`: an agent as an MCP tool, called by the SDK's own client over Streamable HTTP and
 * over stdio, with progress notifications, conversations continued by sessionId, cancellation and a
 * request check.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type AgentEvent, type RunResult } from '../../src/index.js';
import { serveAgentOverMcp } from '../../src/mcp/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { eventually } from './servers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const lookup = tool({
  name: 'lookup',
  description: 'Looks a word up',
  input: z.object({ word: z.string() }),
  readOnly: true,
  execute: ({ word }) => `${word}: a small domesticated feline`,
});

async function httpClient(url: string, headers?: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), headers ? { requestInit: { headers } } : {}));
  cleanups.push(() => client.close());
  return client;
}

const text = (result: unknown): string =>
  ((result as { content: { text: string }[] }).content ?? []).map((c) => c.text).join('');

describe('serveAgentOverMcp', () => {
  it('serves an agent over Streamable HTTP: one tool, progress while it runs, its answer as the result', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'lookup', input: { word: 'cat' } }] },
      { text: 'A cat is a small domesticated feline.' },
      // The follow-up call in the same conversation.
      (request) => ({ text: `You asked ${request.messages.filter((m) => m.role === 'user').length} questions.` }),
    ]);
    const agent = createAgent({ provider: model, tools: [lookup], policy: { mode: 'read-only' } });
    const served = await serveAgentOverMcp(agent, {
      name: 'dictionary',
      description: 'Defines words.',
      transport: 'http',
    });
    cleanups.push(() => served.close());
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

    const client = await httpClient(served.url!);
    const { tools } = await client.listTools();
    expect(tools).toEqual([
      expect.objectContaining({
        name: 'dictionary',
        description: 'Defines words.',
        inputSchema: expect.objectContaining({ required: ['prompt'] }),
      }),
    ]);
    const progress: string[] = [];
    const first = await client.callTool({ name: 'dictionary', arguments: { prompt: 'What is a cat?' } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ''),
    });
    expect(first.isError).toBeFalsy();
    expect(text(first)).toBe('A cat is a small domesticated feline.');
    expect(progress).toEqual(['turn 1', 'calling lookup', 'lookup done', 'turn 2']);
    const { sessionId, status, turns } = first.structuredContent as {
      sessionId: string;
      status: string;
      turns: number;
    };
    expect({ status, turns }).toEqual({ status: 'completed', turns: 2 });

    const second = await client.callTool({ name: 'dictionary', arguments: { prompt: 'And a dog?', sessionId } });
    expect(text(second)).toBe('You asked 2 questions.');
    model.assertComplete();

    const stranger = await client.callTool({
      name: 'dictionary',
      arguments: { prompt: 'hi', sessionId: 'ses_someone_else' },
    });
    expect(stranger.isError).toBe(true);
    expect(text(stranger)).toMatch(/Unknown sessionId/);
    const empty = await client.callTool({ name: 'dictionary', arguments: { prompt: '' } });
    expect(empty.isError).toBe(true);
  });

  it('aborts the run when the caller cancels the call', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const ends: RunResult[] = [];
    const wait = tool({
      name: 'wait',
      description: 'Waits until stopped',
      input: z.object({}),
      readOnly: true,
      execute: (_input, ctx) =>
        new Promise((_resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
    });
    const model = mockProvider([{ toolCalls: [{ name: 'wait', input: {} }] }]);
    const agent = createAgent({
      provider: model,
      tools: [wait],
      policy: { mode: 'read-only' },
      hooks: { onEvent: (event: AgentEvent) => void (event.type === 'run-end' && ends.push(event.result)) },
    });
    const served = await serveAgentOverMcp(agent, { name: 'waiter', transport: 'http' });
    cleanups.push(() => served.close());
    const client = await httpClient(served.url!);
    const controller = new AbortController();
    const call = client.callTool({ name: 'waiter', arguments: { prompt: 'wait' } }, undefined, {
      signal: controller.signal,
    });
    await running;
    controller.abort(new Error('caller gave up'));
    await expect(call).rejects.toThrow('caller gave up');
    await eventually(() => ends[0]);
    expect(ends[0]!.status).toBe('aborted');
    model.assertComplete();
  });

  it('checks each HTTP request with `authorize`', async () => {
    const model = mockProvider([{ text: 'hello' }]);
    const agent = createAgent({ provider: model });
    const served = await serveAgentOverMcp(agent, {
      name: 'guarded',
      transport: 'http',
      authorize: (request) => request.headers.authorization === 'Bearer let-me-in',
    });
    cleanups.push(() => served.close());
    await expect(httpClient(served.url!)).rejects.toThrow(/401|nauthorized/);
    const client = await httpClient(served.url!, { Authorization: 'Bearer let-me-in' });
    expect(text(await client.callTool({ name: 'guarded', arguments: { prompt: 'hi' } }))).toBe('hello');
    model.assertComplete();
  });

  it('serves an agent over stdio to the SDK client that started it', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'served-agent.ts')],
      cwd: process.cwd(),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    await client.connect(transport);
    const progress: string[] = [];
    const result = await client.callTool(
      { name: 'counter', arguments: { prompt: 'How many words in "one two three"?' } },
      undefined,
      {
        onprogress: (p) => progress.push(p.message ?? ''),
      },
    );
    expect(text(result)).toBe('The text has 3 words.');
    expect(progress).toContain('calling word_count');
    await client.close();
    await eventually(() => (stderr.includes('script complete') ? true : undefined));
  });

  it('refuses a bad name or transport', async () => {
    const model = mockProvider([]);
    const agent = createAgent({ provider: model });
    await expect(serveAgentOverMcp(agent, { name: 'has space' })).rejects.toThrow(/name must be/);
    await expect(serveAgentOverMcp(agent, { name: 'ok', transport: 'ws' as 'http' })).rejects.toThrow(/transport/);
    model.assertComplete();
  });
});
