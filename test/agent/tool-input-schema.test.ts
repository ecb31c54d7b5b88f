/**
 * Tool inputs are JSON objects: `tool()` refuses an input schema that is not an object (providers reject
 * such tools, and a model could never call them), sends a union of objects as one object, and the loop
 * tells the model precisely what was wrong with an input: malformed JSON, a string instead of an object,
 * or JSON that does not match the schema (with the schema's issues).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createAgent, tool, type AgentEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

const define = (input: z.ZodType, extra: { inputSchema?: Record<string, never> | object } = {}) =>
  tool({ name: 'probe', description: 'probe', input, ...extra, execute: () => 'ok' } as never);

describe('tool() input schemas', () => {
  it('refuses inputs that are not objects with a ConfigError that says how to fix it', () => {
    const object = z.object({ a: z.string() });
    const refused: [string, z.ZodType][] = [
      ['string', z.string()],
      ['number', z.number()],
      ['array', z.array(object)],
      ['union with a non-object', z.union([object, z.string()])],
      ['nullable object', object.nullable()],
      ['any', z.any()],
      ['unknown', z.unknown()],
      ['map', z.map(z.string(), z.string())],
    ];
    for (const [label, input] of refused) {
      expect(() => define(input), label).toThrow(ConfigError);
      expect(() => define(input), label).toThrow(
        /input must be an object schema .*z\.object\(\{ value: z\.string\(\) \}\)/,
      );
    }
    expect(() => define(z.any(), { inputSchema: { type: 'string' } })).toThrow(/got type "string"/);
  });

  it('accepts every object form', () => {
    const object = z.object({ a: z.string() });
    const accepted: [string, z.ZodType][] = [
      ['object', object],
      ['strict object', z.strictObject({ a: z.string() })],
      ['record', z.record(z.string(), z.number())],
      ['intersection', z.intersection(object, z.object({ b: z.number() }))],
      ['optional object', object.optional()],
      ['object with a default', object.default({ a: 'x' })],
      ['transformed object', object.transform((v) => v.a)],
      ['preprocessed object', z.preprocess((v) => v, object)],
    ];
    for (const [label, input] of accepted) expect(define(input).inputSchema.type, label).toBe('object');
    // A schema of its own (MCP tools bring one) passes when it is an object.
    expect(define(z.any(), { inputSchema: { type: 'object', properties: {} } }).inputSchema).toEqual({
      type: 'object',
      properties: {},
    });
  });

  it('sends a union of objects as one object, and still validates the exact union', async () => {
    const ran: unknown[] = [];
    const edit = tool({
      name: 'edit_item',
      description: 'Creates or deletes an item',
      input: z.discriminatedUnion('action', [
        z.object({ action: z.literal('create'), title: z.string() }),
        z.object({ action: z.literal('delete'), id: z.number() }),
      ]),
      execute: (input) => (ran.push(input), 'ok'),
    });
    expect(edit.inputSchema).toEqual({
      type: 'object',
      properties: {
        action: {
          anyOf: [
            { type: 'string', const: 'create' },
            { type: 'string', const: 'delete' },
          ],
        },
        title: { type: 'string' },
        id: { type: 'number' },
      },
      required: ['action'],
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'edit_item', input: { action: 'create', title: 'New' } },
          { name: 'edit_item', input: { action: 'delete', title: 'wrong field' } },
        ],
      },
      { text: 'done' },
    ]);
    const run = createAgent({ provider: model, tools: [edit], policy: fixedPolicy('allow') }).run('go');
    const results = resultsOf((await collect(run)).events);
    expect(ran).toEqual([{ action: 'create', title: 'New' }]);
    expect(results.get('call_1_2')).toMatchObject({ isError: true, errorCode: 'TOOL_INPUT_INVALID' });
    expect(results.get('call_1_2')?.output).toMatch(/does not match the tool's schema: id: /);
    model.assertComplete();
  });
});

function resultsOf(events: AgentEvent[]) {
  return new Map(events.flatMap((e) => (e.type === 'tool-result' ? [[e.id, e] as const] : [])));
}

describe('what the model is told about a bad input', () => {
  it('names malformed JSON, a bare string, a string holding JSON, and a schema mismatch precisely', async () => {
    const weather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      input: z.object({ city: z.string() }),
      readOnly: true,
      execute: ({ city }) => `Sunny in ${city}`,
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'get_weather', input: '{"city": "Par' },
          { name: 'get_weather', input: 'Paris' },
          { name: 'get_weather', input: '{"city":"Paris"}' },
          { name: 'get_weather', input: { city: 42 } },
          { name: 'get_weather', input: [1, 2] },
          { name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { text: 'done' },
    ]);
    const run = createAgent({ provider: model, tools: [weather], policy: fixedPolicy('allow') }).run('go');
    const results = resultsOf((await collect(run)).events);
    const output = (i: number) => String(results.get(`call_1_${i}`)?.output);

    expect(output(1)).toMatch(
      /^The input for "get_weather" is not valid JSON \(.+\): \{"city": "Par\. Send the arguments as one JSON object/,
    );
    expect(output(2)).toMatch(/^The input for "get_weather" is a string, not a JSON object: Paris\./);
    expect(output(3)).toMatch(
      /is a string that holds JSON, not a JSON object: .*Send the object itself, not encoded in a string/,
    );
    expect(output(4)).toMatch(
      /^The input for "get_weather" is JSON but does not match the tool's schema: city: .*expected string/,
    );
    expect(output(5)).toMatch(/is JSON but does not match the tool's schema: \(input\): .*expected object/);
    // Only the malformed one is called invalid JSON.
    for (const i of [2, 3, 4, 5]) expect(output(i)).not.toMatch(/not valid JSON/);
    for (const i of [1, 2, 3, 4, 5])
      expect(results.get(`call_1_${i}`)).toMatchObject({ errorCode: 'TOOL_INPUT_INVALID' });
    expect(output(6)).toBe('Sunny in Oslo');
    model.assertComplete();
  });

  it('passes a string to a hand-made tool whose schema takes one', async () => {
    const shout = {
      name: 'shout',
      description: 'Upper-cases text',
      input: z.string(),
      readOnly: true,
      inputSchema: { type: 'object' },
      execute: (text: string) => text.toUpperCase(),
    };
    const model = mockProvider([{ toolCalls: [{ name: 'shout', input: 'hey' }] }, { text: 'done' }]);
    const run = createAgent({ provider: model, tools: [shout], policy: fixedPolicy('allow') }).run('go');
    expect(resultsOf((await collect(run)).events).get('call_1_1')).toMatchObject({ output: 'HEY', isError: false });
    model.assertComplete();
  });
});
