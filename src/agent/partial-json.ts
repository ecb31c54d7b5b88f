/**
 * A tolerant parser for JSON that is still arriving: it reads a prefix of a JSON document and returns the
 * value as far as it goes, so a structured answer can be shown while it streams.
 */
import type { JsonValue } from '../model/message.js';

/** Deeper documents are not parsed partially (the final answer is still parsed and validated whole). */
const MAX_DEPTH = 256;

/** Marks "no value here yet": the text ended before a value could be read. */
const MISSING: unique symbol = Symbol('missing');

/** Thrown on text that no continuation can make valid JSON. */
class Invalid extends Error {}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The value of a prefix of a JSON document, as far as it goes:
 *
 * - an unfinished string is cut where the text ends (`{"a": "Hel` gives `{ a: 'Hel' }`);
 * - an object member whose key or value has not started or is not complete (`true` half-written, a number
 *   that may still grow into another) is left out, and so is an unfinished array element of that kind;
 * - an unfinished object or array is closed where the text ends;
 * - anything after a complete document is ignored.
 *
 * Returns `undefined` when no value can be read yet (empty text, `tr`, `-`), when the text cannot be the
 * start of a JSON document (plain prose), or when it nests deeper than 256 levels. A leading markdown code
 * fence (```` ```json ````) is skipped, as some models write one.
 *
 * @example
 * ```ts
 * parsePartialJson('{"title": "Fix the bu'); // { title: 'Fix the bu' }
 * parsePartialJson('{"tags": ["a", "b"], "n": 1'); // { tags: ['a', 'b'] } (1 may become 12)
 * parsePartialJson('Sure! Here'); // undefined
 * ```
 */
export function parsePartialJson(text: string): JsonValue | undefined {
  const parser = new PartialParser(text, skipFence(text));
  try {
    parser.space();
    const value = parser.value(0);
    return value === MISSING ? undefined : value;
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
}

/** Where the JSON starts: after a leading markdown fence line (```` ```json ````), if there is one. */
export function skipFence(text: string): number {
  const match = /^\s*```[a-zA-Z]*[ \t]*(\r?\n|$)/.exec(text);
  return match ? match[0].length : 0;
}

class PartialParser {
  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  get ended(): boolean {
    return this.pos >= this.text.length;
  }

  space(): void {
    while (!this.ended && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): JsonValue | typeof MISSING {
    if (this.ended) return MISSING;
    if (depth > MAX_DEPTH) throw new Invalid();
    const char = this.text[this.pos]!;
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string().value;
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    if (char === 't') return this.literal('true', true);
    if (char === 'f') return this.literal('false', false);
    if (char === 'n') return this.literal('null', null);
    throw new Invalid();
  }

  object(depth: number): JsonValue {
    const result: { [key: string]: JsonValue } = {};
    this.pos++;
    for (;;) {
      this.space();
      if (this.ended) return result;
      if (this.text[this.pos] === '}') {
        this.pos++;
        return result;
      }
      if (this.text[this.pos] !== '"') throw new Invalid();
      const key = this.string();
      if (!key.complete) return result;
      this.space();
      if (this.ended) return result;
      if (this.text[this.pos] !== ':') throw new Invalid();
      this.pos++;
      this.space();
      // A key stays out until its value can be read: `{"a": "` gives `{ a: '' }`, `{"a": tr` gives `{}`.
      const value = this.value(depth + 1);
      if (value === MISSING) return result;
      // As JSON.parse does: `__proto__` is an own key, never the prototype.
      Object.defineProperty(result, key.value, { value, enumerable: true, writable: true, configurable: true });
      if (this.next('}') !== 'more') return result;
    }
  }

  array(depth: number): JsonValue {
    const result: JsonValue[] = [];
    this.pos++;
    for (;;) {
      this.space();
      if (this.ended) return result;
      if (this.text[this.pos] === ']') {
        this.pos++;
        return result;
      }
      const value = this.value(depth + 1);
      if (value === MISSING) return result;
      result.push(value);
      if (this.next(']') !== 'more') return result;
    }
  }

  /** After a member: reads `,` (more to come) or `close`, or finds that the text ended first. */
  next(close: string): 'more' | 'closed' | 'ended' {
    this.space();
    if (this.ended) return 'ended';
    const char = this.text[this.pos];
    if (char !== ',' && char !== close) throw new Invalid();
    this.pos++;
    return char === ',' ? 'more' : 'closed';
  }

  string(): { value: string; complete: boolean } {
    let value = '';
    this.pos++;
    while (!this.ended) {
      const char = this.text[this.pos]!;
      if (char === '"') {
        this.pos++;
        return { value, complete: true };
      }
      if (char !== '\\') {
        value += char;
        this.pos++;
        continue;
      }
      const escape = this.text[this.pos + 1];
      if (escape === undefined) break;
      if (escape === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (hex.length < 4) break;
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Invalid();
        value += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
        continue;
      }
      const decoded = ESCAPES[escape];
      if (decoded === undefined) throw new Invalid();
      value += decoded;
      this.pos += 2;
    }
    this.pos = this.text.length;
    return { value, complete: false };
  }

  number(): JsonValue | typeof MISSING {
    const start = this.pos;
    while (!this.ended && /[-+0-9.eE]/.test(this.text[this.pos]!)) this.pos++;
    const raw = this.text.slice(start, this.pos);
    // A number the text ends in may still grow (`1` into `12`, `1.` into `1.5`): it is not read yet.
    if (this.ended) return MISSING;
    if (!NUMBER.test(raw)) throw new Invalid();
    return Number(raw);
  }

  literal(word: string, value: JsonValue): JsonValue | typeof MISSING {
    const rest = this.text.slice(this.pos, this.pos + word.length);
    if (rest === word) {
      this.pos += word.length;
      return value;
    }
    if (this.pos + rest.length === this.text.length && word.startsWith(rest)) {
      this.pos = this.text.length;
      return MISSING;
    }
    throw new Invalid();
  }
}
