/**
 * Structured output on OpenAI: a `json_schema` `response_format` (Chat Completions) or `text.format`
 * (Responses), strict when the schema follows strict mode's rules; the JSON streamed back as text; and the
 * mocks refusing the formats the APIs refuse.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import { ask, collect, readTool } from './shared-helpers.js';
import { answer, answerJson, deltas, finishOf, verdict } from './structured-helpers.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Body = Record<string, unknown>;
const KEY = 'sk-test-key-1234567890';
const apis = [
  {
    api: 'chat' as const,
    wire: 'openai' as const,
    formatOf: (body: Body) => (body.response_format as Body).json_schema,
  },
  {
    api: 'responses' as const,
    wire: 'openai-responses' as const,
    formatOf: (body: Body) => {
      const { type: _type, ...rest } = (body.text as { format: Body }).format;
      return rest;
    },
  },
];
const sent = (): Body => server!.requests.at(-1)!.body as Body;

describe.each(apis)('openai $api structured output', ({ api, wire, formatOf }) => {
  async function modelOn(text = answerJson) {
    server = await startMockServer({ wire, script: [{ text }] });
    return openai({ model: 'gpt-4.1-mini', api, apiKey: KEY, baseURL: server.baseURL });
  }

  it('sends a strict json_schema format beside the tools and streams the JSON answer as text', async () => {
    const model = await modelOn();
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict, tools: [readTool] }));
    expect(error).toBeUndefined();
    expect(formatOf(sent())).toEqual({
      name: 'verdict',
      description: verdict.description,
      schema: verdict.schema,
      strict: true,
    });
    if (api === 'chat') expect((sent().response_format as Body).type).toBe('json_schema');
    else expect((sent().text as { format: Body }).format.type).toBe('json_schema');
    expect(deltas(parts).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
  });

  it('sends a schema strict mode cannot take as it is, non-strict (optional fields stay optional)', async () => {
    const model = await modelOn('{"ok":true}');
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { ok: { type: 'boolean' }, note: { type: 'string' } },
      required: ['ok'],
      additionalProperties: false,
    };
    const { error } = await collect(model, ask('Go.', { output: { name: 'loose', schema } }));
    expect(error).toBeUndefined();
    const { $schema: _dialect, ...withoutDialect } = schema;
    expect(formatOf(sent())).toEqual({ name: 'loose', schema: withoutDialect, strict: false });
  });

  it('turns the refusal of a format into a typed invalid-request ProviderError', async () => {
    const model = await modelOn();
    const { error } = await collect(
      model,
      ask('Go.', { output: { name: 'list', schema: { type: 'array', items: { type: 'string' } } } }),
    );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect((error as Error).message).toContain(`schema must be a JSON Schema of 'type: "object"', got 'type: "array"'`);
    expect(server!.rejections).toHaveLength(1);
  });
});

it("keeps a caller's own Responses text settings beside the format", async () => {
  server = await startMockServer({ wire: 'openai-responses', script: [{ text: answerJson }] });
  const model = openai({ model: 'gpt-5-mini', api: 'responses', apiKey: KEY, baseURL: server.baseURL });
  await collect(model, ask('Go.', { output: verdict, providerOptions: { openai: { text: { verbosity: 'low' } } } }));
  expect((sent().text as Body).verbosity).toBe('low');
  expect(((sent().text as Body).format as Body).name).toBe('verdict');
});

describe('the OpenAI mocks refuse the formats the APIs refuse', () => {
  const closed = {
    type: 'object',
    properties: { a: { type: 'string' } },
    required: ['a'],
    additionalProperties: false,
  };
  const cases: [string, Body, string][] = [
    ['a format without a name', { schema: closed }, "Missing required parameter: '<p>.name'."],
    ['a name with a space', { name: 'my verdict', schema: closed }, 'string does not match pattern'],
    ['a format without a schema', { name: 'v' }, "Missing required parameter: '<p>.schema'."],
    [
      'a root that is not an object',
      { name: 'v', schema: { type: 'string' } },
      `schema must be a JSON Schema of 'type: "object"', got 'type: "string"'`,
    ],
    [
      'a strict schema with an open object',
      { name: 'v', strict: true, schema: { ...closed, additionalProperties: undefined } },
      "In context=(), 'additionalProperties' is required to be supplied and to be false.",
    ],
    [
      'a strict schema with an optional field',
      { name: 'v', strict: true, schema: { ...closed, required: [] } },
      "Missing 'a'.",
    ],
    [
      'a strict schema with a keyword strict mode refuses',
      {
        name: 'v',
        strict: true,
        schema: { ...closed, properties: { a: { type: 'array', items: {}, uniqueItems: true } } },
      },
      "In context=('properties', 'a'), 'uniqueItems' is not permitted.",
    ],
  ];

  it.each(cases)('Chat: %s', async (_name, jsonSchema, words) => {
    server = await startMockServer({ wire: 'openai', script: () => ({ text: '{}' }) });
    const client = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0 });
    const error = await client.chat.completions
      .create({
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        response_format: { type: 'json_schema', json_schema: jsonSchema },
      } as never)
      .then(
        () => undefined,
        (caught: unknown) => caught as { status: number; message: string; param?: string },
      );
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(words.replace('<p>', 'response_format.json_schema'));
  });

  it.each(cases)('Responses: %s', async (_name, format, words) => {
    server = await startMockServer({ wire: 'openai-responses', script: () => ({ text: '{}' }) });
    const client = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0 });
    const error = await client.responses
      .create({ model: 'gpt-4.1-mini', input: 'Hi', text: { format: { type: 'json_schema', ...format } } } as never)
      .then(
        () => undefined,
        (caught: unknown) => caught as { status: number; message: string },
      );
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(words.replace('<p>', 'text.format'));
  });

  it('refuses a format type the API does not have', async () => {
    server = await startMockServer({ wire: 'openai', script: () => ({ text: '{}' }) });
    const client = new OpenAI({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'yaml' } } as never)
      .then(
        () => undefined,
        (caught: unknown) => caught as { status: number; message: string },
      );
    expect(error?.message).toContain(
      "Invalid value: 'yaml'. Supported values are: 'text', 'json_object', and 'json_schema'.",
    );
  });
});
