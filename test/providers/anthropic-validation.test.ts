/**
 * The validating Anthropic mock refuses what the Messages API refuses, with its status, error shape and
 * words, as the official SDK sees them; and streams what the API streams (the full usage in
 * `message_delta`).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { mockThinkingSignature } from '../../src/testing/mock-server/anthropic-rules.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Body = Record<string, unknown>;
const tool = { name: 'read', description: 'Read a file', input_schema: { type: 'object' } };
const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] });
const call = (id: string) => ({ type: 'tool_use', id, name: 'read', input: {} });
const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });
const base = (extra: Body): Body => ({ model: 'claude-haiku-4-5', max_tokens: 2000, ...extra });
const thinkingOn = { type: 'enabled', budget_tokens: 1024 };

/** Sends `body` with the official SDK (no retries); gives its APIError, or undefined when it succeeded. */
async function send(body: Body, validate = true): Promise<{ status?: number; error?: unknown } | undefined> {
  server = await startMockServer({ wire: 'anthropic', script: () => ({ text: 'ok' }), validate });
  const client = new Anthropic({ apiKey: 'sk-ant-test-key-123456', baseURL: server.baseURL, maxRetries: 0 });
  try {
    await client.messages.create({ ...body, stream: false } as never);
    return undefined;
  } catch (error) {
    return error as { status?: number; error?: unknown };
  }
}

const refused: [string, Body, string][] = [
  [
    'a tool_use without its tool_result in the next message',
    base({ tools: [tool], messages: [user('a'), { role: 'assistant', content: [call('t1'), call('t2')] }, user('b')] }),
    'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1, t2. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
  ],
  [
    'a tool_result whose call is not in the message before',
    base({
      tools: [tool],
      messages: [
        user('a'),
        { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'user', content: [result('t9')] },
      ],
    }),
    'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
  ],
  [
    'tool results after text in the next message',
    base({
      tools: [tool],
      messages: [
        user('a'),
        { role: 'assistant', content: [call('t1')] },
        { role: 'user', content: [{ type: 'text', text: 'here' }, result('t1')] },
      ],
    }),
    'messages.2: Did not find 1 `tool_result` block(s) at the beginning of this message. Messages following `tool_use` blocks must begin with a matching number of `tool_result` blocks.',
  ],
  [
    'tool blocks in a request without tools',
    base({
      messages: [user('a'), { role: 'assistant', content: [call('t1')] }, { role: 'user', content: [result('t1')] }],
    }),
    'Requests which include `tool_use` or `tool_result` blocks must define tools.',
  ],
  [
    'thinking with a forced tool choice',
    base({ tools: [tool], tool_choice: { type: 'any' }, thinking: thinkingOn, messages: [user('a')] }),
    'Thinking may not be enabled when tool_choice forces tool use.',
  ],
  [
    'adaptive thinking with a named tool choice (refused on the newest models)',
    base({
      tools: [tool],
      tool_choice: { type: 'tool', name: 'read' },
      thinking: { type: 'adaptive' },
      messages: [user('a')],
    }),
    'Thinking may not be enabled when tool_choice forces tool use.',
  ],
  [
    'a thinking block without its signature',
    base({ messages: [user('a'), { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hm.' }] }, user('b')] }),
    'messages.1.content.0.thinking.signature: Field required',
  ],
  [
    'a thinking block whose text changed since it was signed',
    base({
      messages: [
        user('a'),
        {
          role: 'assistant',
          content: [{ type: 'thinking', thinking: 'Hm!', signature: mockThinkingSignature(1, 0, 'Hm.') }],
        },
        user('b'),
      ],
    }),
    'messages.1.content.0: Invalid `signature` in `thinking` block',
  ],
  [
    'a thinking block moved from where it was',
    base({
      messages: [
        user('a'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'First.' },
            { type: 'thinking', thinking: 'Hm.', signature: mockThinkingSignature(1, 0, 'Hm.') },
          ],
        },
        user('b'),
      ],
    }),
    'messages.1.content.1: Invalid `signature` in `thinking` block',
  ],
  [
    'a budgeted tool turn whose first assistant message does not start with thinking',
    base({
      tools: [tool],
      thinking: thinkingOn,
      messages: [user('a'), { role: 'assistant', content: [call('t1')] }, { role: 'user', content: [result('t1')] }],
    }),
    'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking',
  ],
  [
    'a thinking budget under 1024',
    base({ thinking: { type: 'enabled', budget_tokens: 512 }, messages: [user('a')] }),
    'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
  ],
  [
    'max_tokens not above the thinking budget',
    base({ max_tokens: 1024, thinking: thinkingOn, messages: [user('a')] }),
    '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size',
  ],
  [
    'a temperature with thinking',
    base({ temperature: 0.2, thinking: thinkingOn, messages: [user('a')] }),
    '`temperature` may only be set to 1 when thinking is enabled or in adaptive mode',
  ],
  [
    'an input schema that is not an object',
    base({ tools: [{ ...tool, input_schema: { type: 'string' } }], messages: [user('a')] }),
    "tools.0.custom.input_schema.type: Input should be 'object'",
  ],
  [
    'a top-level union in an input schema',
    base({
      tools: [{ ...tool, input_schema: { type: 'object', anyOf: [{ type: 'object' }] } }],
      messages: [user('a')],
    }),
    'tools.0.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level',
  ],
  ['two tools of one name', base({ tools: [tool, tool], messages: [user('a')] }), 'tools: Tool names must be unique.'],
  [
    'five cache breakpoints',
    base({
      messages: [
        {
          role: 'user',
          content: ['1', '2', '3', '4', '5'].map((text) => ({
            type: 'text',
            text,
            cache_control: { type: 'ephemeral' },
          })),
        },
      ],
    }),
    'A maximum of 4 blocks with cache_control may be provided. Found 5.',
  ],
  ['an empty text block', base({ messages: [user('')] }), 'messages: text content blocks must be non-empty'],
  [
    'a text block of whitespace',
    base({ messages: [user(' \n ')] }),
    'messages: text content blocks must contain non-whitespace text',
  ],
];

describe('the validating Anthropic mock', () => {
  it.each(refused)('refuses %s with a 400 in the API’s words', async (_title, body, message) => {
    const error = await send(body);
    expect(error?.status).toBe(400);
    expect(error?.error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message } });
    expect(server?.rejections).toHaveLength(1);
    expect(server?.rejections[0]?.rejection).toEqual({ status: 400, message });
  });

  it('accepts a paired tool turn with its signed thinking, and what it refuses once validate is off', async () => {
    const signed = { type: 'thinking', thinking: 'Hm.', signature: mockThinkingSignature(1, 0, 'Hm.') };
    const ok = base({
      tools: [tool],
      thinking: thinkingOn,
      messages: [
        user('a'),
        { role: 'assistant', content: [signed, call('t1')] },
        { role: 'user', content: [result('t1')] },
      ],
    });
    expect(await send(ok)).toBeUndefined();
    expect(await send(refused[0]![1], false)).toBeUndefined();
    expect(server?.rejections).toEqual([]);
  });

  it('streams the full usage in message_delta, cache fields included', async () => {
    server = await startMockServer({
      wire: 'anthropic',
      script: [{ text: 'Hi', usage: { inputTokens: 100, outputTokens: 7, cacheReadTokens: 60, cacheWriteTokens: 30 } }],
    });
    const client = new Anthropic({ apiKey: 'sk-ant-test-key-123456', baseURL: server.baseURL, maxRetries: 0 });
    const events = await client.messages.create({ ...base({ messages: [user('a')] }), stream: true } as never);
    const deltas: unknown[] = [];
    for await (const event of events as unknown as AsyncIterable<{ type: string; usage?: unknown }>) {
      if (event.type === 'message_delta') deltas.push(event.usage);
    }
    expect(deltas).toEqual([
      { input_tokens: 10, cache_creation_input_tokens: 30, cache_read_input_tokens: 60, output_tokens: 7 },
    ]);
  });
});
