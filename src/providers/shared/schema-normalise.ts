/**
 * Tool input schemas in the form OpenAI's strict mode accepts, and the way back for the inputs a strict
 * model sends.
 *
 * Strict mode (structured outputs for function calling) guarantees arguments that match the schema, but
 * only for a subset of JSON Schema: every object lists all its properties in `required` and sets
 * `additionalProperties: false`, so an optional property must become nullable. The model then sends
 * `null` where it means "absent", which a zod `.optional()` rejects: {@link fromOpenAiStrictInput} removes
 * those nulls again before the tool sees the input.
 *
 * @packageDocumentation
 */
import type { JsonSchema } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { OPENAI_STRICT_UNSUPPORTED_KEYWORDS, strictSchemaProblem } from './strict-schema-rules.js';

type Schema = { [key: string]: JsonValue };
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords strict mode rejects but that only document: dropped (the tool still validates its input). */
const DROPPED = ['$schema', 'default', 'examples'];

class NotStrict extends Error {}

function allowsNull(schema: Schema): boolean {
  const type = schema.type;
  if (type === 'null') return true;
  if (Array.isArray(type) && type.includes('null')) return true;
  if (Array.isArray(schema.anyOf)) return schema.anyOf.some((branch) => isSchema(branch) && allowsNull(branch));
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  return false;
}

function nullable(schema: Schema): Schema {
  if (allowsNull(schema)) return schema;
  if (typeof schema.type === 'string' && schema.$ref === undefined && !('const' in schema)) {
    const out: Schema = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.type) && !('const' in schema) && !Array.isArray(schema.enum))
    return { ...schema, type: [...schema.type, 'null'] };
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  const { description, ...rest } = schema;
  return { ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: 'null' }] };
}

/** JSON types of the values of an `enum` or `const`, for a node that names its values but not its type. */
function typesOfValues(values: readonly JsonValue[]): string[] | undefined {
  const types = new Set<string>();
  for (const value of values) {
    if (value === null) types.add('null');
    else if (typeof value === 'string' || typeof value === 'boolean') types.add(typeof value);
    else if (typeof value === 'number') types.add(Number.isInteger(value) ? 'integer' : 'number');
    else return undefined;
  }
  // An integer is a number: with both, `number` alone covers them.
  if (types.has('number')) types.delete('integer');
  return types.size > 0 ? [...types] : undefined;
}

function strictify(input: Schema): Schema {
  for (const keyword of OPENAI_STRICT_UNSUPPORTED_KEYWORDS) if (keyword in input) throw new NotStrict(keyword);
  const schema: Schema = {};
  for (const [key, value] of Object.entries(input)) if (!DROPPED.includes(key)) schema[key] = value;

  if (typeof schema.$ref === 'string') {
    // A $ref takes no siblings in strict mode; a description beside it only documents.
    if (Object.keys(schema).some((key) => key !== '$ref' && key !== 'description')) throw new NotStrict('$ref');
    return { $ref: schema.$ref };
  }
  if (schema.type === undefined && !Array.isArray(schema.anyOf) && !Array.isArray(schema.oneOf)) {
    // Strict mode needs a type on every node. Values named in `enum`/`const` give it; anything else
    // (`z.any()`, `z.unknown()`, `z.date()`, `z.set()`…) accepts any JSON value, which strict cannot say.
    const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const!] : [];
    const types = typesOfValues(values);
    if (!types) throw new NotStrict('no type');
    schema.type = types.length === 1 ? types[0]! : types;
  }

  // Strict mode has anyOf but not oneOf; the tool's own validation still enforces "exactly one".
  if (Array.isArray(schema.oneOf)) {
    schema.anyOf = schema.oneOf;
    delete schema.oneOf;
  }
  if (Array.isArray(schema.anyOf))
    schema.anyOf = schema.anyOf.map((branch) => (isSchema(branch) ? strictify(branch) : branch));
  for (const defs of ['$defs', 'definitions']) {
    const table = schema[defs];
    if (isSchema(table)) {
      const out: Schema = {};
      for (const [name, def] of Object.entries(table)) out[name] = isSchema(def) ? strictify(def) : def;
      schema[defs] = out;
    }
  }
  if (isSchema(schema.items)) schema.items = strictify(schema.items);
  else if (schema.items !== undefined) throw new NotStrict('tuple items');
  const isArray = schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
  if (isArray && schema.items === undefined) throw new NotStrict('array without items');

  const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  if (isObject || isSchema(schema.properties)) {
    const additional = schema.additionalProperties;
    // A map with free keys (`z.record`) or an object of any shape cannot be strict.
    if (additional !== undefined && additional !== false) throw new NotStrict('additionalProperties');
    if (!isSchema(schema.properties) && additional !== false) throw new NotStrict('free-form object');
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const out: Schema = {};
    for (const [name, property] of Object.entries(properties)) {
      if (!isSchema(property)) throw new NotStrict(`property ${name}`);
      const strict = strictify(property);
      out[name] = required.has(name) ? strict : nullable(strict);
    }
    schema.properties = out;
    schema.required = Object.keys(out);
    schema.additionalProperties = false;
  }
  return schema;
}

/**
 * A tool's input schema for OpenAI strict mode: every object gets all its properties in `required` and
 * `additionalProperties: false`, optional properties become nullable, `oneOf` becomes `anyOf`, recursively
 * (through `items`, `anyOf`, `$defs`), and a node that only lists its values (`enum`, `const`) gets their
 * type. A schema strict mode cannot express comes back unchanged with `strict: false`, to be sent without
 * strict mode: a node of any value (`z.any()`, `z.unknown()`, and what JSON Schema cannot represent, such
 * as `z.date()` or `z.set()`), a record, a free-form object, a keyword of
 * {@link OPENAI_STRICT_UNSUPPORTED_KEYWORDS} (`allOf`, `uniqueItems`, `minProperties`…), a tuple, a root
 * that is not an object. The result is checked against {@link strictSchemaProblem}, the API's own rules,
 * before it is called strict.
 *
 * @example
 * ```ts
 * toOpenAiStrictSchema({ type: 'object', properties: { a: { type: 'string' } } });
 * // { strict: true, schema: { type: 'object', properties: { a: { type: ['string', 'null'] } },
 * //   required: ['a'], additionalProperties: false } }
 * ```
 */
export function toOpenAiStrictSchema(schema: JsonSchema): { schema: JsonSchema; strict: boolean } {
  if (schema.type !== 'object') return { schema, strict: false };
  try {
    const strict = strictify(schema);
    return strictSchemaProblem(strict) ? { schema, strict: false } : { schema: strict, strict: true };
  } catch (error) {
    if (error instanceof NotStrict) return { schema, strict: false };
    throw error;
  }
}

function resolveRef(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const table = match ? root[match[1] ?? ''] : undefined;
  const target = isSchema(table) && match ? table[match[2] ?? ''] : undefined;
  return isSchema(target) ? target : schema;
}

function restore(root: Schema, schema: Schema, value: JsonValue): JsonValue {
  const resolved = resolveRef(root, schema);
  if (Array.isArray(value)) {
    const items = resolved.items;
    return isSchema(items) ? value.map((item) => restore(root, items, item)) : value;
  }
  if (!isSchema(value) || !isSchema(resolved.properties)) return value;
  const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value)) {
    const property = resolved.properties[key];
    if (!isSchema(property)) {
      out[key] = item;
      continue;
    }
    // A null the original schema does not allow, for a property it does not require, means "absent".
    if (item === null && !required.has(key) && !allowsNull(resolveRef(root, property))) continue;
    out[key] = restore(root, property, item);
  }
  return out;
}

/**
 * The input a strict-mode model sent, in the shape of the tool's original schema: `null` values of
 * optional properties that do not accept `null` are removed, recursively. Anything else is left alone
 * (the tool validates it), and a raw string (arguments that were not JSON) comes back as is.
 *
 * @example
 * ```ts
 * const original = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'] };
 * fromOpenAiStrictInput(original, { a: 'x', b: null }); // { a: 'x' }
 * ```
 */
export function fromOpenAiStrictInput(original: JsonSchema, input: JsonValue): JsonValue {
  return restore(original, original, input);
}
