import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonSchema } from '../../src/model/language-model.js';
import { toAnthropicBody } from '../../src/providers/anthropic/request.js';
import { fromOpenAiStrictInput, toOpenAiStrictSchema } from '../../src/providers/shared/schema-normalise.js';
import {
  OPENAI_STRICT_UNSUPPORTED_KEYWORDS,
  pythonTuple,
  strictSchemaProblem,
} from '../../src/providers/shared/strict-schema-rules.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

const editInput = z.object({
  file_path: z.string().describe('Path of the file'),
  old_string: z.string(),
  new_string: z.string(),
  replace_all: z.boolean().optional().describe('Replace every occurrence'),
  mode: z.enum(['exact', 'fuzzy']).default('exact'),
  options: z
    .object({
      backup: z.boolean().optional(),
      note: z.string().nullable(),
    })
    .optional(),
  ranges: z.array(z.object({ start: z.number().int(), end: z.number().int().optional() })).optional(),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('line'), line: z.number() }),
    z.object({ kind: z.literal('symbol'), name: z.string() }),
  ]),
});

describe('toOpenAiStrictSchema', () => {
  it('turns one zod schema into a valid strict schema: all required, optionals nullable, no extra keys', () => {
    const { schema, strict } = toOpenAiStrictSchema(toJsonSchema(editInput));
    expect(strict).toBe(true);
    expect(schema).toMatchInlineSnapshot(`
      {
        "additionalProperties": false,
        "properties": {
          "file_path": {
            "description": "Path of the file",
            "type": "string",
          },
          "mode": {
            "enum": [
              "exact",
              "fuzzy",
              null,
            ],
            "type": [
              "string",
              "null",
            ],
          },
          "new_string": {
            "type": "string",
          },
          "old_string": {
            "type": "string",
          },
          "options": {
            "additionalProperties": false,
            "properties": {
              "backup": {
                "type": [
                  "boolean",
                  "null",
                ],
              },
              "note": {
                "type": [
                  "string",
                  "null",
                ],
              },
            },
            "required": [
              "backup",
              "note",
            ],
            "type": [
              "object",
              "null",
            ],
          },
          "ranges": {
            "items": {
              "additionalProperties": false,
              "properties": {
                "end": {
                  "maximum": 9007199254740991,
                  "minimum": -9007199254740991,
                  "type": [
                    "integer",
                    "null",
                  ],
                },
                "start": {
                  "maximum": 9007199254740991,
                  "minimum": -9007199254740991,
                  "type": "integer",
                },
              },
              "required": [
                "start",
                "end",
              ],
              "type": "object",
            },
            "type": [
              "array",
              "null",
            ],
          },
          "replace_all": {
            "description": "Replace every occurrence",
            "type": [
              "boolean",
              "null",
            ],
          },
          "target": {
            "anyOf": [
              {
                "additionalProperties": false,
                "properties": {
                  "kind": {
                    "const": "line",
                    "type": "string",
                  },
                  "line": {
                    "type": "number",
                  },
                },
                "required": [
                  "kind",
                  "line",
                ],
                "type": "object",
              },
              {
                "additionalProperties": false,
                "properties": {
                  "kind": {
                    "const": "symbol",
                    "type": "string",
                  },
                  "name": {
                    "type": "string",
                  },
                },
                "required": [
                  "kind",
                  "name",
                ],
                "type": "object",
              },
            ],
          },
        },
        "required": [
          "file_path",
          "old_string",
          "new_string",
          "replace_all",
          "mode",
          "options",
          "ranges",
          "target",
        ],
        "type": "object",
      }
    `);
  });

  it('every object in the strict schema requires all its properties and forbids others', () => {
    const { schema } = toOpenAiStrictSchema(toJsonSchema(editInput));
    const objects: Record<string, unknown>[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        const record = node as Record<string, unknown>;
        if (record.properties) objects.push(record);
        Object.values(record).forEach(walk);
      }
    };
    walk(schema);
    expect(objects.length).toBeGreaterThanOrEqual(5);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect(object.required).toEqual(Object.keys(object.properties as object));
    }
    expect(JSON.stringify(schema)).not.toContain('"default"');
    expect(JSON.stringify(schema)).not.toContain('"oneOf"');
  });

  it('falls back to non-strict for schemas strict mode cannot express', () => {
    const cases = [
      z.object({ scores: z.record(z.string(), z.number()) }),
      z.object({ anything: z.object({}).passthrough() }),
      z.string(),
    ];
    for (const zod of cases) {
      const json = toJsonSchema(zod);
      expect(toOpenAiStrictSchema(json)).toEqual({ schema: json, strict: false });
    }
    const raw: JsonSchema[] = [
      { type: 'object', properties: { a: { allOf: [{ type: 'string' }, { minLength: 2 }] } } },
      { type: 'object', properties: { a: { not: { type: 'string' } } } },
      { type: 'object', properties: { a: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } } },
    ];
    for (const json of raw) expect(toOpenAiStrictSchema(json)).toEqual({ schema: json, strict: false });
  });

  it('keeps an empty object strict and handles $ref definitions', () => {
    expect(toOpenAiStrictSchema({ type: 'object', properties: {} })).toEqual({
      strict: true,
      schema: { type: 'object', properties: {}, required: [], additionalProperties: false },
    });
    const withRef = {
      type: 'object',
      properties: { node: { $ref: '#/$defs/Node' } },
      $defs: { Node: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    };
    expect(toOpenAiStrictSchema(withRef).schema).toEqual({
      type: 'object',
      properties: { node: { anyOf: [{ $ref: '#/$defs/Node' }, { type: 'null' }] } },
      required: ['node'],
      additionalProperties: false,
      $defs: {
        Node: {
          type: 'object',
          properties: { name: { type: 'string' } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    });
    expect(fromOpenAiStrictInput(withRef, { node: null })).toEqual({});
    expect(fromOpenAiStrictInput(withRef, { node: { name: 'x' } })).toEqual({ node: { name: 'x' } });
  });

  it('removes the nulls a strict model sends for absent optionals, so the zod schema accepts the input', () => {
    const original = toJsonSchema(editInput);
    const fromModel = {
      file_path: 'a.ts',
      old_string: 'x',
      new_string: 'y',
      replace_all: null,
      mode: null,
      options: { backup: null, note: null },
      ranges: [{ start: 1, end: null }],
      target: { kind: 'line', line: 3 },
    };
    const restored = fromOpenAiStrictInput(original, fromModel);
    expect(restored).toEqual({
      file_path: 'a.ts',
      old_string: 'x',
      new_string: 'y',
      options: { note: null },
      ranges: [{ start: 1 }],
      target: { kind: 'line', line: 3 },
    });
    expect(editInput.safeParse(restored).success).toBe(true);
    expect(editInput.safeParse(fromModel).success).toBe(false);
    expect(fromOpenAiStrictInput(original, '{"broken')).toBe('{"broken');
  });
});

describe('strict mode and nodes of any value', () => {
  it('sends non-strict every zod field that becomes a node without a type', () => {
    const typeless: Record<string, z.ZodType> = {
      any: z.any(),
      unknown: z.unknown(),
      date: z.date(),
      set: z.set(z.string()),
      'array of unknown': z.array(z.unknown()),
      'optional any': z.any().optional(),
      'nested unknown': z.object({ inner: z.unknown() }),
      map: z.map(z.string(), z.number()),
      custom: z.custom<string>(() => true),
    };
    for (const [name, field] of Object.entries(typeless)) {
      const json = toJsonSchema(z.object({ field }));
      expect({ name, result: toOpenAiStrictSchema(json) }).toEqual({ name, result: { schema: json, strict: false } });
    }
  });

  it('gives a node that only lists its values the type of those values, and stays strict', () => {
    const { schema, strict } = toOpenAiStrictSchema({
      type: 'object',
      properties: { mode: { enum: ['a', 'b'] }, level: { enum: [1, 2.5] }, flag: { const: true } },
      required: ['mode', 'level', 'flag'],
    });
    expect(strict).toBe(true);
    expect(schema.properties).toEqual({
      mode: { enum: ['a', 'b'], type: 'string' },
      level: { enum: [1, 2.5], type: 'number' },
      flag: { const: true, type: 'boolean' },
    });
  });

  it('goes non-strict for each keyword of the SDK list, and for a $ref with siblings', () => {
    for (const keyword of ['uniqueItems', 'minProperties', 'maxProperties', 'contains', 'patternProperties']) {
      const json: JsonSchema = {
        type: 'object',
        properties: { v: { type: 'array', items: { type: 'string' }, [keyword]: keyword === 'contains' ? {} : 1 } },
      };
      expect({ keyword, strict: toOpenAiStrictSchema(json).strict }).toEqual({ keyword, strict: false });
    }
    expect(OPENAI_STRICT_UNSUPPORTED_KEYWORDS).toEqual(
      expect.arrayContaining(['uniqueItems', 'minProperties', 'maxProperties', 'contains', 'patternProperties']),
    );
    const refWithBounds: JsonSchema = {
      type: 'object',
      properties: { n: { $ref: '#/$defs/N', minimum: 1 } },
      $defs: { N: { type: 'number' } },
    };
    expect(toOpenAiStrictSchema(refWithBounds).strict).toBe(false);
    const refWithDescription: JsonSchema = {
      type: 'object',
      properties: { n: { $ref: '#/$defs/N', description: 'A number' } },
      required: ['n'],
      $defs: { N: { type: 'number' } },
    };
    expect(toOpenAiStrictSchema(refWithDescription).schema.properties).toEqual({ n: { $ref: '#/$defs/N' } });
  });

  it('names the first broken rule with its path, in the words of the API', () => {
    const closed = { additionalProperties: false };
    expect(strictSchemaProblem({ type: 'object', properties: { v: {} }, required: ['v'], ...closed })).toEqual({
      context: ['properties', 'v'],
      message: "schema must have a 'type' key.",
    });
    expect(strictSchemaProblem({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      context: [],
      message: "'additionalProperties' is required to be supplied and to be false.",
    });
    expect(strictSchemaProblem({ type: 'object', properties: { a: { type: 'string' } }, ...closed })).toEqual({
      context: [],
      message:
        "'required' is required to be supplied and to be an array including every key in properties. Missing 'a'.",
    });
    const tags = { type: 'array', items: { type: 'string' }, uniqueItems: true };
    expect(strictSchemaProblem({ type: 'object', properties: { tags }, required: ['tags'], ...closed })).toEqual({
      context: ['properties', 'tags'],
      message: "'uniqueItems' is not permitted.",
    });
    expect(pythonTuple([])).toBe('()');
    expect(pythonTuple(['items'])).toBe("('items',)");
    expect(pythonTuple(['properties', 'a', 'items'])).toBe("('properties', 'a', 'items')");
  });

  it('passes every strict schema the normaliser makes', () => {
    const { schema, strict } = toOpenAiStrictSchema(toJsonSchema(editInput));
    expect(strict).toBe(true);
    expect(strictSchemaProblem(schema)).toBeUndefined();
  });
});

describe('Anthropic input_schema', () => {
  it('sends the JSON Schema of the zod tool as input_schema, unchanged', () => {
    const inputSchema = toJsonSchema(editInput);
    const body = toAnthropicBody(
      { messages: [], tools: [{ name: 'edit', description: 'Edit a file', inputSchema }] },
      { model: 'claude-haiku-4-5', cache: false, maxOutputTokens: 1024 },
    );
    expect(body.tools).toEqual([{ name: 'edit', description: 'Edit a file', input_schema: inputSchema }]);
    expect((body.tools as { input_schema: { type: string } }[])[0]?.input_schema.type).toBe('object');
  });
});
