import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import { openai } from '../../src/providers/openai/index.js';
import {
  itAbortsBeforeHeaders,
  itEndsOnAbortMidStream,
  itHidesTheKeyOfA401,
  itKeepsMalformedToolJson,
  itNeverFinishesATruncatedStream,
  itReportsA429,
  itReportsACutAsNetwork,
  itTimesOutAStall,
  itTimesOutBeforeHeaders,
  mockWireSetup,
} from './adapter-cases.js';
import { ask, collect, PNG, readTool, textOf } from './shared-helpers.js';

const KEY = 'sk-test-0123456789abcdefghij';
const { setup, makeModel } = mockWireSetup('openai', (baseURL, settings: Partial<Parameters<typeof openai>[0]>) =>
  openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL, ...settings }),
);

describe('openai over the Chat Completions SSE wire', () => {
  it('streams plain text and usage, asking for include_usage', async () => {
    const { model, server } = await setup([
      { text: 'Hello there, how are you?', usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 32 } },
    ]);
    const { parts, error } = await collect(
      model,
      ask('Hi', { system: 'Be terse.', temperature: 0, maxOutputTokens: 100 }),
    );
    expect(error).toBeUndefined();
    expect(textOf(parts)).toBe('Hello there, how are you?');
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(2);
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 32 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "max_completion_tokens": 100,
        "messages": [
          {
            "content": "Be terse.",
            "role": "system",
          },
          {
            "content": "Hi",
            "role": "user",
          },
        ],
        "model": "gpt-4.1-mini",
        "stream": true,
        "stream_options": {
          "include_usage": true,
        },
        "temperature": 0,
      }
    `);
  });

  it('assembles one tool call from many argument chunks, with a strict schema and nulls of optionals removed', async () => {
    const { model, server } = await setup([
      { toolCalls: [{ id: 'call_a', name: 'read', input: { file_path: 'src/some/deep/file/name.ts', limit: null } }] },
    ]);
    const { parts, error } = await collect(model, ask('Read it', { tools: [readTool], toolChoice: { name: 'read' } }));
    expect(error).toBeUndefined();
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(parts[0]).toEqual({ type: 'tool-call-start', id: 'call_a', name: 'read' });
    // `limit` is optional in the tool's schema: strict mode made it nullable, and its null is dropped again.
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'read', input: { file_path: 'src/some/deep/file/name.ts' } },
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Read it",
            "role": "user",
          },
        ],
        "model": "gpt-4.1-mini",
        "stream": true,
        "stream_options": {
          "include_usage": true,
        },
        "tool_choice": {
          "function": {
            "name": "read",
          },
          "type": "function",
        },
        "tools": [
          {
            "function": {
              "description": "Read a file",
              "name": "read",
              "parameters": {
                "additionalProperties": false,
                "properties": {
                  "file_path": {
                    "type": "string",
                  },
                  "limit": {
                    "type": [
                      "number",
                      "null",
                    ],
                  },
                },
                "required": [
                  "file_path",
                  "limit",
                ],
                "type": "object",
              },
              "strict": true,
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('assembles two parallel tool calls whose chunks interleave by index', async () => {
    const { model } = await setup([
      {
        toolCalls: [
          { name: 'read', input: { file_path: 'first/file/with/a/long/name.ts' } },
          { name: 'read', input: { file_path: 'second/file/with/a/long/name.ts' } },
        ],
      },
    ]);
    const { parts } = await collect(model, ask('Read both', { tools: [readTool] }));
    const deltaIds = parts
      .filter((p) => p.type === 'tool-call-delta')
      .map((p) => (p.type === 'tool-call-delta' ? p.id : ''));
    expect(deltaIds.slice(0, 4)).toEqual(['call_1_0', 'call_1_1', 'call_1_0', 'call_1_1']);
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'call_1_0', name: 'read', input: { file_path: 'first/file/with/a/long/name.ts' } },
      { type: 'tool-call', id: 'call_1_1', name: 'read', input: { file_path: 'second/file/with/a/long/name.ts' } },
    ]);
  });

  it('streams reasoning_content of compatible servers, and sends reasoning_effort', async () => {
    const { model, server } = await setup([{ reasoning: 'Adding two and two.', text: '4' }], [], {
      reasoningEffort: 'low',
    });
    const { parts } = await collect(model, ask('2+2?'));
    expect(
      parts
        .filter((p) => p.type === 'reasoning-delta')
        .map((p) => (p.type === 'reasoning-delta' ? p.text : ''))
        .join(''),
    ).toBe('Adding two and two.');
    expect(parts.find((p) => p.type === 'reasoning')).toBeUndefined();
    expect((server.requests[0]?.body as Record<string, unknown>).reasoning_effort).toBe('low');
  });

  it('sends images as image_url parts and pairs tool results by tool_call_id', async () => {
    const { model, server } = await setup([{ text: 'ok' }]);
    await collect(model, {
      tools: [readTool],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', mediaType: 'image/png', data: PNG },
            { type: 'image', mediaType: 'image/jpeg', url: 'https://example.com/cat.jpg' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hidden', signature: 'sig' },
            { type: 'tool-call', id: 'c1', name: 'read', input: { file_path: 'a' } },
            { type: 'tool-call', id: 'c2', name: 'read', input: '{"file_path": "b' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', id: 'c1', name: 'read', output: 'A', isError: false },
            { type: 'tool-result', id: 'c2', name: 'read', output: { error: 'bad JSON' }, isError: true },
          ],
        },
      ],
    });
    expect((server.requests[0]?.body as { messages: unknown }).messages).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "text": "What is this?",
              "type": "text",
            },
            {
              "image_url": {
                "url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
              },
              "type": "image_url",
            },
            {
              "image_url": {
                "url": "https://example.com/cat.jpg",
              },
              "type": "image_url",
            },
          ],
          "role": "user",
        },
        {
          "content": null,
          "role": "assistant",
          "tool_calls": [
            {
              "function": {
                "arguments": "{"file_path":"a"}",
                "name": "read",
              },
              "id": "c1",
              "type": "function",
            },
            {
              "function": {
                "arguments": "{}",
                "name": "read",
              },
              "id": "c2",
              "type": "function",
            },
          ],
        },
        {
          "content": "A",
          "role": "tool",
          "tool_call_id": "c1",
        },
        {
          "content": "Error: {"error":"bad JSON"}",
          "role": "tool",
          "tool_call_id": "c2",
        },
      ]
    `);
  });

  itReportsA429(setup, 'reports a 429 with retry-after: 3600 as rate-limit with the delay as sent');

  it('reports a 429 for an exhausted quota as quota, not retryable', async () => {
    const { model } = await setup(
      [{ text: 'x' }],
      [{ type: 'status', status: 429, message: 'You exceeded your current quota' }],
    );
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'quota', retryable: false });
  });

  it('reports an error frame inside the stream as a retryable ProviderError', async () => {
    const { model } = await setup([{ text: 'Hello' }], [{ type: 'stream-error', kind: 'overloaded', afterFrames: 1 }]);
    const { parts, error } = await collect(model, ask('Hi'));
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true });
  });

  itReportsACutAsNetwork(makeModel, 400);

  itNeverFinishesATruncatedStream(
    makeModel,
    'never finishes cleanly without a finish_reason, and never yields its tool calls',
    'finish_reason',
  );

  itTimesOutAStall(makeModel, 1);

  itTimesOutBeforeHeaders(makeModel);

  itAbortsBeforeHeaders(makeModel);

  itKeepsMalformedToolJson(makeModel, 'keeps malformed tool JSON as the raw string');

  itEndsOnAbortMidStream(makeModel, 'ends promptly on abort mid-stream with the abort', { notProviderError: true });

  itHidesTheKeyOfA401(makeModel, KEY);

  it('fails with auth when no key is configured', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const { error } = await collect(openai({ model: 'gpt-4o', baseURL: 'http://127.0.0.1:9/v1' }), ask('Hi'));
      expect(error).toMatchObject({ kind: 'auth', message: expect.stringContaining('OPENAI_API_KEY') });
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('sends a schema strict mode cannot express without strict', async () => {
    const { model, server } = await setup([{ text: 'ok' }]);
    const free = {
      name: 'put',
      description: 'Store values',
      inputSchema: { type: 'object', additionalProperties: { type: 'number' } },
    };
    await collect(model, ask('Hi', { tools: [free] }));
    expect((server.requests[0]?.body as { tools: unknown }).tools).toEqual([
      { type: 'function', function: { name: 'put', description: 'Store values', parameters: free.inputSchema } },
    ]);
  });
});
