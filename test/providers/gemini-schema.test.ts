import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toGeminiSchema } from '../../src/providers/gemini/gemini-schema.js';
import { toJsonSchema } from '../../src/tools/define-tool.js';

describe('toGeminiSchema', () => {
  it("turns one zod schema into Gemini's OpenAPI subset", () => {
    const point = z.object({ x: z.number(), y: z.number() });
    const schema = z.object({
      path: z.string().describe('File to edit'),
      limit: z.number().int().positive().optional(),
      note: z.string().nullable(),
      target: z.union([z.string(), z.object({ line: z.number() })]),
      mode: z.enum(['fast', 'safe']),
      kind: z.literal('edit'),
      level: z.union([z.literal('low'), z.literal('high')]),
      options: z.object({ dryRun: z.boolean().default(false), tags: z.array(z.string()).max(5) }).strict(),
      env: z.record(z.string(), z.string()),
      when: z.string().datetime(),
      email: z.string().email(),
      from: point,
      to: point,
    });
    expect(toGeminiSchema(toJsonSchema(schema))).toMatchInlineSnapshot(`
      {
        "properties": {
          "email": {
            "type": "STRING",
          },
          "env": {
            "description": "a JSON object, written as JSON text",
            "type": "STRING",
          },
          "from": {
            "properties": {
              "x": {
                "type": "NUMBER",
              },
              "y": {
                "type": "NUMBER",
              },
            },
            "required": [
              "x",
              "y",
            ],
            "type": "OBJECT",
          },
          "kind": {
            "enum": [
              "edit",
            ],
            "format": "enum",
            "type": "STRING",
          },
          "level": {
            "enum": [
              "low",
              "high",
            ],
            "format": "enum",
            "type": "STRING",
          },
          "limit": {
            "type": "INTEGER",
          },
          "mode": {
            "enum": [
              "fast",
              "safe",
            ],
            "format": "enum",
            "type": "STRING",
          },
          "note": {
            "nullable": true,
            "type": "STRING",
          },
          "options": {
            "properties": {
              "dryRun": {
                "type": "BOOLEAN",
              },
              "tags": {
                "items": {
                  "type": "STRING",
                },
                "maxItems": 5,
                "type": "ARRAY",
              },
            },
            "required": [
              "tags",
            ],
            "type": "OBJECT",
          },
          "path": {
            "description": "File to edit",
            "type": "STRING",
          },
          "target": {
            "anyOf": [
              {
                "type": "STRING",
              },
              {
                "properties": {
                  "line": {
                    "type": "NUMBER",
                  },
                },
                "required": [
                  "line",
                ],
                "type": "OBJECT",
              },
            ],
          },
          "to": {
            "properties": {
              "x": {
                "type": "NUMBER",
              },
              "y": {
                "type": "NUMBER",
              },
            },
            "required": [
              "x",
              "y",
            ],
            "type": "OBJECT",
          },
          "when": {
            "format": "date-time",
            "type": "STRING",
          },
        },
        "required": [
          "path",
          "note",
          "target",
          "mode",
          "kind",
          "level",
          "options",
          "env",
          "when",
          "email",
          "from",
          "to",
        ],
        "type": "OBJECT",
      }
    `);
  });

  it('inlines $ref and $defs, and cuts recursion to JSON text', () => {
    const json = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node', description: 'The tree root' } },
      required: ['root'],
      additionalProperties: false,
      $defs: {
        Node: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
          required: ['name'],
        },
      },
    };
    expect(toGeminiSchema(json)).toMatchInlineSnapshot(`
      {
        "properties": {
          "root": {
            "description": "The tree root",
            "properties": {
              "children": {
                "items": {
                  "description": "a JSON object, written as JSON text",
                  "type": "STRING",
                },
                "type": "ARRAY",
              },
              "name": {
                "type": "STRING",
              },
            },
            "required": [
              "name",
            ],
            "type": "OBJECT",
          },
        },
        "required": [
          "root",
        ],
        "type": "OBJECT",
      }
    `);
  });

  it('handles type arrays, numeric enums and non-string constants', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          a: { type: ['string', 'null'] },
          b: { type: ['string', 'number'] },
          c: { enum: [1, 2, 3] },
          d: { const: 42 },
          e: { enum: ['x', null] },
          f: {
            allOf: [
              { type: 'object', properties: { p: { type: 'string' } }, required: ['p'] },
              { properties: { q: { type: 'integer', format: 'int32' } } },
            ],
          },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "a": {
            "nullable": true,
            "type": "STRING",
          },
          "b": {
            "anyOf": [
              {
                "type": "STRING",
              },
              {
                "type": "NUMBER",
              },
            ],
          },
          "c": {
            "description": "one of 1, 2, 3",
            "type": "INTEGER",
          },
          "d": {
            "description": "must be 42",
            "type": "INTEGER",
          },
          "e": {
            "enum": [
              "x",
            ],
            "format": "enum",
            "nullable": true,
            "type": "STRING",
          },
          "f": {
            "properties": {
              "p": {
                "type": "STRING",
              },
              "q": {
                "format": "int32",
                "type": "INTEGER",
              },
            },
            "required": [
              "p",
            ],
            "type": "OBJECT",
          },
        },
        "type": "OBJECT",
      }
    `);
  });
});
