/**
 * Structured output on Gemini (`responseMimeType` + `responseJsonSchema`; a forced final tool before
 * Gemini 3 when the model may call functions, which those models refuse with JSON output) and Ollama
 * (`format: <schema>`); the JSON streamed back as text; and the mocks refusing what the APIs refuse.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { ask, collect, readTool } from './shared-helpers.js';
import { answer, answerJson, deltas, finishOf, verdict } from './structured-helpers.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Body = Record<string, unknown>;
const KEY = 'AIzaTestKey0123456789abcdefghij';
const sent = (): Body => server!.requests.at(-1)!.body as Body;

async function geminiOn(model: string, script: MockScript) {
  server = await startMockServer({ wire: 'gemini', script });
  return gemini({ model, apiKey: KEY, baseURL: server.baseURL });
}

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('gemini structured output', () => {
  it('sends responseMimeType and responseJsonSchema beside functions on Gemini 3, and streams the JSON', async () => {
    const model = await geminiOn('gemini-3-flash-preview', [{ text: answerJson }]);
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict, tools: [readTool] }));
    expect(error).toBeUndefined();
    expect(sent().generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: verdict.schema,
    });
    expect((sent().tools as Body[])[0]).toHaveProperty('functionDeclarations');
    expect(deltas(parts).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
  });

  it('sends the native format on Gemini 2.5 when the call offers no function', async () => {
    const model = await geminiOn('gemini-2.5-flash', [{ text: answerJson }]);
    const { parts } = await collect(model, ask('Is it safe?', { output: verdict }));
    expect(sent().generationConfig).toMatchObject({ responseMimeType: 'application/json' });
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
  });

  it('uses a forced final function on Gemini 2.5 when the model may call functions', async () => {
    const model = await geminiOn('gemini-2.5-flash', [{ toolCalls: [{ name: 'verdict', input: answer }] }]);
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict, tools: [readTool] }));
    expect(error).toBeUndefined();
    const config = sent().generationConfig as Body | undefined;
    expect(config?.responseMimeType).toBeUndefined();
    const declarations = (sent().tools as { functionDeclarations: Body[] }[])[0]!.functionDeclarations;
    expect(declarations.map((declaration) => declaration.name)).toEqual(['read', 'verdict']);
    expect(sent().toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(parts.some((part) => part.type.startsWith('tool-call'))).toBe(false);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
  });

  it('turns a refused response MIME type into a typed invalid-request ProviderError', async () => {
    const model = await geminiOn('gemini-2.5-flash', [{ text: answerJson }]);
    const { error } = await collect(
      model,
      ask('Go.', { output: verdict, providerOptions: { gemini: { responseMimeType: 'text/csv' } } }),
    );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect((error as Error).message).toContain('allowed mimetypes are');
  });
});

describe('the Gemini mock refuses the output settings Gemini refuses', () => {
  const closed = { type: 'object', properties: { a: { type: 'string' } } };
  const stream = (model: string, extra: Body) =>
    post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      ...extra,
    });
  const functions = { tools: [{ functionDeclarations: [{ name: 'read', description: 'Read' }] }] };

  it.each<[string, string, Body, string]>([
    [
      'JSON output with function calling before Gemini 3',
      'gemini-2.5-flash',
      { generationConfig: { responseMimeType: 'application/json', responseJsonSchema: closed }, ...functions },
      "Function calling with a response mime type: 'application/json' is unsupported",
    ],
    [
      'a schema without the JSON MIME type',
      'gemini-2.5-flash',
      { generationConfig: { responseJsonSchema: closed } },
      'response_mime_type: must be application/json when response_json_schema is set.',
    ],
    [
      'both schema fields',
      'gemini-2.5-flash',
      {
        generationConfig: { responseMimeType: 'application/json', responseSchema: closed, responseJsonSchema: closed },
      },
      'response_schema and response_json_schema cannot both be set.',
    ],
    [
      'a responseSchema outside the OpenAPI subset',
      'gemini-2.5-flash',
      {
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: { ...closed, additionalProperties: false },
        },
      },
      'Unknown name "additionalProperties"',
    ],
    [
      'a MIME type Gemini does not produce',
      'gemini-2.5-flash',
      { generationConfig: { responseMimeType: 'text/html' } },
      'allowed mimetypes are',
    ],
  ])('%s', async (_name, model, extra, words) => {
    server = await startMockServer({ wire: 'gemini', script: () => ({ text: '{}' }) });
    const { status, text } = await stream(model, extra);
    expect(status).toBe(400);
    expect(text).toContain(words.replaceAll('"', '\\"'));
  });

  it('accepts JSON output with function calling on Gemini 3, and with calling turned off before it', async () => {
    server = await startMockServer({ wire: 'gemini', script: () => ({ text: '{}' }) });
    const json = { responseMimeType: 'application/json', responseJsonSchema: closed };
    expect((await stream('gemini-3-pro-preview', { generationConfig: json, ...functions })).status).toBe(200);
    const off = { toolConfig: { functionCallingConfig: { mode: 'NONE' } } };
    expect((await stream('gemini-2.5-pro', { generationConfig: json, ...functions, ...off })).status).toBe(200);
  });
});

describe('ollama structured output', () => {
  async function ollamaOn(text = answerJson) {
    server = await startMockServer({ wire: 'ollama', script: [{ text }] });
    return ollama({ model: 'qwen3:8b', host: server.baseURL });
  }

  it('sends the schema as format and streams the JSON answer as text', async () => {
    const model = await ollamaOn();
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict, tools: [readTool] }));
    expect(error).toBeUndefined();
    expect(sent().format).toEqual(verdict.schema);
    expect(deltas(parts).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
  });

  it('turns a refused format into a typed invalid-request ProviderError', async () => {
    const model = await ollamaOn();
    const { error } = await collect(
      model,
      ask('Go.', { output: { name: 'bad', schema: { type: 'object', properties: { a: { type: 'text' } } } } }),
    );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect((error as Error).message).toContain('invalid JSON schema in format');
  });

  it.each<[string, unknown, string]>([
    ['a format that is neither "json" nor a schema', 'yaml', 'expected "json" or a valid JSON Schema object'],
    [
      'a schema with a type Ollama does not know',
      { type: 'object', properties: { a: { type: 5 } } },
      'invalid JSON schema',
    ],
  ])('the mock refuses %s', async (_name, format, words) => {
    server = await startMockServer({ wire: 'ollama', script: () => ({ text: '{}' }) });
    const { status, text } = await post('/api/chat', {
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'Hi' }],
      format,
    });
    expect(status).toBe(400);
    expect((JSON.parse(text) as { error: string }).error).toContain(words);
  });
});
