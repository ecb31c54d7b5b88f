import { describe, expect, it } from 'vitest';
import { parsePartialJson } from '../../src/agent/partial-json.js';

describe('parsePartialJson', () => {
  it('reads complete documents as JSON.parse does', () => {
    const docs = ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', '[1,2.5,-3e2]', '"text"', '{"__proto__":{"x":1}}'];
    for (const doc of docs) {
      const value = parsePartialJson(doc);
      expect(value).toEqual(JSON.parse(doc));
    }
    const proto = parsePartialJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('cuts an unfinished string where the text ends and closes open containers', () => {
    expect(parsePartialJson('{"title": "Fix the bu')).toEqual({ title: 'Fix the bu' });
    expect(parsePartialJson('{"tags": ["a", "b')).toEqual({ tags: ['a', 'b'] });
    expect(parsePartialJson('{"a": {"b": [1, {"c": "d')).toEqual({ a: { b: [1, { c: 'd' }] } });
    expect(parsePartialJson('{"a": "')).toEqual({ a: '' });
  });

  it('leaves out members whose key or value is not readable yet', () => {
    expect(parsePartialJson('{"a": 1, "b')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a": 1, "b"')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a": 1, "b": ')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a": tr')).toEqual({});
    expect(parsePartialJson('{"n": 12')).toEqual({});
    expect(parsePartialJson('{"n": 12,')).toEqual({ n: 12 });
    expect(parsePartialJson('[1, 2')).toEqual([1]);
    expect(parsePartialJson('{"s": "a\\')).toEqual({ s: 'a' });
    expect(parsePartialJson('{"s": "\\u00')).toEqual({ s: '' });
    expect(parsePartialJson('{"s": "\\u00e9!"}')).toEqual({ s: 'é!' });
  });

  it('gives undefined for no value yet, for prose, and for broken JSON', () => {
    for (const text of ['', '   ', 'tr', '-', 'Sure! Here is', '{"a" 1}', '{"a": 1 "b": 2}', '[1 2]', '{"a": "\\x"}']) {
      expect(parsePartialJson(text), text).toBeUndefined();
    }
  });

  it('skips a leading markdown fence', () => {
    expect(parsePartialJson('```json\n{"ok": tru')).toEqual({});
    expect(parsePartialJson('```json\n{"ok": true}\n```')).toEqual({ ok: true });
  });

  it('never throws on any prefix of a document, and every prefix value grows towards the whole', () => {
    const whole = {
      title: 'Parser "fix"',
      steps: [
        { n: 1, done: false },
        { n: 22, done: true },
      ],
      note: null,
    };
    const text = JSON.stringify(whole, null, 1);
    let previous = 0;
    for (let end = 0; end <= text.length; end++) {
      const value = parsePartialJson(text.slice(0, end));
      if (value === undefined) continue;
      // What has been read stays read: each value holds the one before it, so its JSON never shrinks.
      const size = JSON.stringify(value).length;
      expect(size).toBeGreaterThanOrEqual(previous);
      previous = size;
    }
    expect(parsePartialJson(text)).toEqual(whole);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(parsePartialJson('['.repeat(100_000))).toBeUndefined();
    expect(parsePartialJson('['.repeat(100))).toBeDefined();
  });
});
