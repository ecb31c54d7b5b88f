/** Canonical JSON: one spelling per value, so a hash of it names the value. Never exported. */
import { MAX_JSON_DEPTH } from './json-safe.js';

/**
 * The canonical JSON text of a plain JSON value: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as `JSON.stringify` writes them (so `1.0` and `1`, or `"\u0041"` and `"A"`, are one
 * value). Keys whose value is `undefined` are left out, as JSON leaves them out.
 *
 * @throws TypeError for a value JSON cannot carry (a class instance, a BigInt, a non-finite number) or one
 * nested deeper than the stores allow: such a value has no canonical form, and a caller must refuse it.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}

function write(value: unknown, depth: number, out: string[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('A non-finite number has no JSON form.');
      out.push(JSON.stringify(value));
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (depth >= MAX_JSON_DEPTH) throw new TypeError(`Nested deeper than ${MAX_JSON_DEPTH} levels.`);
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          // As JSON.stringify does: a hole or an undefined array item is null.
          write(item === undefined ? null : item, depth + 1, out);
        });
        out.push(']');
        return;
      }
      writeObject(value, depth, out);
      return;
    default:
      throw new TypeError(`A ${typeof value} has no JSON form.`);
  }
}

function writeObject(object: object, depth: number, out: string[]): void {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) throw new TypeError('Only plain objects have a JSON form.');
  const record = object as Record<string, unknown>;
  // Default sort compares UTF-16 code units: the same order in every runtime.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((key, i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(record[key], depth + 1, out);
  });
  out.push('}');
}
