/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini's `functionDeclarations[].parameters` accepts.
 *
 * Gemini rejects `$ref`, `$defs`, `additionalProperties`, `const`, type arrays and most `format`s, and its
 * `enum` holds strings only (see vercel/ai#2743). Tool input is validated against the original zod schema
 * by the agent anyway, so this conversion only needs to tell the model the shape; where a keyword has no
 * Gemini equivalent it is dropped, or, when it carries meaning the model needs (allowed numbers), moved into
 * the description.
 *
 * @packageDocumentation
 */
import type { JsonSchema } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';

/** A schema in Gemini's OpenAPI subset (`type` in upper case: `OBJECT`, `STRING`, …). */
export type GeminiSchema = { [key: string]: JsonValue };

type Node = { [key: string]: JsonValue };

const TYPES: Readonly<Record<string, string>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** Formats Gemini understands, by type; any other format makes it reject the whole request. */
const FORMATS: Readonly<Record<string, readonly string[]>> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

/** Keywords copied as they are when present. */
const PASSTHROUGH = [
  'title',
  'description',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
];

function isNode(value: JsonValue | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOfValue(value: JsonValue): string {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INTEGER' : 'NUMBER';
  if (Array.isArray(value)) return 'ARRAY';
  return 'OBJECT';
}

function withNote(schema: GeminiSchema, note: string): GeminiSchema {
  const description = typeof schema.description === 'string' ? `${schema.description} (${note})` : note;
  return { ...schema, description };
}

class Converter {
  private readonly defs: Node;
  /** `$ref`s being expanded, to cut recursive schemas (Gemini cannot express recursion). */
  private readonly expanding = new Set<string>();

  constructor(root: Node) {
    const defs = root.$defs ?? root.definitions;
    this.defs = isNode(defs) ? defs : {};
  }

  convert(node: JsonValue | undefined): GeminiSchema {
    if (!isNode(node)) return {};
    if (typeof node.$ref === 'string') return this.ref(node);
    if (Array.isArray(node.allOf)) return this.allOf(node);
    const union = node.anyOf ?? node.oneOf;
    if (Array.isArray(union)) return this.union(node, union);
    if (Array.isArray(node.type)) return this.typeUnion(node, node.type);
    if (node.const !== undefined) return this.constant(node, node.const);
    if (Array.isArray(node.enum)) return this.enumeration(node, node.enum);
    return this.plain(node, typeof node.type === 'string' ? node.type : undefined);
  }

  private annotations(node: Node): GeminiSchema {
    return typeof node.description === 'string' ? { description: node.description } : {};
  }

  private ref(node: Node): GeminiSchema {
    const ref = node.$ref as string;
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    const name = match?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const target = name === undefined ? undefined : this.defs[name];
    if (!isNode(target) || this.expanding.has(ref)) {
      // An unknown or recursive reference: say "an object" rather than fail the whole request.
      return { type: 'OBJECT', ...this.annotations(node) };
    }
    this.expanding.add(ref);
    try {
      // A description next to the `$ref` describes this use of the definition: it wins.
      return { ...this.convert(target), ...this.annotations(node) };
    } finally {
      this.expanding.delete(ref);
    }
  }

  private allOf(node: Node): GeminiSchema {
    const { allOf, ...rest } = node;
    let merged: GeminiSchema = {};
    for (const member of allOf as JsonValue[]) {
      const converted = this.convert(member);
      const properties = {
        ...(isNode(merged.properties) ? merged.properties : {}),
        ...(isNode(converted.properties) ? converted.properties : {}),
      };
      const required = [
        ...new Set([
          ...(Array.isArray(merged.required) ? merged.required : []),
          ...(Array.isArray(converted.required) ? converted.required : []),
        ]),
      ];
      merged = { ...merged, ...converted };
      if (Object.keys(properties).length > 0) merged.properties = properties;
      if (required.length > 0) merged.required = required;
    }
    return { ...merged, ...(Object.keys(rest).length > 0 ? this.convert(rest) : {}), ...this.annotations(node) };
  }

  private union(node: Node, members: JsonValue[]): GeminiSchema {
    const nonNull = members.filter((member) => !(isNode(member) && member.type === 'null'));
    const nullable = nonNull.length < members.length;
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
    const base = Object.keys(rest).length > 0 ? this.plainAnnotations(rest) : {};
    let schema: GeminiSchema;
    if (nonNull.length === 1) {
      schema = { ...this.convert(nonNull[0]), ...base };
    } else if (nonNull.length > 0 && nonNull.every((m) => isNode(m) && typeof m.const === 'string')) {
      // A union of string literals is an enum, which Gemini handles far better than anyOf.
      schema = { type: 'STRING', format: 'enum', enum: nonNull.map((m) => (m as Node).const as string), ...base };
    } else {
      schema = { anyOf: nonNull.map((member) => this.convert(member)), ...base };
    }
    return nullable ? { ...schema, nullable: true } : schema;
  }

  private plainAnnotations(node: Node): GeminiSchema {
    const out: GeminiSchema = {};
    for (const key of ['title', 'description']) if (node[key] !== undefined) out[key] = node[key] as JsonValue;
    return out;
  }

  private typeUnion(node: Node, types: JsonValue[]): GeminiSchema {
    const nonNull = types.filter((t): t is string => typeof t === 'string' && t !== 'null');
    const nullable = nonNull.length < types.length;
    let schema: GeminiSchema;
    if (nonNull.length === 1) schema = this.convert({ ...node, type: nonNull[0]! });
    else schema = { anyOf: nonNull.map((type) => this.convert({ ...node, type })), ...this.annotations(node) };
    return nullable ? { ...schema, nullable: true } : schema;
  }

  private constant(node: Node, value: JsonValue): GeminiSchema {
    if (typeof value === 'string') return { type: 'STRING', format: 'enum', enum: [value], ...this.annotations(node) };
    return withNote({ type: typeOfValue(value), ...this.annotations(node) }, `must be ${JSON.stringify(value)}`);
  }

  private enumeration(node: Node, values: JsonValue[]): GeminiSchema {
    const nonNull = values.filter((value) => value !== null);
    const nullable: GeminiSchema = nonNull.length < values.length ? { nullable: true } : {};
    if (nonNull.every((value) => typeof value === 'string')) {
      return { type: 'STRING', format: 'enum', enum: nonNull, ...this.annotations(node), ...nullable };
    }
    // Gemini enums are strings only; keep the real type so the model sends numbers, and list the values.
    const type = nonNull.every((value) => typeof value === 'number')
      ? nonNull.every((value) => Number.isInteger(value))
        ? 'INTEGER'
        : 'NUMBER'
      : undefined;
    const base: GeminiSchema = type ? { type } : {};
    return withNote(
      { ...base, ...this.annotations(node), ...nullable },
      `one of ${nonNull.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  }

  private plain(node: Node, jsonType: string | undefined): GeminiSchema {
    const out: GeminiSchema = {};
    const type = jsonType === undefined ? (isNode(node.properties) ? 'OBJECT' : undefined) : TYPES[jsonType];
    if (type) out.type = type;
    for (const key of PASSTHROUGH) if (node[key] !== undefined) out[key] = node[key] as JsonValue;
    // zod bounds every int by ±MAX_SAFE_INTEGER: noise to the model, so left out.
    if (Math.abs(Number(out.maximum)) === Number.MAX_SAFE_INTEGER) delete out.maximum;
    if (Math.abs(Number(out.minimum)) === Number.MAX_SAFE_INTEGER) delete out.minimum;
    // The long regex zod writes beside a `format` (email, date-time, uuid…) may use syntax Gemini's engine
    // rejects, failing the whole request; the format says it already, and icode validates the input anyway.
    if (typeof node.format === 'string') delete out.pattern;
    if (typeof node.format === 'string' && type && FORMATS[type]?.includes(node.format)) out.format = node.format;
    if (type === 'ARRAY' && node.items !== undefined) {
      out.items = Array.isArray(node.items) ? this.convert(node.items[0]) : this.convert(node.items);
    }
    if (type === 'OBJECT' && isNode(node.properties)) {
      const properties: { [key: string]: JsonValue } = {};
      for (const [name, property] of Object.entries(node.properties)) properties[name] = this.convert(property);
      if (Object.keys(properties).length > 0) {
        out.properties = properties;
        const required = Array.isArray(node.required)
          ? node.required.filter((name) => typeof name === 'string' && name in properties)
          : [];
        if (required.length > 0) out.required = required;
      }
    }
    return out;
  }
}

/**
 * Converts a JSON Schema (draft-07 or 2020-12, as `z.toJSONSchema` writes it) to Gemini's OpenAPI subset:
 * `$ref`s inlined (recursive ones cut to a plain object), `additionalProperties`, `$schema` and unsupported
 * formats dropped, `anyOf`/`type` unions with `null` turned into `nullable: true`, other unions kept as
 * `anyOf`, string `const`s and literal unions turned into `enum`s, non-string enums described in words.
 *
 * @example
 * ```ts
 * toGeminiSchema({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false });
 * // { type: 'OBJECT', properties: { path: { type: 'STRING' } }, required: ['path'] }
 * ```
 */
export function toGeminiSchema(schema: JsonSchema): GeminiSchema {
  return new Converter(schema).convert(schema);
}
