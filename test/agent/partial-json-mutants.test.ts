/**
 * `parsePartialJson` at its edges: every escape, the number grammar, whitespace between tokens, the fence
 * forms, the exact nesting limit, and text that no continuation can make valid.
 */
import { describe, expect, it } from 'vitest';
import { parsePartialJson, skipFence } from '../../src/agent/partial-json.js';

describe('parsePartialJson edges', () => {
  it('decodes every JSON escape as JSON.parse does', () => {
    const doc = '{"s": "q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\uABCD\\u0041"}';
    expect(parsePartialJson(doc)).toEqual(JSON.parse(doc));
    expect(parsePartialJson(doc)).toEqual({ s: 'q" b\\ s/ \b\f\n\r\t é\uabcdA' });
  });

  it('refuses a \\u escape whose four characters are not all hex, and waits for one cut short', () => {
    for (const text of ['["\\u12G4"]', '["\\uZZZZ', '["\\u 123"]'])
      expect(parsePartialJson(text), text).toBeUndefined();
    expect(parsePartialJson('["ab\\u0')).toEqual(['ab']);
    expect(parsePartialJson('["ab\\u004')).toEqual(['ab']);
    expect(parsePartialJson('["ab\\u0041')).toEqual(['abA']);
  });

  it('reads the whole number grammar and refuses what JSON does not allow', () => {
    const doc = '[0, 9, -0.5, 10, 1e3, 2E-2, 3e+1, 45.25, -7, 908]';
    expect(parsePartialJson(doc)).toEqual(JSON.parse(doc));
    for (const bad of ['[01, 2]', '[1., 2]', '[.5, 2]', '[1e, 2]', '[--1, 2]', '[1.5.5, 2]', '[+1, 2]', '[1e5e5, 2]']) {
      expect(parsePartialJson(bad), bad).toBeUndefined();
    }
    expect(parsePartialJson('[5 ]')).toEqual([5]);
    expect(parsePartialJson('{"n": 0}')).toEqual({ n: 0 });
    expect(parsePartialJson('{"n": 9}')).toEqual({ n: 9 });
  });

  it('takes any whitespace between tokens', () => {
    const doc = ' \t\n{ "a" : [ 1 ,\r\n 2 ] ,\t"b" :\ntrue , "c" : null , "d" : { } , "e" : [ ] }';
    expect(parsePartialJson(doc)).toEqual(JSON.parse(doc));
    expect(parsePartialJson('{ "a" ')).toEqual({});
    expect(parsePartialJson('{ "a" : 1 ')).toEqual({ a: 1 });
    expect(parsePartialJson('{ "a" : 1')).toEqual({});
    expect(parsePartialJson('{ "a" : true ')).toEqual({ a: true });
    expect(parsePartialJson('[ true ')).toEqual([true]);
  });

  it('refuses a wrong closing bracket, a bare key and a stray character', () => {
    for (const text of [
      '{"a"x1}',
      '{"a";"b"}',
      '[+',
      '[.',
      ' .',
      '{"a": +',
      '[1}',
      '[true}',
      '{"a": 1]',
      '{a: 1}',
      '{"a": 1;',
      '[1; 2]',
      '@',
      '{"a": @}',
      '[tx',
      '[nax',
      '[fals3',
    ]) {
      expect(parsePartialJson(text), text).toBeUndefined();
    }
  });

  it('leaves out a literal not yet complete, and reads each once complete', () => {
    expect(parsePartialJson('[true, fal')).toEqual([true]);
    expect(parsePartialJson('[null, nu')).toEqual([null]);
    expect(parsePartialJson('[false, n')).toEqual([false]);
    expect(parsePartialJson('[null, false, true]')).toEqual([null, false, true]);
    expect(parsePartialJson('nul')).toBeUndefined();
    expect(parsePartialJson('null')).toBeNull();
    expect(parsePartialJson('false')).toBe(false);
  });

  it('gives a closed container as it is, and ignores what follows a complete document', () => {
    expect(parsePartialJson('{}')).toEqual({});
    expect(parsePartialJson('[]')).toEqual([]);
    expect(parsePartialJson('{"a": [1, 2], "b": {}} trailing prose')).toEqual({ a: [1, 2], b: {} });
    expect(parsePartialJson('[[1], [2]] [3]')).toEqual([[1], [2]]);
    expect(parsePartialJson('{"a": {"b": 1}, "c": 2}')).toEqual({ a: { b: 1 }, c: 2 });
  });

  it('makes each member an ordinary own property', () => {
    const value = parsePartialJson('{"a": 1, "b": {"c": [2]}}') as Record<string, unknown>;
    for (const [key, member] of [
      ['a', 1],
      ['b', { c: [2] }],
    ] as const) {
      expect(Object.getOwnPropertyDescriptor(value, key)).toEqual({
        value: member,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  });

  it('limits the nesting of objects as of arrays', () => {
    expect(parsePartialJson('{"a": '.repeat(257))).toBeDefined();
    expect(parsePartialJson('{"a": '.repeat(300))).toBeUndefined();
  });

  it('parses 257 levels of nesting and refuses 258', () => {
    expect(parsePartialJson('['.repeat(257))).toBeDefined();
    expect(parsePartialJson('['.repeat(258))).toBeUndefined();
    expect(parsePartialJson(`${'['.repeat(256)}1${']'.repeat(256)}`)).toBeDefined();
    expect(parsePartialJson(`${'['.repeat(258)}1${']'.repeat(258)}`)).toBeUndefined();
  });

  it('skips only a fence line: any language tag, trailing blanks, CRLF, or a fence alone', () => {
    expect(skipFence('```json\n{}')).toBe(8);
    expect(skipFence('  ```\n{}')).toBe(6);
    expect(skipFence('```JSON \t\r\n{}')).toBe(11);
    expect(skipFence('```')).toBe(3);
    expect(skipFence('{"a": "```"}')).toBe(0);
    expect(skipFence('```json{"a": 1}')).toBe(0);
    expect(skipFence('x```json\n{}')).toBe(0);
    expect(parsePartialJson('```\n[1, 2')).toEqual([1]);
    expect(parsePartialJson('```json \r\n{"a": "b"}')).toEqual({ a: 'b' });
    expect(parsePartialJson('```')).toBeUndefined();
    expect(parsePartialJson('```json{"a": 1}')).toBeUndefined();
  });
});
