import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/testing/mock-server/index.js';
import { KEY, mockServer } from './openai-helpers.js';

type Body = Record<string, unknown>;

/** What the official SDK throws for `body`, or the events it streams. */
async function send(
  kind: 'chat' | 'responses',
  baseURL: string,
  body: Body,
): Promise<{ status?: number; error?: unknown; events: Body[] }> {
  const client = new OpenAI({ apiKey: KEY, baseURL, maxRetries: 0 });
  const events: Body[] = [];
  try {
    const stream =
      kind === 'chat'
        ? await client.chat.completions.create({ stream: true, ...body } as never)
        : await client.responses.create({ stream: true, ...body } as never);
    for await (const event of stream as unknown as AsyncIterable<Body>) events.push(event);
    return { events };
  } catch (error) {
    const { status, error: body } = error as { status?: number; error?: unknown };
    return { status, error: body, events };
  }
}

const user = (content: string) => ({ role: 'user', content });
const call = (id: string) => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name: 'read', arguments: '{}' } }],
});
const answer = (id: string) => ({ role: 'tool', tool_call_id: id, content: 'ok' });
const strictTool = (parameters: Body) => ({
  type: 'function',
  function: { name: 'read', description: 'Read', parameters, strict: true },
});

describe('the mock Chat Completions server refuses what the API refuses', () => {
  it('a tool call without its tool message: 400, with the real text, type and param', async () => {
    const server = await mockServer('openai', [{ text: 'never' }]);
    const { status, error } = await send('chat', server.baseURL, {
      model: 'gpt-4.1-mini',
      messages: [user('Hi'), call('call_a'), user('And?')],
    });
    expect(status).toBe(400);
    expect(error).toEqual({
      message:
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_a",
      type: 'invalid_request_error',
      param: 'messages.[2].role',
      code: null,
    });
    expect(server.rejections).toHaveLength(1);
  });

  it('a tool message that answers no call: 400', async () => {
    const server = await mockServer('openai', [{ text: 'never' }]);
    const { status, error } = await send('chat', server.baseURL, {
      model: 'gpt-4.1-mini',
      messages: [user('Hi'), call('call_a'), answer('call_a'), answer('call_b')],
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({
      message:
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      param: 'messages.[3].role',
    });
  });

  it('strict schemas the API cannot take: typeless node, open object, missing required, SDK-listed keyword', async () => {
    const server = await mockServer('openai', [{ text: 'never' }]);
    const closed = { additionalProperties: false };
    const cases: [Body, string][] = [
      [
        { type: 'object', properties: { v: { type: 'array', items: {} } }, required: ['v'], ...closed },
        "In context=('properties', 'v', 'items'), schema must have a 'type' key.",
      ],
      [
        { type: 'object', properties: { v: { type: 'string' } }, required: ['v'] },
        "In context=(), 'additionalProperties' is required to be supplied and to be false.",
      ],
      [
        { type: 'object', properties: { v: { type: 'string' }, w: { type: 'string' } }, required: ['v'], ...closed },
        "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'w'.",
      ],
      [
        { type: 'object', properties: {}, required: [], minProperties: 1, ...closed },
        "In context=(), 'minProperties' is not permitted.",
      ],
    ];
    for (const [parameters, context] of cases) {
      const { status, error } = await send('chat', server.baseURL, {
        model: 'gpt-4.1-mini',
        messages: [user('Hi')],
        tools: [strictTool(parameters)],
      });
      expect(status).toBe(400);
      expect(error).toEqual({
        message: `Invalid schema for function 'read': ${context}`,
        type: 'invalid_request_error',
        param: 'tools[0].function.parameters',
        code: 'invalid_function_parameters',
      });
    }
    // Without strict, a node of any value is fine.
    const loose = {
      type: 'function',
      function: { name: 'read', parameters: { type: 'object', properties: { v: {} } } },
    };
    const ok = await send('chat', server.baseURL, { model: 'gpt-4.1-mini', messages: [user('Hi')], tools: [loose] });
    expect(ok.status).toBeUndefined();
  });

  it('DeepSeek in thinking mode: an assistant tool call without reasoning_content', async () => {
    const server = await mockServer('openai', [{ text: 'fine' }, { text: 'fine' }]);
    const messages = [user('Hi'), call('call_a'), answer('call_a')];
    const refused = await send('chat', server.baseURL, { model: 'deepseek-reasoner', messages });
    expect(refused.status).toBe(400);
    expect(refused.error).toEqual({
      message: 'The `reasoning_content` in the thinking mode must be passed back to the API.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_request_error',
    });
    // deepseek-chat does not think unless asked to; with the reasoning back, the reasoner is satisfied.
    expect((await send('chat', server.baseURL, { model: 'deepseek-chat', messages })).status).toBeUndefined();
    const withReasoning = [user('Hi'), { ...call('call_a'), reasoning_content: 'Read it.' }, answer('call_a')];
    const accepted = await send('chat', server.baseURL, { model: 'deepseek-reasoner', messages: withReasoning });
    expect(accepted.status).toBeUndefined();
  });

  it('streams usage with its details, and DeepSeek cache hits', async () => {
    const server = await mockServer('openai', [
      {
        reasoning: 'Think.',
        text: 'Hi',
        usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 60, reasoningTokens: 12, cacheWriteTokens: 30 },
      },
    ]);
    const { events } = await send('chat', server.baseURL, {
      model: 'deepseek-chat',
      messages: [user('Hi')],
      stream_options: { include_usage: true },
    });
    expect(events.at(-1)?.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 20,
      prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 12 },
      prompt_cache_hit_tokens: 60,
      prompt_cache_miss_tokens: 40,
    });
  });

  it('lets anything through with validate: false', async () => {
    const server = await startMockServer({ wire: 'openai', script: [{ text: 'ok' }], validate: false });
    try {
      const { status } = await send('chat', server.baseURL, { model: 'gpt-4.1-mini', messages: [answer('x')] });
      expect(status).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

describe('the mock Responses server refuses what the API refuses', () => {
  const fc = (callId: string) => ({ type: 'function_call', call_id: callId, name: 'read', arguments: '{}' });
  const out = (callId: string) => ({ type: 'function_call_output', call_id: callId, output: 'ok' });

  it('a function_call_output without its call, a call without its output', async () => {
    const server = await mockServer('openai-responses', [{ text: 'never' }]);
    const orphan = await send('responses', server.baseURL, { model: 'gpt-5', input: [user('Hi'), out('call_x')] });
    expect(orphan.status).toBe(400);
    expect(orphan.error).toEqual({
      message: 'No tool call found for function call output with call_id call_x.',
      type: 'invalid_request_error',
      param: 'input',
      code: null,
    });
    const unanswered = await send('responses', server.baseURL, { model: 'gpt-5', input: [user('Hi'), fc('call_y')] });
    expect(unanswered).toMatchObject({
      status: 400,
      error: { message: 'No tool output found for function call call_y.' },
    });
  });

  it('sends encrypted reasoning only when include asks for it, phase on GPT-5.3 messages, usage details', async () => {
    const server = await mockServer('openai-responses', [
      {
        reasoning: 'Plan.',
        text: 'Calling.',
        toolCalls: [{ name: 'read', input: {} }],
        usage: { inputTokens: 9, outputTokens: 5, reasoningTokens: 3 },
      },
      { reasoning: 'Plan.', text: 'Done.' },
    ]);
    const items = (events: Body[]) =>
      events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as Body);
    const plain = await send('responses', server.baseURL, { model: 'gpt-5.3-codex', input: 'Hi' });
    expect(items(plain.events).map((item) => [item.type, item.encrypted_content, item.phase])).toEqual([
      ['reasoning', undefined, undefined],
      ['message', undefined, 'commentary'],
      ['function_call', undefined, undefined],
    ]);
    const completed = plain.events.at(-1)?.response as Body;
    expect(completed.usage).toMatchObject({
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 3 },
    });
    const asked = await send('responses', server.baseURL, {
      model: 'gpt-5.3-codex',
      input: 'Hi',
      include: ['reasoning.encrypted_content'],
    });
    expect(items(asked.events).map((item) => [item.type, item.encrypted_content, item.phase])).toEqual([
      ['reasoning', 'enc_mock_2', undefined],
      ['message', undefined, 'final_answer'],
    ]);
  });

  it('reasoning that must go back: by reference when stored, never by id alone when not', async () => {
    const server = await mockServer('openai-responses', [
      { reasoning: 'Read first.', toolCalls: [{ id: 'call_r', name: 'read', input: {} }] },
      { text: 'never' },
      { text: 'Done.' },
    ]);
    const first = await send('responses', server.baseURL, { model: 'gpt-5', input: [user('Hi')] });
    expect(first.status).toBeUndefined();
    const missing = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [user('Hi'), fc('call_r'), out('call_r')],
    });
    expect(missing).toMatchObject({
      status: 400,
      error: {
        message:
          "Item 'fc_mock_1_0' of type 'function_call' was provided without its required 'reasoning' item: 'rs_mock_1'.",
        param: 'input',
      },
    });
    const unstored = await send('responses', server.baseURL, {
      model: 'gpt-5',
      store: false,
      input: [user('Hi'), { type: 'item_reference', id: 'rs_mock_1' }, fc('call_r'), out('call_r')],
    });
    expect(unstored).toMatchObject({
      status: 404,
      error: {
        message:
          "Item with id 'rs_mock_1' not found. Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.",
      },
    });
    const dangling = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [user('Hi'), { type: 'item_reference', id: 'rs_mock_1' }, user('Again')],
    });
    expect(dangling).toMatchObject({
      status: 400,
      error: { message: "Item 'rs_mock_1' of type 'reasoning' was provided without its required following item." },
    });
    const referenced = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [user('Hi'), { type: 'item_reference', id: 'rs_mock_1' }, fc('call_r'), out('call_r')],
    });
    expect(referenced.status).toBeUndefined();
  });
  it('a reasoning item goes back with the message it led to, and that message with it', async () => {
    const server = await mockServer('openai-responses', [{ reasoning: 'Plan.', text: 'Four.' }, { text: 'ok' }]);
    await send('responses', server.baseURL, { model: 'gpt-5', input: [user('2+2?')] });
    const unpaired = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [user('2+2?'), { type: 'item_reference', id: 'rs_mock_1' }, { role: 'assistant', content: 'Four.' }],
    });
    expect(unpaired).toMatchObject({
      status: 400,
      error: { message: "Item 'rs_mock_1' of type 'reasoning' was provided without its required following item." },
    });
    const alone = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [user('2+2?'), { type: 'item_reference', id: 'msg_mock_1' }, user('And 3+3?')],
    });
    expect(alone).toMatchObject({
      status: 400,
      error: {
        message: "Item 'msg_mock_1' of type 'message' was provided without its required 'reasoning' item: 'rs_mock_1'.",
      },
    });
    const paired = await send('responses', server.baseURL, {
      model: 'gpt-5',
      input: [
        user('2+2?'),
        { type: 'item_reference', id: 'rs_mock_1' },
        { type: 'item_reference', id: 'msg_mock_1' },
        user('And 3+3?'),
      ],
    });
    expect(paired.status).toBeUndefined();
  });
});
