import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { JsonSchema } from '../model/language-model.js';
import { objectInputSchema } from './input-schema.js';
import type { Tool, ToolDefinition } from './tool.js';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The JSON Schema of a zod schema, in the form models accept: the *input* side (defaults optional), draft-07,
 * no `$schema` key.
 *
 * @example
 * ```ts
 * toJsonSchema(z.object({ city: z.string() })); // { type: 'object', properties: { city: { type: 'string' } }, … }
 * ```
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/**
 * Defines a tool: a name, a description, a zod input schema and the function that runs it. The input is
 * validated before `execute` sees it; a bad input, a throw or a timeout becomes an error result the model
 * can read, never a crash of the run.
 *
 * A tool you define runs without asking in the default mode, as in the OpenAI Agents SDK and the AI SDK:
 * set `needsApproval` (`true`, or a function of the input) for calls a person must approve, and `readOnly`
 * for tools that may run in `read-only` mode.
 *
 * @example
 * ```ts
 * const getWeather = tool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   input: z.object({ city: z.string() }),
 *   readOnly: true,
 *   execute: async ({ city }) => `Sunny in ${city}`,
 * });
 * ```
 * @throws ConfigError when the name is not a valid tool name, `input` is not a zod schema of an object (a
 * union of objects is accepted, and sent to the model as one object), or an option has the wrong type.
 */
export function tool<TSchema extends z.ZodType>(definition: ToolDefinition<TSchema>): Tool<z.output<TSchema>> {
  if (!TOOL_NAME.test(definition.name)) {
    throw new ConfigError(
      `Tool name "${definition.name}" is invalid: use 1-64 letters, digits, "_" or "-" (providers reject other names).`,
    );
  }
  if (!(definition.input instanceof z.ZodType)) {
    throw new ConfigError(`Tool "${definition.name}": input must be a zod schema.`);
  }
  if (definition.timeoutMs !== undefined && !(definition.timeoutMs > 0)) {
    throw new ConfigError(
      `Tool "${definition.name}": timeoutMs must be a positive number, got ${definition.timeoutMs}.`,
    );
  }
  const needsApproval = definition.needsApproval;
  if (needsApproval !== undefined && typeof needsApproval !== 'boolean' && typeof needsApproval !== 'function') {
    throw new ConfigError(`Tool "${definition.name}": needsApproval must be a boolean or a function of the input.`);
  }
  const result: Tool<z.output<TSchema>> = {
    name: definition.name,
    description: definition.description,
    input: definition.input as z.ZodType<z.output<TSchema>>,
    readOnly: definition.readOnly ?? false,
    inputSchema: objectInputSchema(definition.name, definition.inputSchema ?? toJsonSchema(definition.input)),
    execute: definition.execute,
  };
  return Object.assign(
    result,
    needsApproval === undefined ? {} : { needsApproval },
    definition.timeoutMs === undefined ? {} : { timeoutMs: definition.timeoutMs },
    definition.access ? { access: definition.access } : {},
    definition.sandbox ? { sandbox: definition.sandbox } : {},
  );
}
