import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { mockThinkingSignature } from '../../src/testing/mock-server/anthropic-rules.js';
import { startMockServer } from '../../src/testing/mock-server/index.js';
import {
  itAbortsBeforeHeaders,
  itEndsOnAbortMidStream,
  itKeepsMalformedToolJson,
  itNeverFinishesATruncatedStream,
  itReportsA429,
  itReportsACutAsNetwork,
  itReturnsTwoToolCalls,
  itTimesOutAStall,
  itTimesOutBeforeHeaders,
  mockWireSetup,
} from './adapter-cases.js';
import { ask, collect, PNG, readTool, textOf } from './shared-helpers.js';

const KEY = 'sk-ant-test-0123456789abcdef';
const { setup, makeModel } = mockWireSetup('anthropic', (baseURL, settings: Partial<Parameters<typeof anthropic>[0]>) =>
  anthropic({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL, ...settings }),
);

const types = (parts: readonly ModelStreamPart[]) => parts.map((part) => part.type);

describe('anthropic over the Messages SSE wire', () => {
  it('streams plain text, maps usage with cache tokens, and sends cache breakpoints', async () => {
    const { model, server } = await setup([
      {
        text: 'Hello there, how are you?',
        usage: { inputTokens: 100, outputTokens: 7, cacheReadTokens: 60, cacheWriteTokens: 30 },
      },
    ]);
    const { parts, error } = await collect(model, ask('Hi', { system: 'Be terse.', temperature: 0.2 }));
    expect(error).toBeUndefined();
    expect(textOf(parts)).toBe('Hello there, how are you?');
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(2);
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 100, outputTokens: 7, cacheReadTokens: 60, cacheWriteTokens: 30 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(server.requests[0]?.path).toBe('/v1/messages');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 8192,
        "messages": [
          {
            "content": [
              {
                "cache_control": {
                  "type": "ephemeral",
                },
                "text": "Hi",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-haiku-4-5",
        "stream": true,
        "system": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "text": "Be terse.",
            "type": "text",
          },
        ],
        "temperature": 0.2,
      }
    `);
  });

  it('assembles one tool call from many input_json_delta chunks and holds it until message_stop', async () => {
    const input = { file_path: 'src/very/long/path/to/some/file.ts', limit: 200 };
    const { model, server } = await setup([{ toolCalls: [{ id: 'toolu_1', name: 'read', input }] }]);
    const { parts, error } = await collect(model, ask('Read it', { tools: [readTool], toolChoice: 'auto' }));
    expect(error).toBeUndefined();
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((d) => (d.type === 'tool-call-delta' ? d.inputDelta : '')).join('')).toBe(JSON.stringify(input));
    expect(parts[0]).toEqual({ type: 'tool-call-start', id: 'toolu_1', name: 'read' });
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'toolu_1', name: 'read', input },
    ]);
    expect(types(parts).slice(-3)).toEqual(['tool-call', 'usage', 'finish']);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 8192,
        "messages": [
          {
            "content": [
              {
                "cache_control": {
                  "type": "ephemeral",
                },
                "text": "Read it",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-haiku-4-5",
        "stream": true,
        "tool_choice": {
          "type": "auto",
        },
        "tools": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "description": "Read a file",
            "input_schema": {
              "additionalProperties": false,
              "properties": {
                "file_path": {
                  "type": "string",
                },
                "limit": {
                  "type": "number",
                },
              },
              "required": [
                "file_path",
              ],
              "type": "object",
            },
            "name": "read",
          },
        ],
      }
    `);
  });

  itReturnsTwoToolCalls(makeModel, 'handles two tool calls in one turn');

  it('streams thinking with its signature and sends it back next turn', async () => {
    const { model, server } = await setup([{ reasoning: 'Let me think about this.', text: 'Four.' }], [], {
      thinking: { budgetTokens: 2048 },
      maxOutputTokens: 1024,
    });
    const { parts } = await collect(model, ask('2+2?', { temperature: 0.5 }));
    expect(
      parts
        .filter((p) => p.type === 'reasoning-delta')
        .map((p) => (p.type === 'reasoning-delta' ? p.text : ''))
        .join(''),
    ).toBe('Let me think about this.');
    const reasoning = parts.find((p) => p.type === 'reasoning');
    const signature = mockThinkingSignature(1, 0, 'Let me think about this.');
    expect(reasoning).toEqual({ type: 'reasoning', text: 'Let me think about this.', signature });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(body.max_tokens).toBe(2048 + 1024);
    expect(body.temperature).toBeUndefined();

    server.requests.length = 0;
    await collect(model, {
      tools: [],
      messages: [
        { role: 'user', content: [{ type: 'text', text: '2+2?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Let me think about this.', signature },
            { type: 'text', text: 'Four.' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'And 3+3?' }] },
      ],
    });
    expect((server.requests[0]?.body as { messages: unknown }).messages).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "cache_control": {
                "type": "ephemeral",
              },
              "text": "2+2?",
              "type": "text",
            },
          ],
          "role": "user",
        },
        {
          "content": [
            {
              "signature": "sig_mock_1_0_1836a7fbbf609f53",
              "thinking": "Let me think about this.",
              "type": "thinking",
            },
            {
              "text": "Four.",
              "type": "text",
            },
          ],
          "role": "assistant",
        },
        {
          "content": [
            {
              "cache_control": {
                "type": "ephemeral",
              },
              "text": "And 3+3?",
              "type": "text",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('sends images as base64 and URL sources', async () => {
    const { model, server } = await setup([{ text: 'A pixel.' }], [], { cache: false });
    await collect(model, {
      tools: [],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', mediaType: 'image/png', data: PNG },
            { type: 'image', mediaType: 'image/jpeg', url: 'https://example.com/cat.jpg' },
          ],
        },
      ],
    });
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 8192,
        "messages": [
          {
            "content": [
              {
                "text": "What is this?",
                "type": "text",
              },
              {
                "source": {
                  "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                  "media_type": "image/png",
                  "type": "base64",
                },
                "type": "image",
              },
              {
                "source": {
                  "type": "url",
                  "url": "https://example.com/cat.jpg",
                },
                "type": "image",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-haiku-4-5",
        "stream": true,
      }
    `);
  });

  it('pairs tool results with their tool_use in the next user message, with is_error', async () => {
    const { model, server } = await setup([{ text: 'Done.' }]);
    await collect(model, {
      system: 'sys',
      tools: [readTool],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Read a and b' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Reading.' },
            { type: 'tool-call', id: 't1', name: 'read', input: { file_path: 'a' } },
            { type: 'tool-call', id: 't2', name: 'read', input: '{"file_path": "b' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', id: 't1', name: 'read', output: 'contents of a', isError: false },
            { type: 'tool-result', id: 't2', name: 'read', output: { error: 'invalid JSON' }, isError: true },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Go on' }] },
      ],
    });
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 8192,
        "messages": [
          {
            "content": [
              {
                "cache_control": {
                  "type": "ephemeral",
                },
                "text": "Read a and b",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "text": "Reading.",
                "type": "text",
              },
              {
                "id": "t1",
                "input": {
                  "file_path": "a",
                },
                "name": "read",
                "type": "tool_use",
              },
              {
                "id": "t2",
                "input": {},
                "name": "read",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "contents of a",
                "tool_use_id": "t1",
                "type": "tool_result",
              },
              {
                "content": "{"error":"invalid JSON"}",
                "is_error": true,
                "tool_use_id": "t2",
                "type": "tool_result",
              },
              {
                "cache_control": {
                  "type": "ephemeral",
                },
                "text": "Go on",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-haiku-4-5",
        "stream": true,
        "system": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "text": "sys",
            "type": "text",
          },
        ],
        "tools": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "description": "Read a file",
            "input_schema": {
              "additionalProperties": false,
              "properties": {
                "file_path": {
                  "type": "string",
                },
                "limit": {
                  "type": "number",
                },
              },
              "required": [
                "file_path",
              ],
              "type": "object",
            },
            "name": "read",
          },
        ],
      }
    `);
  });

  itReportsA429(
    setup,
    'reports a 429 as rate-limit with retry-after as sent (3600 s), request id and no retry by the SDK',
    true,
  );

  it('reads retry-after-ms', async () => {
    const { model } = await setup([{ text: 'x' }], [{ type: 'status', status: 529, retryAfterMs: 1500 }]);
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'overloaded', status: 529, retryAfterMs: 1500, retryable: true });
  });

  it('reports an in-stream overloaded_error as overloaded before yielding anything', async () => {
    const { model } = await setup([{ text: 'Hello' }], [{ type: 'stream-error', kind: 'overloaded', afterFrames: 1 }]);
    const { parts, error } = await collect(model, ask('Hi'));
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true });
  });

  it('gives the same step to the retry of a failed call', async () => {
    const { model } = await setup(
      [{ text: 'First answer' }, { text: 'Second answer' }],
      [{ type: 'stream-error', call: 1 }],
    );
    expect((await collect(model, ask('Hi'))).error).toBeInstanceOf(ProviderError);
    expect(textOf((await collect(model, ask('Hi'))).parts)).toBe('First answer');
    expect(textOf((await collect(model, ask('Hi'))).parts)).toBe('Second answer');
  });

  itReportsACutAsNetwork(makeModel, 700, true);

  itNeverFinishesATruncatedStream(
    makeModel,
    'never finishes cleanly when message_stop is missing, and never yields its tool calls',
    'message_stop',
  );

  itTimesOutAStall(makeModel, 2, 5000);

  itTimesOutBeforeHeaders(makeModel);

  itAbortsBeforeHeaders(makeModel);

  itKeepsMalformedToolJson(makeModel, 'keeps malformed tool JSON as the raw string', true);

  itEndsOnAbortMidStream(makeModel, 'ends promptly on abort mid-stream with the abort, not a ProviderError', {
    isError: true,
    notProviderError: true,
  });

  it('classifies a 401 as auth and never shows the key', async () => {
    const { model } = await setup(
      [{ text: 'x' }],
      [{ type: 'status', status: 401, message: `invalid x-api-key: ${KEY}` }],
    );
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(String((error as Error).message)).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('fails with auth, naming the variable, when no key is configured', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const model = anthropic({ model: 'claude-haiku-4-5', baseURL: 'http://127.0.0.1:9' });
      const { error } = await collect(model, ask('Hi'));
      expect(error).toMatchObject({
        kind: 'auth',
        retryable: false,
        message: expect.stringContaining('ANTHROPIC_API_KEY'),
      });
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('reports a refused connection as network', async () => {
    const closed = await startMockServer({ wire: 'anthropic', script: [] });
    await closed.close();
    const model = anthropic({ model: 'claude-haiku-4-5', apiKey: KEY, baseURL: closed.baseURL });
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('has pricing, context window and the retry policy from its settings', () => {
    const model = anthropic({
      model: 'claude-haiku-4-5-20251001',
      apiKey: KEY,
      maxRetries: 5,
      maxRetryDelayMs: 10_000,
    });
    expect(model.pricing).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 5,
      cacheReadPerMTok: 0.1,
      cacheWritePerMTok: 1.25,
    });
    expect(model.contextWindow).toBe(200_000);
    expect(model.retry).toEqual({ maxRetries: 5, maxRetryDelayMs: 10_000 });
    const custom = anthropic({ model: 'claude-custom', pricing: { inputPerMTok: 1, outputPerMTok: 2 } });
    expect(custom.pricing).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });
});
