/**
 * Structured output on Anthropic: `output_config.format` on models that have it, a forced final tool on
 * those that do not (or for a schema its subset cannot express), the JSON streamed back as text either way;
 * and the mock refusing the formats the Messages API refuses.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ProviderError } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { anthropicSupportsOutputFormat, isRecursiveSchema } from '../../src/providers/anthropic/output.js';
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
const KEY = 'sk-ant-test-key-123456';

async function modelOn(script: MockScript, model = 'claude-sonnet-4-6', extra: Record<string, unknown> = {}) {
  server = await startMockServer({ wire: 'anthropic', script });
  return anthropic({ model, apiKey: KEY, baseURL: server.baseURL, ...extra });
}
const sent = (): Body => server!.requests.at(-1)!.body as Body;

describe('anthropic structured output, native', () => {
  it('sends output_config.format and streams the JSON answer as text deltas', async () => {
    const model = await modelOn([{ text: answerJson }]);
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict }));
    expect(error).toBeUndefined();
    expect(sent().output_config).toEqual({ format: { type: 'json_schema', schema: verdict.schema } });
    expect(sent().tools).toBeUndefined();
    expect(deltas(parts).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
    expect(server!.rejections).toEqual([]);
  });

  it('closes open objects and moves constraints the subset refuses into descriptions', async () => {
    const model = await modelOn([{ text: '{"n":3,"tags":["a"]}' }]);
    const schema = {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1, description: 'How many' },
        tags: { type: 'array', items: { type: 'string', maxLength: 10 }, minItems: 1 },
      },
      required: ['n', 'tags'],
    };
    const { error } = await collect(model, ask('Count.', { output: { name: 'count', schema } }));
    expect(error).toBeUndefined();
    const format = (sent().output_config as { format: { schema: Body } }).format;
    expect(format.schema).toEqual({
      type: 'object',
      properties: {
        n: { type: 'integer', description: 'How many\n\n{"minimum":1}' },
        tags: { type: 'array', items: { type: 'string', description: '{"maxLength":10}' }, minItems: 1 },
      },
      required: ['n', 'tags'],
      additionalProperties: false,
    });
  });

  it("keeps a caller's own output_config settings beside the format", async () => {
    const model = await modelOn([{ text: answerJson }]);
    await collect(
      model,
      ask('Is it safe?', { output: verdict, providerOptions: { anthropic: { output_config: { effort: 'low' } } } }),
    );
    expect(sent().output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema: verdict.schema } });
  });
});

describe('anthropic structured output, forced final tool', () => {
  it('uses a forced tool on a model without structured outputs, and gives its input back as text', async () => {
    const model = await modelOn([{ toolCalls: [{ name: 'verdict', input: answer }] }], 'claude-3-5-haiku-latest');
    const { parts, error } = await collect(model, ask('Is it safe?', { output: verdict }));
    expect(error).toBeUndefined();
    expect(sent().output_config).toBeUndefined();
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'verdict' });
    expect((sent().tools as Body[]).map((tool) => tool.name)).toEqual(['verdict']);
    expect((sent().tools as Body[])[0]!.input_schema).toEqual(verdict.schema);
    // The tool says that it ends the turn, and what the answer is.
    expect((sent().tools as Body[])[0]!.description).toMatch(/^Gives the final answer\..*Whether the change is safe$/);
    expect(parts.some((part) => part.type.startsWith('tool-call'))).toBe(false);
    expect(deltas(parts).length).toBeGreaterThan(1);
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
    expect(finishOf(parts)).toBe('stop');
  });

  it('lets the model call its other tools first (any tool is forced, not the output tool)', async () => {
    const model = await modelOn([{ toolCalls: [{ name: 'read', input: { file_path: 'a.ts' } }] }], 'claude-sonnet-4-0');
    const { parts } = await collect(model, ask('Is it safe?', { output: verdict, tools: [readTool] }));
    expect(sent().tool_choice).toEqual({ type: 'any' });
    expect((sent().tools as Body[]).map((tool) => tool.name)).toEqual(['read', 'verdict']);
    expect(parts.find((part) => part.type === 'tool-call')).toMatchObject({ name: 'read' });
    expect(finishOf(parts)).toBe('tool-calls');
  });

  it('goes the tool way on a model with structured outputs when the schema needs an open object', async () => {
    const model = await modelOn([{ toolCalls: [{ name: 'labels', input: { labels: { a: 'x' } } }] }]);
    const schema = {
      type: 'object',
      properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } },
      required: ['labels'],
    };
    const { parts, error } = await collect(model, ask('Label.', { output: { name: 'labels', schema } }));
    expect(error).toBeUndefined();
    expect(sent().output_config).toBeUndefined();
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'labels' });
    expect(JSON.parse(deltas(parts).join(''))).toEqual({ labels: { a: 'x' } });
  });

  it("refuses an output whose name is a tool's with a ConfigError, before sending", async () => {
    const model = await modelOn([{ text: 'unused' }], 'claude-3-7-sonnet-latest');
    const { error } = await collect(model, ask('Go.', { tools: [readTool], output: { ...verdict, name: 'read' } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(server!.requests).toHaveLength(0);
  });

  it('is used for every model with structuredOutput: "tool"', async () => {
    const model = await modelOn([{ toolCalls: [{ name: 'verdict', input: answer }] }], 'claude-sonnet-4-6', {
      structuredOutput: 'tool',
    });
    const { parts } = await collect(model, ask('Is it safe?', { output: verdict }));
    expect(sent().tool_choice).toEqual({ type: 'tool', name: 'verdict' });
    expect(JSON.parse(deltas(parts).join(''))).toEqual(answer);
  });

  it('refuses an unknown structuredOutput setting at construction', () => {
    expect(() => anthropic({ model: 'claude-sonnet-4-6', structuredOutput: 'json' as never })).toThrow(ConfigError);
  });
});

describe('the Anthropic mock refuses the formats the Messages API refuses', () => {
  async function send(body: Body): Promise<{ status?: number; message: string } | undefined> {
    server = await startMockServer({ wire: 'anthropic', script: () => ({ text: '{}' }) });
    const client = new Anthropic({ apiKey: KEY, baseURL: server.baseURL, maxRetries: 0 });
    try {
      await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
        ...body,
      } as never);
      return undefined;
    } catch (error) {
      return { status: (error as { status?: number }).status, message: String((error as Error).message) };
    }
  }
  const format = (schema: unknown, type = 'json_schema') => ({ output_config: { format: { type, schema } } });
  const closed = {
    type: 'object',
    properties: { a: { type: 'string' } },
    required: ['a'],
    additionalProperties: false,
  };

  it.each<[string, Body, string]>([
    [
      'an object without additionalProperties: false',
      format({ type: 'object', properties: { a: { type: 'string' } } }),
      "For 'object' type, 'additionalProperties' must be explicitly set to false",
    ],
    [
      'additionalProperties: true',
      format({ ...closed, additionalProperties: true }),
      "'additionalProperties: true' is not supported",
    ],
    [
      'a numeric constraint',
      format({ ...closed, properties: { a: { type: 'integer', minimum: 0 } } }),
      "property 'minimum' is not supported",
    ],
    [
      'minItems above 1',
      format({ ...closed, properties: { a: { type: 'array', items: { type: 'string' }, minItems: 2 } } }),
      "'minItems' values other than 0 or 1 are not supported",
    ],
    [
      'a recursive schema',
      format({
        ...closed,
        properties: { a: { $ref: '#/$defs/node' } },
        $defs: { node: { ...closed, properties: { a: { $ref: '#/$defs/node' } } } },
      }),
      'Recursive schemas are not supported',
    ],
    ['a format type other than json_schema', format(closed, 'json'), "Input should be 'json_schema'"],
    ['a format without a schema', { output_config: { format: { type: 'json_schema' } } }, 'Field required'],
    [
      'structured outputs on a model without them',
      { ...format(closed), model: 'claude-3-5-haiku-latest' },
      'does not support structured outputs',
    ],
  ])('%s', async (_name, body, words) => {
    const error = await send(body);
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(words);
    expect(server!.rejections).toHaveLength(1);
  });

  it('accepts a schema in the subset', async () => {
    expect(await send(format(closed))).toBeUndefined();
  });

  it('reaches the adapter as a typed invalid-request ProviderError', async () => {
    const model = await modelOn([{ text: '{}' }], 'claude-sonnet-4-6', { structuredOutput: 'native' });
    const schema = {
      type: 'object',
      properties: { a: { type: 'object', additionalProperties: true } },
      required: ['a'],
      additionalProperties: false,
    };
    const { error } = await collect(model, ask('Go.', { output: { name: 'open', schema } }));
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, retryable: false });
    expect((error as Error).message).toContain("'additionalProperties: true' is not supported");
  });
});

describe('which Claude models get native structured output', () => {
  it.each<[string, boolean]>([
    ['claude-sonnet-4-6', true],
    ['claude-sonnet-4-5-20250929', true],
    ['claude-haiku-4-5', true],
    ['claude-opus-4-1', true],
    ['claude-opus-4-8', true],
    ['claude-opus-4-20250514', false],
    ['claude-sonnet-4-0', false],
    ['claude-sonnet-4', false],
    ['claude-3-7-sonnet-latest', false],
    ['claude-3-5-haiku-20241022', false],
  ])('%s: %s', (model, native) => {
    expect(anthropicSupportsOutputFormat(model)).toBe(native);
  });

  it('finds recursion through a chain of definitions, and not in shared ones', () => {
    const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
    const chain = {
      type: 'object',
      properties: { a: ref('a') },
      $defs: { a: { anyOf: [ref('b')] }, b: { items: ref('a') } },
    };
    expect(isRecursiveSchema(chain)).toBe(true);
    const shared = {
      type: 'object',
      properties: { a: ref('leaf'), b: ref('leaf') },
      $defs: { leaf: { type: 'string' } },
    };
    expect(isRecursiveSchema(shared)).toBe(false);
    expect(isRecursiveSchema({ type: 'object', properties: { self: { $ref: '#' } } })).toBe(true);
  });
});
