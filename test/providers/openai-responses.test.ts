import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { openai } from '../../src/providers/openai/index.js';
import {
  itEndsOnAbortMidStream,
  itHidesTheKeyOfA401,
  itKeepsMalformedToolJson,
  itNeverFinishesATruncatedStream,
  itReportsACutAsNetwork,
  itReturnsTwoToolCalls,
  itTimesOutAStall,
  mockWireSetup,
} from './adapter-cases.js';
import { ask, collect, PNG, readTool, textOf } from './shared-helpers.js';

const KEY = 'sk-test-0123456789abcdefghij';
const { setup, makeModel } = mockWireSetup(
  'openai-responses',
  (baseURL, settings: Partial<Parameters<typeof openai>[0]>) =>
    openai({ model: 'gpt-5', api: 'responses', apiKey: KEY, baseURL, ...settings }),
);

const types = (parts: readonly ModelStreamPart[]) => parts.map((part) => part.type);

describe('openai over the Responses SSE wire', () => {
  it('streams plain text and usage', async () => {
    const { model, server } = await setup([
      { text: 'Hello there, how are you?', usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 32 } },
    ]);
    const { parts, error } = await collect(model, ask('Hi', { system: 'Be terse.', maxOutputTokens: 100 }));
    expect(error).toBeUndefined();
    expect(textOf(parts)).toBe('Hello there, how are you?');
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(2);
    expect(parts.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 50, outputTokens: 7, cacheReadTokens: 32 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(server.requests[0]?.path).toBe('/v1/responses');
    expect(server.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "input": [
          {
            "content": [
              {
                "text": "Hi",
                "type": "input_text",
              },
            ],
            "role": "user",
          },
        ],
        "instructions": "Be terse.",
        "max_output_tokens": 100,
        "model": "gpt-5",
        "stream": true,
      }
    `);
  });

  it('assembles one function call from many argument deltas', async () => {
    const input = { file_path: 'src/some/deep/file/name.ts', limit: 10 };
    const { model, server } = await setup([{ toolCalls: [{ id: 'call_a', name: 'read', input }] }]);
    const { parts } = await collect(model, ask('Read it', { tools: [readTool], toolChoice: 'required' }));
    expect(parts[0]).toEqual({ type: 'tool-call-start', id: 'call_a', name: 'read' });
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((d) => (d.type === 'tool-call-delta' ? d.inputDelta : '')).join('')).toBe(JSON.stringify(input));
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'read', input },
    ]);
    expect(types(parts).slice(-3)).toEqual(['tool-call', 'usage', 'finish']);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    expect((server.requests[0]?.body as Record<string, unknown>).tools).toMatchInlineSnapshot(`
      [
        {
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
          "type": "function",
        },
      ]
    `);
    expect((server.requests[0]?.body as Record<string, unknown>).tool_choice).toBe('required');
  });

  itReturnsTwoToolCalls(makeModel, 'handles two function calls in one response');

  it('streams reasoning summaries and keeps the encrypted reasoning for the next turn', async () => {
    const { model, server } = await setup([{ reasoning: 'Adding two and two.', text: '4' }, { text: '6' }], [], {
      reasoningEffort: 'low',
    });
    const { parts } = await collect(
      model,
      ask('2+2?', { providerOptions: { openai: { store: false, include: ['reasoning.encrypted_content'] } } }),
    );
    expect(
      parts
        .filter((p) => p.type === 'reasoning-delta')
        .map((p) => (p.type === 'reasoning-delta' ? p.text : ''))
        .join(''),
    ).toBe('Adding two and two.');
    const reasoning = parts.find((p) => p.type === 'reasoning');
    expect(reasoning).toEqual({
      type: 'reasoning',
      text: 'Adding two and two.',
      providerMetadata: { openai: { itemId: 'rs_mock_1', encryptedContent: 'enc_mock_1', messageId: 'msg_mock_1' } },
    });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.reasoning).toEqual({ effort: 'low', summary: 'auto' });
    expect(body.store).toBe(false);

    const second = await collect(model, {
      tools: [],
      providerOptions: { openai: { store: false } },
      messages: [
        { role: 'user', content: [{ type: 'text', text: '2+2?' }] },
        { role: 'assistant', content: [reasoning!, { type: 'text', text: '4' }] },
        { role: 'user', content: [{ type: 'text', text: '3+3?' }] },
      ],
    });
    expect(second.error).toBeUndefined();
    expect((server.requests[1]?.body as Record<string, unknown>).input).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "text": "2+2?",
              "type": "input_text",
            },
          ],
          "role": "user",
        },
        {
          "encrypted_content": "enc_mock_1",
          "id": "rs_mock_1",
          "summary": [
            {
              "text": "Adding two and two.",
              "type": "summary_text",
            },
          ],
          "type": "reasoning",
        },
        {
          "content": [
            {
              "annotations": [],
              "text": "4",
              "type": "output_text",
            },
          ],
          "id": "msg_mock_1",
          "role": "assistant",
          "status": "completed",
          "type": "message",
        },
        {
          "content": [
            {
              "text": "3+3?",
              "type": "input_text",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('sends images as input_image and pairs tool results as function_call_output', async () => {
    const { model, server } = await setup([{ text: 'ok' }]);
    await collect(model, {
      tools: [readTool],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', mediaType: 'image/png', data: PNG },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Reading.' },
            { type: 'tool-call', id: 'c1', name: 'read', input: { file_path: 'a' } },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', id: 'c1', name: 'read', output: 'A', isError: false }] },
      ],
    });
    expect((server.requests[0]?.body as Record<string, unknown>).input).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "text": "What is this?",
              "type": "input_text",
            },
            {
              "image_url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
              "type": "input_image",
            },
          ],
          "role": "user",
        },
        {
          "content": "Reading.",
          "role": "assistant",
        },
        {
          "arguments": "{"file_path":"a"}",
          "call_id": "c1",
          "name": "read",
          "type": "function_call",
        },
        {
          "call_id": "c1",
          "output": "A",
          "type": "function_call_output",
        },
      ]
    `);
  });

  it('reports a 429 with retry-after: 3600 as rate-limit with the delay as sent', async () => {
    const { model } = await setup([{ text: 'x' }], [{ type: 'status', status: 429, retryAfter: '3600' }]);
    const { parts, error } = await collect(model, ask('Hi'));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryable: true, retryAfterMs: 3_600_000 });
  });

  it('reports response.failed as a classified, retryable ProviderError', async () => {
    const { model } = await setup([{ text: 'Hello' }], [{ type: 'stream-error', kind: 'overloaded', afterFrames: 2 }]);
    const { parts, error } = await collect(model, ask('Hi'));
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true });
  });

  itReportsACutAsNetwork(makeModel, 900);

  itNeverFinishesATruncatedStream(
    makeModel,
    'never finishes cleanly without response.completed, and never yields its function calls',
    'response.completed',
  );

  itTimesOutAStall(makeModel, 3);

  itKeepsMalformedToolJson(makeModel, 'keeps malformed function arguments as the raw string');

  it('maps an incomplete response (max_output_tokens) to finish length', async () => {
    const { model } = await setup([{ text: 'Cut off', finishReason: 'length' }]);
    const { parts } = await collect(model, ask('Hi'));
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  itEndsOnAbortMidStream(makeModel, 'ends promptly on abort mid-stream with the abort');

  itHidesTheKeyOfA401(makeModel, KEY);
});
