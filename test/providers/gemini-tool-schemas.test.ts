/**
 * Tools whose zod input has fields JSON Schema leaves untyped (`z.any()`, `z.unknown()`, `z.date()`,
 * `z.set()`, `z.array(z.unknown())`, `z.record()`…), run by a real agent over Gemini and Ollama against the
 * validating mock servers: Gemini refuses an untyped node in `parameters` for the whole request, so such a
 * tool must go as JSON Schema; Ollama decodes any schema.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import type { JsonValue } from '../../src/model/message.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { convertGeminiSchema, toGeminiSchema } from '../../src/providers/gemini/gemini-schema.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';
import { geminiWire } from '../../src/testing/mock-server/gemini.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer } from '../../src/testing/mock-server/types.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Each field kind, with an input the model can send for it as JSON (a Date or a Set it cannot). */
const FIELDS: [string, z.ZodType, JsonValue][] = [
  ['z.any()', z.any(), { nested: [1, 'two'] }],
  ['z.unknown()', z.unknown(), 'anything'],
  ['z.date()', z.date(), '2026-01-01'],
  ['z.set()', z.set(z.string()), ['a']],
  ['z.array(z.unknown())', z.array(z.unknown()), [1, { a: true }]],
  ['z.record()', z.record(z.string(), z.number()), { a: 1 }],
  ['z.map()', z.map(z.string(), z.number()), {}],
  ['z.null()', z.null(), null],
  ['z.object({})', z.object({}), {}],
  ['z.tuple()', z.tuple([z.string(), z.number()]), ['a', 1]],
];

const providers: [string, (baseURL: string) => LanguageModel][] = [
  ['gemini', (baseURL) => gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL })],
  ['ollama', (host) => ollama({ model: 'qwen3:8b', host })],
];

describe.each(providers)('%s: a tool with a field JSON Schema cannot type', (wire, makeModel) => {
  it.each(FIELDS)('%s: the request is accepted and the run completes', async (_name, field, value) => {
    const received: unknown[] = [];
    const store = tool({
      name: 'store_value',
      description: 'Stores a value under a key',
      input: z.object({ key: z.string(), value: field }),
      readOnly: true,
      execute: (input) => {
        received.push(input.value);
        return 'stored';
      },
    });
    server = await startMockServer({
      wire: wire as 'gemini' | 'ollama',
      script: [{ toolCalls: [{ name: 'store_value', input: { key: 'k', value } }] }, { text: 'Done.' }],
    });
    const agent = createAgent({ provider: makeModel(server.baseURL), tools: [store], policy: fixedPolicy('allow') });
    const run = agent.run('Store it.');
    const { events } = await collect(run);
    const result = await run.result;

    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Done.');
    // The model's value reached the tool, or (a Date, a Set, a Map: nothing JSON can hold) came back as an
    // input error the model can read; never a failed request.
    const toolResult = events.find((event) => event.type === 'tool-result');
    if (received.length > 0) expect(toolResult).toMatchObject({ isError: false, output: 'stored' });
    else expect(toolResult).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
  });
});

describe('gemini: how a tool schema is declared', () => {
  it('keeps the OpenAPI subset for a schema it expresses, and sends JSON Schema for one it cannot', async () => {
    const typed = tool({
      name: 'read',
      description: 'Read a file',
      input: z.object({ file_path: z.string(), limit: z.number().int().optional() }),
      execute: () => '',
    });
    const loose = tool({
      name: 'put',
      description: 'Put a JSON value',
      input: z.object({ path: z.string(), value: z.unknown() }),
      execute: () => '',
    });
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'ok' }] });
    const model = gemini({
      model: 'gemini-2.5-flash',
      apiKey: 'AIzaTestKey0123456789abcdefghij',
      baseURL: server.baseURL,
    });
    const run = createAgent({ provider: model, tools: [typed, loose], policy: fixedPolicy('allow') }).run('hi');
    await run.result;
    const body = server.requests[0]?.body as { tools: { functionDeclarations: Record<string, unknown>[] }[] };
    const [read, put] = body.tools[0]!.functionDeclarations;
    expect(read).toEqual({
      name: 'read',
      description: 'Read a file',
      parameters: {
        type: 'OBJECT',
        properties: { file_path: { type: 'STRING' }, limit: { type: 'INTEGER' } },
        required: ['file_path'],
      },
    });
    expect(put).toEqual({ name: 'put', description: 'Put a JSON value', parametersJsonSchema: loose.inputSchema });
    expect(server.rejections).toEqual([]);
  });

  it.each(FIELDS)(
    'toGeminiSchema gives %s a form Gemini accepts in `parameters`, and says it is not exact',
    (_n, field) => {
      const jsonSchema = toJsonSchema(z.object({ key: z.string(), value: field }));
      expect(convertGeminiSchema(jsonSchema).exact).toBe(false);
      const body = {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        tools: [{ functionDeclarations: [{ name: 'f', description: 'f', parameters: toGeminiSchema(jsonSchema) }] }],
      };
      const context = { call: 1, model: 'gemini-2.5-flash', path: '/v1beta/models/x', body, malformedToolJson: false };
      expect(geminiWire.validate?.(context)).toBeUndefined();
    },
  );

  it('is refused by the validating mock when an untyped node is sent in `parameters`, with Google’s text', async () => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'never' }] });
    const response = await fetch(`${server.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'put',
                parameters: {
                  type: 'OBJECT',
                  properties: { value: {}, bag: { type: 'OBJECT' }, list: { type: 'ARRAY' } },
                },
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message:
          '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[value].type: must be specified when not using one_of, any_of or all_of fields\n' +
          '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[bag].properties: should be non-empty for OBJECT type\n' +
          '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[list].items: missing field.\n',
      },
    });
    expect(server.rejections).toHaveLength(1);
  });
});
