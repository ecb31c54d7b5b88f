/**
 * Structured output on the Messages API: `output_config.format` (Anthropic's structured outputs, GA, no
 * beta header) where the model and the schema allow it, else a forced final tool (`shared/output-tool.ts`).
 *
 * Structured outputs compile the schema into a grammar, so the API takes a subset of JSON Schema: every
 * object closed (`additionalProperties: false`), no numeric, length or count constraints (`minItems` only 0
 * or 1), no recursive definitions. A schema is brought into that subset where it loses nothing the caller
 * cannot check afterwards: objects without `additionalProperties` are closed, and constraints move into the
 * node's description (as Anthropic's SDK does), to be checked by whoever validates the answer. A schema
 * that needs an open object or a recursive definition goes the forced-tool way, whose input schema takes
 * any JSON Schema.
 *
 * @packageDocumentation
 */
import type { JsonSchema, ModelRequest } from '../../model/language-model.js';
import type { JsonValue } from '../../model/message.js';
import { withOutputTool } from '../shared/output-tool.js';

type Schema = { [key: string]: JsonValue };
const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keywords structured outputs refuse. The mock Anthropic server refuses them too
 * (`src/testing/mock-server/anthropic-output-rules.ts`); `minItems` is refused above 1 only.
 *
 * @example
 * ```ts
 * ANTHROPIC_OUTPUT_UNSUPPORTED_KEYWORDS.includes('maxLength'); // true
 * ```
 */
export const ANTHROPIC_OUTPUT_UNSUPPORTED_KEYWORDS: readonly string[] = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'maxItems',
  'minProperties',
  'maxProperties',
];

/**
 * Whether a Claude model has structured outputs: every model from Claude Opus 4.1 and Sonnet 4.5 on.
 * Claude 3.x and the first Claude 4 models (Opus 4, Sonnet 4) do not.
 *
 * @example
 * ```ts
 * anthropicSupportsOutputFormat('claude-sonnet-4-5'); // true
 * anthropicSupportsOutputFormat('claude-3-5-haiku-latest'); // false
 * ```
 */
export function anthropicSupportsOutputFormat(model: string): boolean {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return !/^claude-(?:instant|\d(?:[-.]|$)|(?:opus|sonnet)-4(?:-0)?(?:-\d{8})?$)/.test(id);
}

class NotExpressible extends Error {}

function withConstraintsDescribed(schema: Schema): Schema {
  const moved: Schema = {};
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    const unsupported =
      ANTHROPIC_OUTPUT_UNSUPPORTED_KEYWORDS.includes(key) || (key === 'minItems' && Number(value) > 1);
    if (unsupported) moved[key] = value;
    else out[key] = value;
  }
  if (Object.keys(moved).length === 0) return out;
  const note = JSON.stringify(moved);
  out.description = typeof out.description === 'string' ? `${out.description}\n\n${note}` : note;
  return out;
}

function convert(node: JsonValue): JsonValue {
  if (!isSchema(node)) return node;
  const out = withConstraintsDescribed(node);
  const isObject = out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object'));
  if (isObject || isSchema(out.properties)) {
    if (out.additionalProperties === undefined) out.additionalProperties = false;
    else if (out.additionalProperties !== false) throw new NotExpressible();
  }
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([name, child]) => [name, convert(child)]));
  }
  if (out.items !== undefined) out.items = convert(out.items);
  for (const key of ['anyOf', 'allOf', 'oneOf']) {
    const branches = out[key];
    if (Array.isArray(branches)) out[key] = branches.map(convert);
  }
  for (const key of ['$defs', 'definitions']) {
    const table = out[key];
    if (isSchema(table))
      out[key] = Object.fromEntries(Object.entries(table).map(([name, child]) => [name, convert(child)]));
  }
  return out;
}

/** The `$ref`s a node holds, anywhere below it. */
function refsIn(node: JsonValue, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const child of node) refsIn(child, found);
  else if (isSchema(node)) {
    for (const [key, child] of Object.entries(node)) {
      if (key === '$ref' && typeof child === 'string') found.add(child);
      else refsIn(child, found);
    }
  }
  return found;
}

/**
 * Whether a definition of the schema reaches itself through `$ref`s (or the root refers to itself with
 * `#`): a recursive schema, which structured outputs refuse.
 *
 * @example
 * ```ts
 * isRecursiveSchema({ $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } } }); // true
 * ```
 */
export function isRecursiveSchema(schema: JsonSchema): boolean {
  const defs = new Map<string, JsonValue>();
  for (const key of ['$defs', 'definitions']) {
    const table = schema[key];
    if (isSchema(table)) for (const [name, child] of Object.entries(table)) defs.set(`#/${key}/${name}`, child);
  }
  if (refsIn({ ...schema, $defs: null, definitions: null }).has('#')) return true;
  const reaches = (from: string, target: string, seen: Set<string>): boolean => {
    for (const ref of refsIn(defs.get(from) ?? null)) {
      if (ref === target || ref === '#') return true;
      if (!seen.has(ref) && defs.has(ref)) {
        seen.add(ref);
        if (reaches(ref, target, seen)) return true;
      }
    }
    return false;
  };
  return [...defs.keys()].some((ref) => reaches(ref, ref, new Set()));
}

/**
 * The schema as `output_config.format.schema` takes it, or `undefined` when it needs what structured
 * outputs cannot express (an open object, a recursive definition, a root that is not an object).
 *
 * @example
 * ```ts
 * anthropicOutputSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] });
 * // { type: 'object', properties: { n: { type: 'integer', description: '{"minimum":1}' } }, required: ['n'], additionalProperties: false }
 * ```
 */
export function anthropicOutputSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.type !== 'object' || isRecursiveSchema(schema)) return undefined;
  const { $schema: _dialect, ...rest } = schema;
  try {
    return convert(rest) as JsonSchema;
  } catch (error) {
    if (error instanceof NotExpressible) return undefined;
    throw error;
  }
}

/** How the adapter asks for structured output (`AnthropicSettings.structuredOutput`). */
export type AnthropicStructuredOutput = 'auto' | 'native' | 'tool';

/** How one request gets its structured output. */
export interface AnthropicOutputPlan {
  /** The request to send: as given, or with the output as a forced final tool. */
  readonly request: ModelRequest;
  /** The `output_config.format.schema` to send, for native structured output. */
  readonly schema?: JsonSchema;
  /** The forced final tool whose input is the answer, for the fallback. */
  readonly toolName?: string;
}

/**
 * Chooses native structured output or the forced final tool for a request: native when the model has it
 * and the schema fits (`'auto'`), always (`'native'`: for a gateway whose model ids this adapter does not
 * know; a schema that does not fit is sent as it is, and refused by the API), or never (`'tool'`).
 *
 * @throws ConfigError from {@link withOutputTool} when a tool already has the output's name.
 *
 * @example
 * ```ts
 * const plan = planAnthropicOutput(request, 'claude-sonnet-4-5', 'auto'); // plan.schema set
 * ```
 */
export function planAnthropicOutput(
  request: ModelRequest,
  model: string,
  mode: AnthropicStructuredOutput,
): AnthropicOutputPlan {
  const output = request.output;
  if (output === undefined) return { request };
  const schema = mode === 'tool' ? undefined : anthropicOutputSchema(output.schema);
  if (mode === 'native') return { request, schema: schema ?? output.schema };
  if (schema !== undefined && anthropicSupportsOutputFormat(model)) return { request, schema };
  return { request: withOutputTool('anthropic', request), toolName: output.name };
}
