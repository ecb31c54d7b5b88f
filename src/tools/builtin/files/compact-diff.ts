/**
 * A compact unified diff of two texts, for tool results: the model sees what changed without re-reading
 * the file. Common leading and trailing lines are cut before diffing, so a one-line edit in a 10 MB file
 * costs as much as diffing that line.
 */

/** Options of {@link compactDiff}. */
export interface CompactDiffOptions {
  /** Unchanged lines shown around each change. @defaultValue 3 */
  readonly context?: number;
  /** Diff lines kept before the rest is summarised. @defaultValue 200 */
  readonly maxLines?: number;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string; readonly oldLine: number; readonly newLine: number };

/** Largest middle section diffed line by line; beyond it the middle is shown as removed then added. */
const MAX_DP_CELLS = 4_000_000;

/**
 * A unified diff (hunks only, no file header) of `before` → `after`, plus added/removed line counts.
 *
 * @example
 * ```ts
 * compactDiff('a\nb\nc\n', 'a\nB\nc\n').text; // '@@ -1,3 +1,3 @@\n a\n-b\n+B\n c'
 * ```
 */
export function compactDiff(
  before: string,
  after: string,
  options: CompactDiffOptions = {},
): { text: string; added: number; removed: number } {
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 200;
  // Cut the common head and tail by characters first (cheap on big files), then work on whole lines of the rest.
  const shortest = Math.min(before.length, after.length);
  const head = commonPrefix(before, after, shortest);
  const tail = commonSuffix(before, after, shortest - head);
  const start = before.lastIndexOf('\n', head - 1) + 1;
  const firstLine = countNewlines(before, start) + 1;
  // Move the common tail's start forward to a line start in both texts, so it holds whole lines.
  let shift = 0;
  const atLineStart = (text: string, at: number): boolean => at === start || text[at - 1] === '\n';
  while (
    shift < tail &&
    !(atLineStart(before, before.length - tail + shift) && atLineStart(after, after.length - tail + shift))
  ) {
    const next = before.indexOf('\n', before.length - tail + shift);
    shift = next === -1 ? tail : next + 1 - (before.length - tail);
  }
  const beforeEnd = before.length - tail + shift;
  const afterEnd = after.length - tail + shift;
  const a = splitLines(before.slice(start, beforeEnd));
  const b = splitLines(after.slice(start, afterEnd));
  const beforeRest = splitLines(before.slice(beforeEnd, nthNewlineAfter(before, beforeEnd, context)));
  const lead = splitLines(before.slice(nthLineStartBefore(before, start, context), start));

  const ops: Op[] = [];
  lead.forEach((text, k) => {
    const line = firstLine - lead.length + k;
    ops.push({ kind: ' ', text, oldLine: line, newLine: line });
  });
  diffMiddle(a, b, firstLine - 1, ops);
  beforeRest.slice(0, context).forEach((text, k) => {
    ops.push({ kind: ' ', text, oldLine: firstLine + a.length + k, newLine: firstLine + b.length + k });
  });

  const added = ops.filter((op) => op.kind === '+').length;
  const removed = ops.filter((op) => op.kind === '-').length;
  const lines = renderHunks(ops, context);
  const text =
    lines.length > maxLines
      ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more diff lines`].join('\n')
      : lines.join('\n');
  return { text, added, removed };
}

/** Characters compared at once: substring equality is a native memory compare, a loop of charCodeAt is not. */
const CHUNK = 4096;

function commonPrefix(a: string, b: string, limit: number): number {
  let at = 0;
  while (at + CHUNK <= limit && a.slice(at, at + CHUNK) === b.slice(at, at + CHUNK)) at += CHUNK;
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (
    n + CHUNK <= limit &&
    a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)
  ) {
    n += CHUNK;
  }
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/** Start of the line `count` lines above the line starting at `start`. */
function nthLineStartBefore(text: string, start: number, count: number): number {
  let at = start;
  for (let k = 0; k < count && at > 0; k++) at = text.lastIndexOf('\n', at - 2) + 1;
  return at;
}

/** End (exclusive, after its newline) of the `count`th line starting at `from`. */
function nthNewlineAfter(text: string, from: number, count: number): number {
  let at = from;
  for (let k = 0; k < count && at < text.length; k++) {
    const next = text.indexOf('\n', at);
    at = next === -1 ? text.length : next + 1;
  }
  return at;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffMiddle(a: readonly string[], b: readonly string[], offset: number, ops: Op[]): void {
  if (a.length * b.length > MAX_DP_CELLS) {
    a.forEach((text, i) => ops.push({ kind: '-', text, oldLine: offset + i + 1, newLine: offset + 1 }));
    b.forEach((text, j) => ops.push({ kind: '+', text, oldLine: offset + a.length + 1, newLine: offset + j + 1 }));
    return;
  }
  // Longest common subsequence table, filled from the end so the walk below goes forwards.
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || (table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0))
    ) {
      // Removals before additions, as unified diffs show them.
      ops.push({ kind: '-', text: a[i] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
    } else {
      ops.push({ kind: '+', text: b[j] ?? '', oldLine: offset + i + 1, newLine: offset + j + 1 });
      j++;
    }
  }
}

/** Groups ops into hunks, keeping `context` unchanged lines around each change. */
function renderHunks(ops: readonly Op[], context: number): string[] {
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return [];
  const out: string[] = [];
  let start = Math.max(0, (changed[0] ?? 0) - context);
  let end = Math.min(ops.length - 1, (changed[0] ?? 0) + context);
  const flush = (): void => {
    const hunk = ops.slice(start, end + 1);
    const first = hunk[0];
    if (!first) return;
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    const oldStart = oldCount === 0 ? first.oldLine - 1 : first.oldLine;
    const newStart = newCount === 0 ? first.newLine - 1 : first.newLine;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) out.push(op.kind + op.text);
  };
  for (const index of changed.slice(1)) {
    if (index - context <= end + 1) end = Math.min(ops.length - 1, index + context);
    else {
      flush();
      start = index - context;
      end = Math.min(ops.length - 1, index + context);
    }
  }
  flush();
  return out;
}
