/**
 * The validating Gemini and Ollama mock servers refuse what the real APIs refuse, with their status, error
 * shape and text, and emit what real streams carry (Gemini 3 signatures on the final empty text part,
 * `thoughtsTokenCount`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer } from '../../src/testing/mock-server/types.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const call = (name: string, signature?: string) => ({
  functionCall: { name, args: {} },
  ...(signature !== undefined ? { thoughtSignature: signature } : {}),
});
const response = (name: string) => ({ functionResponse: { name, response: { output: 'ok' } } });

async function gemini(model: string, contents: unknown[], extra: Record<string, unknown> = {}) {
  return post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, { contents, ...extra });
}

const refusal = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });

describe('the validating Gemini mock', () => {
  it.each<[string, unknown[], string]>([
    [
      'a call answered by plain text',
      [user('go'), { role: 'model', parts: [call('lookup', 's')] }, user('never mind')],
      'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
    ],
    [
      'two calls and one response',
      [
        user('go'),
        { role: 'model', parts: [call('lookup', 's'), call('lookup')] },
        { role: 'user', parts: [response('lookup')] },
      ],
      'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
    ],
    [
      'a response without its call',
      [user('go'), { role: 'model', parts: [{ text: 'ok' }] }, { role: 'user', parts: [response('lookup')] }],
      'Please ensure that function response turn comes immediately after a function call turn.',
    ],
    [
      'a call right after a model turn',
      [
        user('go'),
        { role: 'model', parts: [{ text: 'Let me look.' }] },
        { role: 'model', parts: [call('lookup', 's')] },
        { role: 'user', parts: [response('lookup')] },
      ],
      'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
    ],
  ])('refuses %s', async (_title, contents, message) => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'never' }] });
    const { status, text } = await gemini('gemini-2.5-flash', contents);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual(refusal(message));
    expect(server.rejections.map((r) => r.rejection.message)).toEqual([message]);
  });

  it('refuses a Gemini 3 step of the current turn whose first call is unsigned, and only that', async () => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] });
    const turn = [
      user('old turn'),
      { role: 'model', parts: [call('old')] },
      { role: 'user', parts: [response('old')] },
      { role: 'model', parts: [{ text: 'done' }] },
      user('go'),
      { role: 'model', parts: [call('lookup', 'sig_1'), call('lookup')] },
      { role: 'user', parts: [response('lookup'), response('lookup')] },
      { role: 'model', parts: [call('fetch')] },
      { role: 'user', parts: [response('fetch')] },
    ];
    const refused = await gemini('gemini-3-pro-preview', turn);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toEqual(
      refusal(
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:fetch` , position 8. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
      ),
    );
    // Gemini 2.5 checks no signature; Google's placeholder passes on Gemini 3.
    expect((await gemini('gemini-2.5-pro', turn)).status).toBe(200);
    const placeholder = turn.map((content, i) =>
      i === 7 ? { role: 'model', parts: [call('fetch', 'skip_thought_signature_validator')] } : content,
    );
    expect((await gemini('gemini-3-pro-preview', placeholder)).status).toBe(200);
  });

  it('refuses keywords outside the schema subset, and `required` on a non-object, with Google’s text', async () => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'never' }] });
    const declare = (parameters: unknown) => ({ tools: [{ functionDeclarations: [{ name: 'f', parameters }] }] });
    const unknownKey = await gemini(
      'gemini-2.5-flash',
      [user('hi')],
      declare({
        type: 'object',
        properties: { tags: { type: 'array', items: { type: 'string', additionalProperties: false } } },
      }),
    );
    expect(JSON.parse(unknownKey.text)).toEqual(
      refusal(
        `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters.properties[0].value.items': Cannot find field.`,
      ),
    );
    const typeList = await gemini('gemini-2.5-flash', [user('hi')], declare({ type: ['object', 'null'] }));
    expect(JSON.parse(typeList.text).error.message).toBe(
      `Invalid JSON payload received. Unknown name "type" at 'tools[0].function_declarations[0].parameters': Proto field is not repeating, cannot start list.`,
    );
    const required = await gemini(
      'gemini-2.5-flash',
      [user('hi')],
      declare({ type: 'OBJECT', properties: { a: { type: 'STRING', required: ['x'] } }, required: ['b'] }),
    );
    expect(JSON.parse(required.text).error.message).toBe(
      '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[a].required: only allowed for OBJECT type\n' +
        '* GenerateContentRequest.tools[0].function_declarations[0].parameters.required[0]: property is not defined\n',
    );
  });

  it('accepts anything with validate: false', async () => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'fine' }], validate: false });
    const { status } = await gemini('gemini-3-pro-preview', [user('go'), { role: 'model', parts: [call('x')] }]);
    expect(status).toBe(200);
    expect(server.rejections).toEqual([]);
  });

  it('signs a Gemini 3 answer on the empty text part of its final chunk, and reports thinking tokens', async () => {
    server = await startMockServer({
      wire: 'gemini',
      script: [
        { reasoning: 'Hmm.', text: 'Hi.', usage: { inputTokens: 5, outputTokens: 9, reasoningTokens: 6 } },
        { text: 'Hi.' },
      ],
    });
    const three = await gemini('gemini-3-flash-preview', [user('hi')]);
    const last = JSON.parse(three.text.trim().split('\n\n').at(-1)!.slice('data: '.length)) as {
      candidates: { content: { parts: unknown[] } }[];
      usageMetadata: unknown;
    };
    expect(last.candidates[0]!.content.parts).toEqual([{ text: '', thoughtSignature: 'sig_mock_text_1' }]);
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 5,
      candidatesTokenCount: 3,
      thoughtsTokenCount: 6,
      totalTokenCount: 14,
    });
    const two = await gemini('gemini-2.5-flash', [user('hi')]);
    expect(two.text).not.toContain('thoughtSignature');
  });
});

describe('the validating Ollama mock', () => {
  const chat = (body: Record<string, unknown>) =>
    post('/api/chat', { model: 'qwen3:8b', stream: true, messages: [{ role: 'user', content: 'hi' }], ...body });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'content that is not a string',
      { messages: [{ role: 'user', content: 42 }] },
      'json: cannot unmarshal number into Go struct field ChatRequest.messages.content of type string',
    ],
    [
      'tool-call arguments that are not an object',
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: '', tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }] },
        ],
      },
      'json: cannot unmarshal string into Go struct field ChatRequest.messages.tool_calls.function.arguments of type map[string]interface {}',
    ],
    [
      'an image that is not base64',
      { messages: [{ role: 'user', content: 'hi', images: ['data:image/png;base64,iVBOR'] }] },
      'illegal base64 data at input byte 4',
    ],
    [
      'an unknown think level',
      { think: 'extreme' },
      'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    ],
    ['a keep_alive without a unit', { keep_alive: '5' }, 'time: missing unit in duration "5"'],
    ['a keep_alive that is no duration', { keep_alive: '5 minutes' }, 'time: invalid duration "5 minutes"'],
    [
      'messages that are not a list',
      { messages: { role: 'user' } },
      'json: cannot unmarshal object into Go struct field ChatRequest.messages of type []api.Message',
    ],
    ['no model', { model: '' }, 'model is required'],
  ])('refuses %s, with the error Ollama sends', async (_title, body, message) => {
    server = await startMockServer({ wire: 'ollama', script: [{ text: 'never' }] });
    const { status, text } = await chat(body);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({ error: message });
  });

  it('takes tool schemas with untyped fields, as Ollama decodes them', async () => {
    server = await startMockServer({ wire: 'ollama', script: [{ text: 'fine' }] });
    const parameters = {
      type: 'object',
      properties: { any: {}, list: { type: 'array', items: {} }, maybe: { type: ['string', 'null'] } },
      required: ['any'],
    };
    const { status } = await chat({ tools: [{ type: 'function', function: { name: 'f', parameters } }] });
    expect(status).toBe(200);
  });
});
