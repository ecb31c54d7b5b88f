/** Checks on values that must survive a JSON round trip. Never exported. */

/**
 * The deepest nesting a stored entry may have: the stores refuse deeper entries (a walk this deep is still
 * far from any stack limit, and no real session needs more).
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Levels a stored entry puts around a tool call's input or a tool result's output (entry → message →
 * content → part → input, or entry → requests → request → input), with room to spare. A value checked
 * with this much headroom is storable in every store.
 */
export const ENTRY_ENVELOPE_DEPTH = 8;

/**
 * Whether `value` is plain JSON data: strings, finite numbers, booleans, null, arrays and plain objects of
 * those. Walks the value without building a string, so it costs a fraction of `JSON.stringify`; cycles
 * and absurd nesting are caught by a depth limit ({@link MAX_JSON_DEPTH}, counted from `depth`).
 */
export function isJsonSafe(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_JSON_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isJsonSafe(item, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && !isJsonSafe(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** {@link measureJson}: more than `maxDepth` containers nested in one another. */
export const TOO_DEEP = -1;
/** {@link measureJson}: more than `maxChars` characters of strings and keys (plus one per value). */
export const TOO_LARGE = -2;
/** {@link measureJson}: not plain JSON data (a class instance, a BigInt, `NaN`, a function…). */
export const NOT_JSON = -3;

/**
 * Measures a JSON value against limits in one walk that stops at the first problem: its size (characters
 * of strings and keys, plus one per value: close to its JSON length) when it is plain JSON data within
 * `maxDepth` levels of containers (`{}` is one level, a scalar none) and `maxChars`; otherwise
 * {@link TOO_DEEP}, {@link TOO_LARGE} or {@link NOT_JSON}. Never builds a string, and never recurses past
 * `maxDepth`, so a hostile value cannot exhaust the stack.
 */
export function measureJson(value: unknown, maxDepth: number, maxChars: number): number {
  // One walk at a time (it is synchronous), so its state lives in module variables: no allocation per call
  // on the agent loop's hot path.
  walkMaxDepth = maxDepth;
  walkMaxChars = maxChars;
  walkChars = 0;
  const problem = visit(value, 0);
  return problem === 0 ? walkChars : problem;
}

let walkMaxDepth = 0;
let walkMaxChars = 0;
let walkChars = 0;

/** 0 when fine, else the problem code. */
function visit(value: unknown, depth: number): number {
  walkChars += 1;
  switch (typeof value) {
    case 'string':
      walkChars += value.length;
      return walkChars > walkMaxChars ? TOO_LARGE : 0;
    case 'boolean':
      return 0;
    case 'number':
      return Number.isFinite(value) ? 0 : NOT_JSON;
    case 'object':
      if (value === null) return 0;
      if (depth >= walkMaxDepth) return TOO_DEEP;
      return Array.isArray(value) ? visitArray(value, depth + 1) : visitObject(value, depth + 1);
    default:
      return NOT_JSON;
  }
}

function visitArray(items: readonly unknown[], depth: number): number {
  for (const item of items) {
    const problem = visit(item, depth);
    if (problem !== 0) return problem;
  }
  return walkChars > walkMaxChars ? TOO_LARGE : 0;
}

function visitObject(object: object, depth: number): number {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return NOT_JSON;
  for (const key in object) {
    const item = (object as Record<string, unknown>)[key];
    if (item === undefined) continue;
    walkChars += key.length;
    const problem = visit(item, depth);
    if (problem !== 0) return problem;
  }
  return walkChars > walkMaxChars ? TOO_LARGE : 0;
}

/** Deep equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  for (const key of keysA) {
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
