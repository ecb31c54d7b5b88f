/**
 * Tool definitions in the Messages API's shape, with an input schema it accepts.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { JsonSchema, ModelTool } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';

type Schema = { [key: string]: JsonValue };
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const COMBINATORS = ['anyOf', 'oneOf', 'allOf'] as const;

/**
 * A top-level union or intersection as one object schema: the API refuses `anyOf`, `oneOf` and `allOf` at
 * the top of an `input_schema`. The branches' properties are merged; a property is required when every
 * branch of a union requires it (or any part of an intersection does). The tool's own validation still
 * checks the input against the real schema, and tells the model when it picked no branch.
 */
function flattenCombinators(schema: Schema): Schema {
  const key = COMBINATORS.find((name) => Array.isArray(schema[name]));
  if (key === undefined) return schema;
  const { [key]: branches, ...rest } = schema;
  const objects = (branches as JsonValue[]).filter(isSchema).map(flattenCombinators);
  const properties: Schema = isSchema(rest.properties) ? { ...rest.properties } : {};
  const requiredBy = objects.map((branch) => new Set(Array.isArray(branch.required) ? branch.required : []));
  for (const branch of objects) if (isSchema(branch.properties)) Object.assign(properties, branch.properties);
  const required = Object.keys(properties).filter((name) =>
    key === 'allOf' ? requiredBy.some((set) => set.has(name)) : requiredBy.every((set) => set.has(name)),
  );
  const own = Array.isArray(rest.required) ? rest.required.filter((name) => typeof name === 'string') : [];
  const all = [...new Set([...own, ...required])];
  const { required: _required, additionalProperties: _closed, ...others } = rest;
  return { ...others, type: 'object', properties, ...(all.length > 0 ? { required: all } : {}) };
}

/**
 * The `input_schema` of a tool. The API takes only an object at the top: a schema without a `type` (what
 * `z.any()` or a top-level union become) is an object schema here, a top-level union is flattened, and a
 * schema of another type is refused before any call, since no input could ever reach the tool.
 *
 * @throws ConfigError when the tool's input is not an object (`z.string()`, `z.array(…)`).
 */
export function anthropicInputSchema(tool: ModelTool): JsonSchema {
  const schema = flattenCombinators({ ...tool.inputSchema });
  if (schema.type === undefined) return { type: 'object', ...schema };
  if (schema.type === 'object') return schema;
  throw new ConfigError(
    `anthropic: tool "${tool.name}" takes ${JSON.stringify(schema.type)} input, but the Messages API passes tools an object. Make the tool's input a z.object({ … }).`,
  );
}

/**
 * The `tools` of a request. With `cache`, the last tool carries a `cache_control` breakpoint, which caches
 * every tool definition.
 */
export function toAnthropicTools(tools: readonly ModelTool[], cache: boolean): Record<string, unknown>[] {
  return tools.map((tool, i) => ({
    name: tool.name,
    description: tool.description,
    input_schema: anthropicInputSchema(tool),
    ...(cache && i === tools.length - 1 ? { cache_control: { type: 'ephemeral' } } : {}),
  }));
}
