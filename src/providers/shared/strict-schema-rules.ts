/**
 * The rules OpenAI's strict mode (structured outputs for function calling) enforces on a tool's schema, as
 * one checker: the adapter runs it on every schema it is about to send as strict (and sends the tool
 * non-strict when a rule fails), and the mock OpenAI servers run it to refuse what the real API refuses,
 * with the API's own words.
 *
 * @packageDocumentation
 */
import type { JsonSchema } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';

type Schema = { [key: string]: JsonValue };
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keywords strict mode cannot express: the list of the official `openai` SDK's strict-schema transform
 * (`lib/transform.ts`, `JSON_SCHEMA_UNSUPPORTED_SCHEMA_KEYWORDS`), plus `additionalItems`, which it rejects
 * separately.
 *
 * @example
 * ```ts
 * OPENAI_STRICT_UNSUPPORTED_KEYWORDS.includes('uniqueItems'); // true
 * ```
 */
export const OPENAI_STRICT_UNSUPPORTED_KEYWORDS: readonly string[] = [
  '$anchor',
  '$dynamicAnchor',
  '$dynamicRef',
  '$recursiveAnchor',
  '$recursiveRef',
  'additionalItems',
  'allOf',
  'contains',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'else',
  'if',
  'maxContains',
  'maxProperties',
  'minContains',
  'minProperties',
  'not',
  'patternProperties',
  'prefixItems',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
  'uniqueItems',
];

/** Where in a schema a rule failed (its path, as the API prints it) and what failed. */
export interface StrictSchemaProblem {
  /** The path of the offending node: `['properties', 'tags', 'items']`; `[]` for the root. */
  readonly context: readonly string[];
  /** The API's text for the failure, for example `schema must have a 'type' key.` */
  readonly message: string;
}

const isObjectNode = (schema: Schema): boolean =>
  schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
const isArrayNode = (schema: Schema): boolean =>
  schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));

function nodeProblem(schema: Schema, context: string[]): StrictSchemaProblem | undefined {
  const fail = (message: string): StrictSchemaProblem => ({ context, message });
  if (typeof schema.$ref === 'string') {
    const siblings = Object.keys(schema).filter((key) => key !== '$ref');
    if (siblings.length > 0) return fail(`$ref cannot have keywords {${siblings.map((k) => `'${k}'`).join(', ')}}.`);
    return undefined;
  }
  for (const keyword of OPENAI_STRICT_UNSUPPORTED_KEYWORDS) {
    if (keyword in schema) return fail(`'${keyword}' is not permitted.`);
  }
  if (schema.type === undefined && !Array.isArray(schema.anyOf)) return fail("schema must have a 'type' key.");
  if (isObjectNode(schema)) {
    if (!isSchema(schema.properties)) return fail('object schema missing properties.');
    if (schema.additionalProperties !== false) {
      return fail("'additionalProperties' is required to be supplied and to be false.");
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(schema.properties).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return fail(
        `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
      );
    }
  }
  if (isArrayNode(schema) && !isSchema(schema.items)) return fail('array schema missing items.');
  return undefined;
}

function walk(schema: Schema, context: string[]): StrictSchemaProblem | undefined {
  const own = nodeProblem(schema, context);
  if (own) return own;
  const children: [string[], JsonValue | undefined][] = [];
  if (isSchema(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) children.push([['properties', name], child]);
  }
  if (schema.items !== undefined) children.push([['items'], schema.items]);
  if (Array.isArray(schema.anyOf)) schema.anyOf.forEach((child, i) => children.push([['anyOf', String(i)], child]));
  for (const defs of ['$defs', 'definitions']) {
    const table = schema[defs];
    if (isSchema(table)) for (const [name, child] of Object.entries(table)) children.push([[defs, name], child]);
  }
  for (const [path, child] of children) {
    if (!isSchema(child)) return { context: [...context, ...path], message: "schema must have a 'type' key." };
    const problem = walk(child, [...context, ...path]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The first rule of OpenAI's strict mode that `schema` breaks, or `undefined` when the API accepts it as a
 * strict tool schema: every node has a `type` (or is an `anyOf` or a bare `$ref`), every object lists all its
 * `properties` in `required` and sets `additionalProperties: false`, every array has `items`, and no
 * keyword of {@link OPENAI_STRICT_UNSUPPORTED_KEYWORDS} appears.
 *
 * @example
 * ```ts
 * strictSchemaProblem({ type: 'object', properties: { v: {} }, required: ['v'], additionalProperties: false });
 * // { context: ['properties', 'v'], message: "schema must have a 'type' key." }
 * ```
 */
export function strictSchemaProblem(schema: JsonSchema): StrictSchemaProblem | undefined {
  return walk(schema, []);
}

/**
 * A schema path as the OpenAI API prints it in its errors: a Python tuple, `()`, `('items',)`,
 * `('properties', 'a')`.
 *
 * @example
 * ```ts
 * pythonTuple(['properties', 'a']); // "('properties', 'a')"
 * ```
 */
export function pythonTuple(path: readonly string[]): string {
  const items = path.map((part) => `'${part}'`);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}
