import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JsonSchema } from '../../src/model/language-model.js';
import { toAnthropicBody } from '../../src/providers/anthropic/request.js';
import { fromOpenAiStrictInput, toOpenAiStrictSchema } from '../../src/providers/shared/schema-normalise.js';
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
