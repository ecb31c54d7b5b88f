/**
 * Inputs generated from a tool's JSON Schema (which is what a model sees of a zod schema): a `valid`
 * sample with every field filled, and an `edge` sample at the boundaries (required fields only, minimum
 * lengths and values, the last enum value, another union branch, `null` where allowed).
 *
 * Covers `type` (and lists of types), `enum`, `const`, `anyOf`/`oneOf`/`allOf`, nested objects and records,
 * arrays and tuples, string length and the common `format`s, number bounds and `multipleOf`, and local
 * `$ref`s. A `pattern` without a known `format` cannot be honoured by a generator this small: such a field
 * gets a plain string, which the tool then refuses as invalid input.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../../model/message.js';
import type { Random } from './random.js';

/** Which sample to draw. */
export type SampleVariant = 'valid' | 'edge';

type Schema = { readonly [key: string]: unknown };

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
/** Past this depth, objects keep only required fields and arrays their minimum: recursive schemas end. */
const MAX_DEPTH = 8;

const FORMATS: Record<string, (random: Random) => string> = {
  email: (r) => `${r.pick(WORDS)}${r.int(1, 99)}@example.com`,
  uuid: (r) => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => r.int(0, 15).toString(16)),
  uri: (r) => `https://example.com/${r.pick(WORDS)}`,
  url: (r) => `https://example.com/${r.pick(WORDS)}`,
  'date-time': (r) => `2024-0${r.int(1, 9)}-1${r.int(0, 9)}T12:34:56.000Z`,
  date: (r) => `2024-0${r.int(1, 9)}-1${r.int(0, 9)}`,
  time: () => '12:34:56',
  ipv4: (r) => `192.0.2.${r.int(1, 254)}`,
  ipv6: () => '2001:db8::1',
  hostname: (r) => `${r.pick(WORDS)}.example.com`,
};

interface Context {
  readonly root: Schema;
  readonly random: Random;
  readonly variant: SampleVariant;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const key of ref.slice(2).split('/')) target = (target as Schema | undefined)?.[key.replace(/~1/g, '/')];
  return typeof target === 'object' && target !== null ? resolve(target as Schema, root) : {};
}

function sampleString(schema: Schema, ctx: Context): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format) return format(ctx.random);
  const min = num(schema.minLength) ?? 0;
  const max = num(schema.maxLength) ?? Math.max(min, 40);
  if (ctx.variant === 'edge') return 'x'.repeat(min);
  let text = `${ctx.random.pick(WORDS)}-${ctx.random.int(1, 999)}`;
  while (text.length < min) text += ` ${ctx.random.pick(WORDS)}`;
  return text.slice(0, max).padEnd(min, 'x');
}

function sampleNumber(schema: Schema, integer: boolean, ctx: Context): number {
  const step = num(schema.multipleOf) ?? (integer ? 1 : undefined);
  const exclusiveMin = num(schema.exclusiveMinimum);
  const exclusiveMax = num(schema.exclusiveMaximum);
  const tiny = step ?? 0.5;
  const min = num(schema.minimum) ?? (exclusiveMin !== undefined ? exclusiveMin + tiny : undefined);
  const max = num(schema.maximum) ?? (exclusiveMax !== undefined ? exclusiveMax - tiny : undefined);
  const low = min ?? (max !== undefined ? Math.min(0, max) : ctx.variant === 'edge' ? -1 : 0);
  const high = max ?? low + 100;
  const raw = ctx.variant === 'edge' ? low : low + ctx.random.next() * (high - low);
  if (step === undefined) return Math.round(raw * 100) / 100;
  const snapped = Math.ceil(low / step) * step + Math.floor((raw - low) / step) * step;
  return Math.min(snapped, Math.floor(high / step) * step);
}

function sampleArray(schema: Schema, ctx: Context, depth: number): JsonValue[] {
  if (Array.isArray(schema.items)) {
    return (schema.items as Schema[]).map((item) => sample(item, ctx, depth + 1));
  }
  const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as Schema[]) : [];
  const min = Math.max(num(schema.minItems) ?? 0, prefix.length);
  const max = num(schema.maxItems) ?? min + 2;
  const count =
    ctx.variant === 'edge' || depth >= MAX_DEPTH ? min : Math.min(max, Math.max(min, 1) + ctx.random.int(0, 1));
  const items = (typeof schema.items === 'object' && schema.items !== null ? schema.items : {}) as Schema;
  return Array.from({ length: count }, (_, i) => sample(prefix[i] ?? items, ctx, depth + 1));
}

function sampleObject(schema: Schema, ctx: Context, depth: number): { [key: string]: JsonValue } {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const all = ctx.variant === 'valid' && depth < MAX_DEPTH;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, property] of Object.entries(properties)) {
    if (all || required.has(key)) out[key] = sample(property, ctx, depth + 1);
  }
  const extra = schema.additionalProperties;
  if (all && Object.keys(properties).length === 0 && typeof extra === 'object' && extra !== null) {
    out[`${ctx.random.pick(WORDS)}`] = sample(extra as Schema, ctx, depth + 1);
  }
  return out;
}

/** The branch of a union to draw: a seeded one for `valid`, the last for `edge` (so both sides are met). */
function branch(options: readonly Schema[], ctx: Context): Schema {
  return ctx.variant === 'edge' ? options[options.length - 1]! : ctx.random.pick(options);
}

function mergeAll(schemas: readonly Schema[], root: Schema): Schema {
  const merged: Record<string, unknown> = { properties: {}, required: [] };
  for (const part of schemas.map((s) => resolve(s, root))) {
    Object.assign(merged, part, {
      properties: { ...(merged.properties as object), ...((part.properties as object | undefined) ?? {}) },
      required: [...(merged.required as string[]), ...((part.required as string[] | undefined) ?? [])],
    });
  }
  return merged;
}

/** A value that `schema` accepts, drawn as `ctx.variant` says. */
export function sample(input: Schema, ctx: Context, depth = 0): JsonValue {
  const schema = resolve(input, ctx.root);
  if ('const' in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return (ctx.variant === 'edge' ? schema.enum.at(-1) : ctx.random.pick(schema.enum)) as JsonValue;
  }
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(union) && union.length > 0) return sample(branch(union, ctx), ctx, depth);
  if (Array.isArray(schema.allOf)) return sample(mergeAll(schema.allOf as Schema[], ctx.root), ctx, depth);
  let type = schema.type;
  if (Array.isArray(type)) {
    const types = type as string[];
    type = ctx.variant === 'edge' && types.includes('null') ? 'null' : (types.find((t) => t !== 'null') ?? 'null');
  }
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'string':
      return sampleString(schema, ctx);
    case 'integer':
      return sampleNumber(schema, true, ctx);
    case 'number':
      return sampleNumber(schema, false, ctx);
    case 'boolean':
      return ctx.variant === 'valid';
    case 'null':
      return null;
    case 'array':
      return sampleArray(schema, ctx, depth);
    case 'object':
      return sampleObject(schema, ctx, depth);
    default:
      // No constraint at all: anything is valid.
      return ctx.variant === 'edge' ? null : ctx.random.pick(WORDS);
  }
}

/** A `variant` input for a tool's input schema. */
export function sampleInput(schema: Schema, random: Random, variant: SampleVariant): JsonValue {
  return sample(schema, { root: schema, random, variant });
}
