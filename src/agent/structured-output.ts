/**
 * Structured output: the run's final answer is a JSON document validated by a zod schema.
 *
 * Every model call of such a run carries `request.output` (the schema as JSON Schema), also the calls that
 * may use tools: the providers' native structured output applies to the final answer and lets tool calls
 * through, and any call can be the last. Only the answer of a turn that ends the run `completed` (no tool
 * calls) is parsed and validated. When it is not valid JSON or does not match, the model gets one repair
 * turn: a user message saying precisely what was wrong. A second invalid answer fails the run with an
 * {@link OutputValidationError}. A schema that is not of an object (providers want an object at the top)
 * is sent wrapped as `{ value: … }` and unwrapped before validation and in `output-delta` events.
 */
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { OutputValidationError, type OutputIssue } from '../errors/output-validation-error.js';
import type { JsonSchema, OutputFormat } from '../model/language-model.js';
import { messageText, type AssistantMessage, type JsonValue, type UserMessage } from '../model/message.js';
import { toJsonSchema } from '../tools/define-tool.js';
import { parsePartialJson, skipFence } from './partial-json.js';
import { add } from './play-turn.js';
import type { RunContext } from './run-context.js';

/** A run's output schema, ready to send and to validate with. */
export interface OutputSpec {
  /** What the answer is validated with: the schema, or `{ value: schema }` when wrapped. */
  readonly validator: z.ZodType;
  readonly format: OutputFormat;
  /** Whether the schema is sent wrapped as `{ value: … }` (it does not describe an object). */
  readonly wrapped: boolean;
}

/** One spec per schema: a service that passes the same schema to every run converts it once. */
const specs = new WeakMap<z.ZodType, OutputSpec>();

/**
 * The spec of an `output` option.
 *
 * @throws ConfigError when `schema` is not a zod schema, or one JSON Schema cannot describe.
 */
export function outputSpec(schema: unknown): OutputSpec {
  if (!(schema instanceof z.ZodType)) {
    throw new ConfigError('`output` must be a zod schema, e.g. z.object({ title: z.string() }).');
  }
  let spec = specs.get(schema);
  if (spec) return spec;
  let json: JsonSchema;
  try {
    json = toJsonSchema(schema);
  } catch (error) {
    throw new ConfigError(`\`output\`: this zod schema has no JSON Schema form (${(error as Error).message}).`, {
      cause: error,
    });
  }
  const wrapped = json.type !== 'object';
  spec = {
    validator: wrapped ? z.object({ value: schema }) : schema,
    format: { name: 'output', schema: wrapped ? wrapSchema(json) : json },
    wrapped,
  };
  specs.set(schema, spec);
  return spec;
}

/** `{ value: schema }`, with the schema's definitions kept at the top where its `$ref`s point. */
function wrapSchema(json: JsonSchema): JsonSchema {
  const { $defs, definitions, ...inner } = json;
  return {
    type: 'object',
    properties: { value: inner },
    required: ['value'],
    additionalProperties: false,
    ...($defs !== undefined ? { $defs } : {}),
    ...(definitions !== undefined ? { definitions } : {}),
  };
}

/** The structured output of one run: its spec, and what the run has made of it so far. */
export class OutputRun {
  /** Whether the one repair turn has been used. */
  repaired = false;
  /** Set once the final answer validated. */
  result: { readonly value: unknown } | undefined;

  constructor(readonly spec: OutputSpec) {}
}

type Checked =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: string; readonly issues: readonly OutputIssue[] };

/** Parses a final answer's text as JSON (a markdown fence around it is tolerated) and validates it. */
export async function checkOutput(spec: OutputSpec, text: string): Promise<Checked> {
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch (error) {
    const message = `the answer is not valid JSON (${(error as Error).message})`;
    return { ok: false, problem: message, issues: [{ code: 'invalid_json', path: [], message }] };
  }
  const parsed = await spec.validator.safeParseAsync(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const listed = issues
      .slice(0, 10)
      .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(answer)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, problem: `the JSON does not match the schema: ${listed}`, issues };
  }
  return { ok: true, value: spec.wrapped ? (parsed.data as { value: unknown }).value : parsed.data };
}

function stripFence(text: string): string {
  const start = skipFence(text);
  if (start === 0) return text;
  return text.slice(start).replace(/\s*```\s*$/, '');
}

/**
 * Settles a final answer of a run with an `output` schema: a valid one ends the run `completed` with the
 * value; the first invalid one adds the repair message and lets the run go on; a second fails the run.
 *
 * @throws OutputValidationError when the answer is invalid after the repair turn.
 */
export async function settleOutput(
  ctx: RunContext,
  output: OutputRun,
  answer: AssistantMessage,
): Promise<{ end?: 'completed' }> {
  const text = messageText(answer);
  const checked = await checkOutput(output.spec, text);
  if (checked.ok) {
    output.result = { value: checked.value };
    return { end: 'completed' };
  }
  if (output.repaired) {
    throw new OutputValidationError({
      message: `The model's final answer does not match the output schema, also after a repair turn: ${checked.problem}.`,
      rawText: text,
      issues: checked.issues,
    });
  }
  output.repaired = true;
  const repair: UserMessage = {
    role: 'user',
    content: [
      {
        type: 'text',
        text: `Your answer cannot be used: ${checked.problem}. Answer again with only a JSON document (no other text) that matches this JSON Schema: ${JSON.stringify(output.spec.format.schema)}`,
      },
    ],
  };
  add(ctx, repair);
  // The repair message starts the next turn, as a user's input does.
  await ctx.persist([{ type: 'message', message: repair, turn: ctx.sessionTurn + 1 }]);
  return {};
}

/** Parses less and less often as the text grows, so a long answer costs linear time, not quadratic. */
const PARSE_EVERY_DELTA_UP_TO = 4096;

/**
 * The partial structured answer of one model call, from its text deltas: a new value only when it changed.
 */
export class PartialOutput {
  #text = '';
  #parsedAt = 0;
  #last: string | undefined;

  constructor(private readonly wrapped: boolean) {}

  /** Takes a text delta; returns the partial value when it changed. */
  push(piece: string): { readonly value: JsonValue } | undefined {
    this.#text += piece;
    const length = this.#text.length;
    if (length > PARSE_EVERY_DELTA_UP_TO && (length - this.#parsedAt) * 16 < length) return undefined;
    this.#parsedAt = length;
    let value = parsePartialJson(this.#text);
    if (this.wrapped) {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'value')
          ? value.value
          : undefined;
    }
    if (value === undefined) return undefined;
    const key = JSON.stringify(value);
    if (key === this.#last) return undefined;
    this.#last = key;
    return { value };
  }
}
