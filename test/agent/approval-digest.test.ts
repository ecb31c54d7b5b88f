/**
 * The parts approvals bind with: the digest (canonical JSON, SHA-256) and session-unique call ids.
 * SHA-256 is checked against `node:crypto` on inputs around every block boundary and on random text.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallIds } from '../../src/agent/call-ids.js';
import { callDigest } from '../../src/internal/call-digest.js';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { sha256Hex } from '../../src/internal/sha256.js';

const reference = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches node:crypto around every padding boundary and on random text, ASCII and not', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'a'.repeat(length);
      expect(sha256Hex(text)).toBe(reference(text));
    }
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(i * 7);
      const text = bytes.toString('base64') + String.fromCodePoint(...bytes.subarray(0, 20).map((b) => b * 97 + 160));
      expect(sha256Hex(text)).toBe(reference(text));
    }
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const big = 'x'.repeat(1_000_003);
    expect(sha256Hex(big)).toBe(reference(big));
  });
});

describe('callDigest', () => {
  it('names the call: key order does not matter, any change of tool or input does', () => {
    const a = callDigest('write', { file_path: 'a.txt', content: 'x', nested: { b: 1, a: [1, { d: 2, c: 3 }] } });
    const b = callDigest('write', { nested: { a: [1, { c: 3, d: 2 }], b: 1 }, content: 'x', file_path: 'a.txt' });
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(callDigest('edit', { file_path: 'a.txt', content: 'x', nested: { b: 1, a: [1, { d: 2, c: 3 }] } })).not.toBe(
      a,
    );
    expect(
      callDigest('write', { file_path: 'a.txt', content: 'y', nested: { b: 1, a: [1, { d: 2, c: 3 }] } }),
    ).not.toBe(a);
    // Arrays keep their order; a string is not the number it spells.
    expect(callDigest('t', { v: [1, 2] })).not.toBe(callDigest('t', { v: [2, 1] }));
    expect(callDigest('t', { v: 1 })).not.toBe(callDigest('t', { v: '1' }));
  });

  it('has no form for what JSON cannot carry or the stores cannot keep', () => {
    expect(() => canonicalJson({ v: 10n })).toThrow(TypeError);
    expect(() => canonicalJson({ v: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ v: new Date(0) })).toThrow(TypeError);
    expect(() => canonicalJson(JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`))).toThrow(TypeError);
    expect(canonicalJson({ b: undefined, a: [undefined, '\u2028'] })).toBe('{"a":[null,"\u2028"]}');
  });
});

describe('CallIds', () => {
  it('keeps fresh ids and re-keys repeats to the smallest free <id>_<n>', () => {
    const ids = new CallIds(['toolu_1']);
    expect(ids.unique('toolu_2')).toBe('toolu_2');
    expect(ids.unique('toolu_1')).toBe('toolu_1_2');
    expect(ids.unique('toolu_1_3')).toBe('toolu_1_3');
    expect(ids.unique('toolu_1')).toBe('toolu_1_4');
    expect(ids.unique('toolu_2')).toBe('toolu_2_2');
  });

  it('makes every re-keyed id one that every provider accepts', () => {
    const ids = new CallIds();
    const made = ['call:1', 'call:1', '', '', 'x'.repeat(41), 'ü/ü', 'ü/ü', 'a'.repeat(40), 'a'.repeat(40)].map((id) =>
      ids.unique(id),
    );
    expect(new Set(made).size).toBe(made.length);
    for (const id of made.slice(1)) {
      if (id === made[5]) continue; // the first 'ü/ü' is fresh and short: kept as the provider sent it
      expect(id).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    }
    expect(made[0]).toBe('call:1');
  });

  it('stays fast when a model repeats one id thousands of times', () => {
    const ids = new CallIds();
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) ids.unique('same');
    expect(ids.unique('same')).toBe('same_20001');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
