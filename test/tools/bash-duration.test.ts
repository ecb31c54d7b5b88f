/**
 * The durations bash results report are what replays of recorded runs ignore: every form `formatDuration`
 * writes must match the pattern, or a command that ran slower than when it was recorded (1.1 s instead of
 * 118 ms) makes a committed cassette miss.
 */
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, formatDuration } from '../../src/tools/builtin/bash/bash-format.js';

describe('DURATION_PATTERN', () => {
  it('matches every duration formatDuration writes, whole', () => {
    for (const ms of [0, 7, 118, 999, 1_000, 1_149, 59_949, 60_000, 125_000, 3_599_000]) {
      const text = `[Exit code 1, ${formatDuration(ms)}]`;
      expect(text.replace(DURATION_PATTERN, '<t>')).toBe('[Exit code 1, <t>]');
    }
  });

  it('leaves other numbers alone', () => {
    expect('sum(2, 3) = -1, expected 5 in 2 files'.replace(DURATION_PATTERN, '<t>')).toBe(
      'sum(2, 3) = -1, expected 5 in 2 files',
    );
  });
});
