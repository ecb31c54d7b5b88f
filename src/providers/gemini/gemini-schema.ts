/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini's `functionDeclarations[].parameters` accepts.
 *
 * Gemini rejects `$ref`, `$defs`, `additionalProperties`, `const`, type arrays and most `format`s, and its
 * `enum` holds strings only (see vercel/ai#2743). Tool input is validated against the original zod schema
 * by the agent anyway, so this conversion only needs to tell the model the shape; where a keyword has no
 * Gemini equivalent it is dropped, or, when it carries meaning the model needs (allowed numbers), moved into
 * the description.
 *
 * Gemini also refuses a whole request over one node it cannot type: a node with neither `type` nor `anyOf`
 * ("type: must be specified"), an `OBJECT` without properties ("should be non-empty for OBJECT type"), an
 * `ARRAY` without `items`. `z.any()`, `z.unknown()`, `z.record()`, `z.date()` and everything else
 * `z.toJSONSchema` cannot represent write exactly such nodes. They are given a form Gemini accepts (a string
 * holding JSON text), and the conversion reports that it is not exact, so the adapter can declare that tool
 * with `parametersJsonSchema` instead, where they keep their meaning.
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

/** The annotations of a node that are kept whatever it becomes. */
function annotations(node: Node): GeminiSchema {
  return typeof node.description === 'string' ? { description: node.description } : {};
}

function withNote(schema: GeminiSchema, note: string): GeminiSchema {
  const description = typeof schema.description === 'string' ? `${schema.description} (${note})` : note;
  return { ...schema, description };
}

/**
 * What {@link convertGeminiSchema} made of a JSON Schema: the schema in Gemini's subset, and whether it says
 * what the original says (`exact: false` when some node could only be approximated as JSON text).
 */
export interface GeminiSchemaConversion {
  readonly schema: GeminiSchema;
  readonly exact: boolean;
}

class Converter {
  private readonly defs: Node;
  /** `$ref`s being expanded, to cut recursive schemas (Gemini cannot express recursion). */
  private readonly expanding = new Set<string>();
  /** Cleared when a node had no form in the subset and was approximated. */
  exact = true;

  constructor(root: Node) {
    const defs = root.$defs ?? root.definitions;
    this.defs = isNode(defs) ? defs : {};
  }

  /** A node in a form Gemini accepts: typed (or an `anyOf`), objects with properties, arrays with items. */
  convert(node: JsonValue | undefined): GeminiSchema {
    const out = this.node(node);
    if (out.type === undefined && !Array.isArray(out.anyOf)) return this.jsonText(out, 'any JSON value');
    if (out.type === 'OBJECT' && out.properties === undefined) return this.jsonText(out, 'a JSON object');
    if (out.type === 'ARRAY' && out.items === undefined) return { ...out, items: this.jsonText({}, 'any JSON value') };
    return out;
  }

  /**
   * A value the subset has no type for, asked for as a string of JSON text: the only form Gemini accepts
   * that lets the model send any value. Marks the conversion inexact.
   */
  private jsonText(schema: GeminiSchema, what: string): GeminiSchema {
    this.exact = false;
    const { type: _type, properties: _properties, required: _required, items: _items, ...rest } = schema;
    for (const key of ['minProperties', 'maxProperties', 'minItems', 'maxItems']) delete rest[key];
    return withNote({ ...rest, type: 'STRING' }, `${what}, written as JSON text`);
  }

  private node(node: JsonValue | undefined): GeminiSchema {
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

  private ref(node: Node): GeminiSchema {
    const ref = node.$ref as string;
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    const name = match?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const target = name === undefined ? undefined : this.defs[name];
    if (!isNode(target) || this.expanding.has(ref)) {
      // An unknown or recursive reference: say "an object" rather than fail the whole request.
      return this.jsonText(annotations(node), 'a JSON object');
    }
    this.expanding.add(ref);
    try {
      // A description next to the `$ref` describes this use of the definition: it wins.
      return { ...this.convert(target), ...annotations(node) };
    } finally {
      this.expanding.delete(ref);
    }
  }

  private allOf(node: Node): GeminiSchema {
    const { allOf, ...rest } = node;
    let merged: GeminiSchema = {};
    // Members are merged before the merged node is made acceptable: one alone may be untyped (`required` only).
    for (const member of allOf as JsonValue[]) {
      const converted = this.node(member);
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
    return { ...merged, ...(Object.keys(rest).length > 0 ? this.node(rest) : {}), ...annotations(node) };
  }

  private union(node: Node, members: JsonValue[]): GeminiSchema {
    const nonNull = members.filter((member) => !(isNode(member) && member.type === 'null'));
    const nullable = nonNull.length < members.length;
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
    const base = Object.keys(rest).length > 0 ? this.plainAnnotations(rest) : {};
    if (nonNull.length === 0) return this.nullOnly(base);
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
    if (nonNull.length === 0) return this.nullOnly(annotations(node));
    let schema: GeminiSchema;
    if (nonNull.length === 1) schema = this.convert({ ...node, type: nonNull[0]! });
    else schema = { anyOf: nonNull.map((type) => this.convert({ ...node, type })), ...annotations(node) };
    return nullable ? { ...schema, nullable: true } : schema;
  }

  private constant(node: Node, value: JsonValue): GeminiSchema {
    const kept = annotations(node);
    if (typeof value === 'string') return { type: 'STRING', format: 'enum', enum: [value], ...kept };
    if (value === null) return this.nullOnly(kept);
    const note = `must be ${JSON.stringify(value)}`;
    if (typeof value === 'object') return this.jsonText(withNote(kept, note), 'a JSON value');
    return withNote({ type: typeOfValue(value), ...kept }, note);
  }

  /** `null` and nothing else: the subset has no null type, so a nullable string that must be null. */
  private nullOnly(annotations: GeminiSchema): GeminiSchema {
    this.exact = false;
    return withNote({ ...annotations, type: 'STRING', nullable: true }, 'must be null');
  }

  private enumeration(node: Node, values: JsonValue[]): GeminiSchema {
    const nonNull = values.filter((value) => value !== null);
    const nullable: GeminiSchema = nonNull.length < values.length ? { nullable: true } : {};
    if (nonNull.every((value) => typeof value === 'string')) {
      return { type: 'STRING', format: 'enum', enum: nonNull, ...annotations(node), ...nullable };
    }
    // Gemini enums are strings only; keep the real type so the model sends numbers, and list the values.
    const types = new Set(nonNull.map(typeOfValue));
    const type =
      types.size === 1
        ? [...types][0]!
        : types.size === 2 && types.has('INTEGER') && types.has('NUMBER')
          ? 'NUMBER'
          : undefined;
    const described = withNote(
      { ...annotations(node), ...nullable },
      `one of ${nonNull.map((v) => JSON.stringify(v)).join(', ')}`,
    );
    // Values of mixed kinds, or objects and arrays, have no single type Gemini can state.
    if (type === undefined || type === 'OBJECT' || type === 'ARRAY') return this.jsonText(described, 'a JSON value');
    return { type, ...described };
  }

  private plain(node: Node, jsonType: string | undefined): GeminiSchema {
    if (jsonType === 'null') return this.nullOnly(annotations(node));
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
    if (type === 'ARRAY' && isNode(node.items)) out.items = this.convert(node.items);
    else if (type === 'ARRAY' && (Array.isArray(node.items) || Array.isArray(node.prefixItems))) {
      // A tuple: the subset has one `items` schema, so every position is described by the first one's.
      const positions = (Array.isArray(node.items) ? node.items : node.prefixItems) as JsonValue[];
      this.exact = false;
      out.items = this.convert(positions[0]);
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

/** An object schema that declares no properties and allows no others: a function without parameters. */
function isEmptyObject(schema: JsonSchema): boolean {
  const properties = schema.properties;
  const declared = isNode(properties) && Object.keys(properties).length > 0;
  const open = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  return (schema.type === 'object' || isNode(properties)) && !declared && !open;
}

/**
 * Converts a JSON Schema to Gemini's OpenAPI subset (see {@link toGeminiSchema}) and says whether the result
 * is exact. It is not when a node had no form in the subset and was approximated: a value of any type (or
 * of a type JSON Schema could not state), a free-form or empty nested object, `null` alone, a tuple, a
 * recursive reference. Such a schema is better sent as JSON Schema (`parametersJsonSchema`).
 *
 * @example
 * ```ts
 * convertGeminiSchema({ type: 'object', properties: { data: {} } }).exact; // false
 * ```
 */
export function convertGeminiSchema(schema: JsonSchema): GeminiSchemaConversion {
  const converter = new Converter(schema);
  // The root object of a function without parameters: the adapter declares no `parameters` at all.
  if (isEmptyObject(schema)) return { schema: { type: 'OBJECT', ...annotations(schema) }, exact: true };
  const converted = converter.convert(schema);
  return { schema: converted, exact: converter.exact };
}

/**
 * Converts a JSON Schema (draft-07 or 2020-12, as `z.toJSONSchema` writes it) to Gemini's OpenAPI subset:
 * `$ref`s inlined, `additionalProperties`, `$schema` and unsupported formats dropped, `anyOf`/`type` unions
 * with `null` turned into `nullable: true`, other unions kept as `anyOf`, string `const`s and literal unions
 * turned into `enum`s, non-string enums described in words. Every node comes out in a form Gemini accepts:
 * one the subset cannot type (`z.any()`, `z.record()`, a recursive reference…) becomes a string of JSON
 * text, with a note saying so. An object without properties at the root stays `{ type: 'OBJECT' }`:
 * declare such a function without `parameters`.
 *
 * @example
 * ```ts
 * toGeminiSchema({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false });
 * // { type: 'OBJECT', properties: { path: { type: 'STRING' } }, required: ['path'] }
 * ```
 */
export function toGeminiSchema(schema: JsonSchema): GeminiSchema {
  return convertGeminiSchema(schema).schema;
}
