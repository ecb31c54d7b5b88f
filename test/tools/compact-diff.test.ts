import { describe, expect, it } from 'vitest';
import { compactDiff } from '../../src/tools/builtin/files/compact-diff.js';

describe('compactDiff', () => {
  it.each([
    ['a\nb\nc\n', 'a\nB\nc\n', '@@ -1,3 +1,3 @@\n a\n-b\n+B\n c', 1, 1],
    ['a\nb\nc\n', 'a\nb\nc\nd\n', '@@ -1,3 +1,4 @@\n a\n b\n c\n+d', 1, 0],
    ['a\nb\nc\n', 'b\nc\n', '@@ -1,3 +1,2 @@\n-a\n b\n c', 0, 1],
    ['', 'x\n', '@@ -0,0 +1,1 @@\n+x', 1, 0],
    ['x\n', '', '@@ -1,1 +0,0 @@\n-x', 0, 1],
    ['a\nb', 'a\nbc', '@@ -1,2 +1,2 @@\n a\n-b\n+bc', 1, 1],
    ['same\n', 'same\n', '', 0, 0],
    [
      '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n',
      '1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n11\n12\n13\nfourteen\n15\n16\n',
      '@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9\n@@ -11,6 +11,6 @@\n 11\n 12\n 13\n-14\n+fourteen\n 15\n 16',
      2,
      2,
    ],
  ])('%j → %j', (before, after, text, added, removed) => {
    expect(compactDiff(before, after)).toEqual({ text, added, removed });
  });

  it('caps long diffs', () => {
    const after = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const diff = compactDiff('', after, { maxLines: 10 });
    expect(diff.text.split('\n')).toHaveLength(11);
    expect(diff.text).toMatch(/… 491 more diff lines$/);
    expect(diff.added).toBe(500);
  });
});
