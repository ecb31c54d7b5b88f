/**
 * A tool's input schema as every provider takes it: a JSON object at the top. Anthropic, OpenAI and Gemini
 * all reject a tool whose parameters are not `type: 'object'`, and a model cannot call a tool whose input
 * is a bare string or number anyway.
 */
import { ConfigError } from '../errors/config-error.js';
import type { JsonSchema } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';

/**
 * The schema sent to the model for a tool's input. An object schema passes as is. A union whose every
 * branch is an object (`z.union([...])`, `z.discriminatedUnion(...)`) is sent as one object holding every
 * branch's properties (a property that differs between branches as the `anyOf` of its forms; required
 * where every branch requires it), since providers refuse a union at the top; the zod schema still
 * validates the exact union. Anything else is refused.
 *
 * @example
 * ```ts
 * objectInputSchema('search', toJsonSchema(z.object({ q: z.string() }))); // as is
 * objectInputSchema('echo', toJsonSchema(z.string())); // throws ConfigError
 * ```
 * @throws ConfigError when the input is not an object, nor a union of objects.
 */
export function objectInputSchema(name: string, schema: JsonSchema): JsonSchema {
  if (schema.type === 'object') return schema;
  const branches = objectBranches(schema);
  if (branches) return mergeBranches(schema, branches);
  throw new ConfigError(
    `Tool "${name}": its input must be an object schema (z.object({...})), got ${describe(schema)}. Models send tool arguments as one JSON object: wrap the value in a field, e.g. z.object({ value: z.string() }).`,
  );
}

/** The object branches of a union (nested unions flattened), or `undefined` if one is not an object. */
function objectBranches(schema: JsonSchema): JsonSchema[] | undefined {
  const union = schema.anyOf ?? schema.oneOf;
  if (!Array.isArray(union) || union.length === 0) return undefined;
  const objects: JsonSchema[] = [];
  for (const branch of union) {
    if (typeof branch !== 'object' || branch === null || Array.isArray(branch)) return undefined;
    const node = branch as JsonSchema;
    if (node.type === 'object') objects.push(node);
    else {
      const nested = objectBranches(node);
      if (!nested) return undefined;
      objects.push(...nested);
    }
  }
  return objects;
}

function mergeBranches(union: JsonSchema, branches: readonly JsonSchema[]): JsonSchema {
  const forms = new Map<string, JsonValue[]>();
  for (const branch of branches) {
    for (const [key, value] of Object.entries((branch.properties ?? {}) as Record<string, JsonValue>)) {
      const known = forms.get(key) ?? [];
      if (!known.some((form) => JSON.stringify(form) === JSON.stringify(value))) known.push(value);
      forms.set(key, known);
    }
  }
  const properties: JsonSchema = Object.fromEntries(
    [...forms].map(([key, values]) => [key, values.length === 1 ? values[0]! : { anyOf: values }]),
  );
  const required = [...forms.keys()].filter((key) =>
    branches.every((branch) => Array.isArray(branch.required) && branch.required.includes(key)),
  );
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = union;
  return { ...rest, type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

function describe(schema: JsonSchema): string {
  if (typeof schema.type === 'string') return `type "${schema.type}"`;
  if (Array.isArray(schema.type)) return `type ${JSON.stringify(schema.type)}`;
  if (schema.anyOf ?? schema.oneOf) return 'a union that is not made of objects only';
  return 'a schema with no type (z.any(), z.unknown(), or a type JSON Schema cannot describe)';
}
