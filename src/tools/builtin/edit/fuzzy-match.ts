/**
 * Finding `old_string` in a file for `edit`: an exact match first, then a chain of looser strategies for
 * the ways models commonly get a quote slightly wrong (indentation, trailing spaces, doubled escapes, a
 * drifted middle line). Each strategy must find exactly one place (or `replace_all` is set); a strategy
 * that finds several stops the chain with an ambiguity error instead of letting a looser one guess.
 * Strategies run strict to loose, so the first one that matches is also the most faithful.
 */

/** The name of the strategy that located `old_string`; reported to the model in the edit result. */
export type MatchStrategy =
  | 'exact'
  | 'indentation-flexible'
  | 'line-trimmed'
  | 'whitespace-normalized'
  | 'escape-normalized'
  | 'trimmed-boundary'
  | 'block-anchor';

/** A located span of the content and the text to put there. */
export interface MatchSpan {
  readonly start: number;
  readonly end: number;
  /** `new_string`, adapted where the strategy knows how (re-indented, unescaped). */
  readonly replacement: string;
}

/** What {@link findReplacement} found. */
export type FindResult =
  | { readonly ok: true; readonly strategy: MatchStrategy; readonly spans: readonly MatchSpan[] }
  | { readonly ok: false; readonly reason: 'not-found' }
  | {
      readonly ok: false;
      readonly reason: 'ambiguous';
      readonly strategy: MatchStrategy;
      readonly count: number;
      readonly lines: readonly number[];
    };

/** Lowest similarity of the middle lines for a block-anchor match; opencode's 0.0 lets any block through. */
export const BLOCK_ANCHOR_FLOOR = 0.7;

type Strategy = (content: string, lines: LineIndex, search: string, replacement: string) => MatchSpan[];

interface LineIndex {
  readonly lines: readonly string[];
  readonly starts: readonly number[];
}

const STRATEGIES: readonly (readonly [MatchStrategy, Strategy])[] = [
  ['exact', exact],
  ['indentation-flexible', indentationFlexible],
  ['line-trimmed', lineTrimmed],
  ['whitespace-normalized', whitespaceNormalized],
  ['escape-normalized', escapeNormalized],
  ['trimmed-boundary', trimmedBoundary],
  ['block-anchor', blockAnchor],
];

/**
 * Locates `search` in `content` (both with `\n` line endings) and returns where to put `replacement`.
 *
 * @example
 * ```ts
 * const found = findReplacement('  a()\n  b()\n', 'a()\nb()', 'c()', false);
 * // { ok: true, strategy: 'indentation-flexible', spans: [{ start: 0, end: 11, replacement: '  c()' }] }
 * ```
 */
export function findReplacement(content: string, search: string, replacement: string, replaceAll: boolean): FindResult {
  let index: LineIndex | undefined;
  for (const [name, strategy] of STRATEGIES) {
    if (name !== 'exact') index ??= indexLines(content);
    const spans = dedupe(strategy(content, index ?? EMPTY_INDEX, search, replacement));
    if (spans.length === 0) continue;
    if (spans.length === 1 || replaceAll) return { ok: true, strategy: name, spans };
    index ??= indexLines(content);
    return {
      ok: false,
      reason: 'ambiguous',
      strategy: name,
      count: spans.length,
      lines: spans.map((s) => lineOf(index!, s.start)),
    };
  }
  return { ok: false, reason: 'not-found' };
}

/** Applies non-overlapping spans to `content`. */
export function applySpans(content: string, spans: readonly MatchSpan[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const span of sorted) {
    out += content.slice(at, span.start) + span.replacement;
    at = span.end;
  }
  return out + content.slice(at);
}

const EMPTY_INDEX: LineIndex = { lines: [], starts: [] };

function indexLines(content: string): LineIndex {
  const lines = content.split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length + 1;
  }
  return { lines, starts };
}

function lineOf(index: LineIndex, offset: number): number {
  let lo = 0;
  let hi = index.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((index.starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Overlapping candidates (a block found twice by a sliding window) count once; the earliest wins. */
function dedupe(spans: MatchSpan[]): MatchSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: MatchSpan[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last && span.start < last.end) continue;
    out.push(span);
  }
  return out;
}

function exactAll(content: string, search: string, replacement: string): MatchSpan[] {
  const spans: MatchSpan[] = [];
  if (search.length === 0) return spans;
  for (let i = content.indexOf(search); i !== -1; i = content.indexOf(search, i + search.length)) {
    spans.push({ start: i, end: i + search.length, replacement });
  }
  return spans;
}

function exact(content: string, _lines: LineIndex, search: string, replacement: string): MatchSpan[] {
  return exactAll(content, search, replacement);
}

/** Splits a search block into lines, remembering whether it ended with a newline (that newline is kept). */
function searchLines(search: string): { lines: string[]; trailingNewline: boolean } {
  const trailingNewline = search.endsWith('\n');
  const lines = (trailingNewline ? search.slice(0, -1) : search).split('\n');
  return { lines, trailingNewline };
}

/** The span of content lines `first..last` (inclusive), with the newline after `last` when asked. */
function blockSpan(
  index: LineIndex,
  first: number,
  last: number,
  trailingNewline: boolean,
  replacement: string,
): MatchSpan {
  const start = index.starts[first] ?? 0;
  let end = (index.starts[last] ?? 0) + (index.lines[last] ?? '').length;
  if (trailingNewline && last < index.lines.length - 1) end += 1;
  return { start, end, replacement };
}

/** Slides a window of the search's line count over the content and keeps the windows `same` accepts. */
function slideLines(
  index: LineIndex,
  search: string,
  same: (window: readonly string[], wanted: readonly string[]) => boolean,
  makeReplacement: (first: number, last: number) => string,
): MatchSpan[] {
  const { lines: wanted, trailingNewline } = searchLines(search);
  if (wanted.every((line) => line.trim() === '')) return [];
  const spans: MatchSpan[] = [];
  // Both line strategies need the first lines equal once trimmed: a cheap test before building a window.
  const firstTrimmed = (wanted[0] ?? '').trim();
  for (let first = 0; first + wanted.length <= index.lines.length; first++) {
    if ((index.lines[first] ?? '').trim() !== firstTrimmed) continue;
    const window = index.lines.slice(first, first + wanted.length);
    if (same(window, wanted)) {
      const last = first + wanted.length - 1;
      spans.push(blockSpan(index, first, last, trailingNewline, makeReplacement(first, last)));
    }
  }
  return spans;
}

function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function commonIndent(lines: readonly string[]): string {
  let common: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = leadingWhitespace(line);
    if (common === undefined) common = indent;
    else {
      let n = 0;
      while (n < common.length && n < indent.length && common[n] === indent[n]) n++;
      common = common.slice(0, n);
    }
  }
  return common ?? '';
}

/**
 * The block matches once both sides lose their common indentation; `new_string` is shifted by the same
 * amount, so the model's wrongly indented quote still produces correctly indented code.
 */
function indentationFlexible(_content: string, index: LineIndex, search: string, replacement: string): MatchSpan[] {
  const wanted = searchLines(search).lines;
  const wantedIndent = commonIndent(wanted);
  const stripped = wanted.map((line) => line.slice(Math.min(wantedIndent.length, leadingWhitespace(line).length)));
  if (wanted.length === 1) return [];
  return slideLines(
    index,
    search,
    (window) => {
      const indent = commonIndent(window);
      return window.every((line, i) => {
        const want = stripped[i] ?? '';
        return want.trim() === '' ? line.trim() === '' : line.slice(indent.length) === want;
      });
    },
    (first, last) => {
      const indent = commonIndent(index.lines.slice(first, last + 1));
      return replacement
        .split('\n')
        .map((line) =>
          line.trim() === '' ? line : line.startsWith(wantedIndent) ? indent + line.slice(wantedIndent.length) : line,
        )
        .join('\n');
    },
  );
}

/** Lines equal once leading and trailing whitespace is ignored (indentation drift, trailing spaces). */
function lineTrimmed(_content: string, index: LineIndex, search: string, replacement: string): MatchSpan[] {
  return slideLines(
    index,
    search,
    (window, wanted) => window.every((line, i) => line.trim() === (wanted[i] ?? '').trim()),
    () => replacement,
  );
}

/** Every run of whitespace (newlines included) matches any other run; tokens must be the same. */
function whitespaceNormalized(content: string, _index: LineIndex, search: string, replacement: string): MatchSpan[] {
  const tokens = search.trim().split(/\s+/).filter(Boolean);
  if (tokens.length < 2) return [];
  const pattern = new RegExp(tokens.map(escapeRegExp).join('\\s+'), 'g');
  const spans: MatchSpan[] = [];
  for (const match of content.matchAll(pattern)) {
    spans.push({ start: match.index, end: match.index + match[0].length, replacement });
  }
  return spans;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  "'": "'",
  '`': '`',
  '\\': '\\',
  $: '$',
};

function unescape(text: string): string {
  return text.replace(/\\([nrt"'`\\$])/g, (_, ch: string) => ESCAPES[ch] ?? ch);
}

/** Models sometimes send `\\n` or `\"` for what the file holds as a newline or a quote; both sides get unescaped. */
function escapeNormalized(content: string, _index: LineIndex, search: string, replacement: string): MatchSpan[] {
  const unescaped = unescape(search);
  if (unescaped === search) return [];
  return exactAll(content, unescaped, unescape(replacement));
}

/** Stray blank lines or spaces around the quote. */
function trimmedBoundary(content: string, _index: LineIndex, search: string, replacement: string): MatchSpan[] {
  const trimmed = search.trim();
  if (trimmed === search || trimmed.length === 0) return [];
  return exactAll(content, trimmed, replacement.trim());
}

/**
 * For blocks of three lines or more: the first and last lines (trimmed) anchor the block, and the lines
 * between must be similar enough ({@link BLOCK_ANCHOR_FLOOR}). The block may be a quarter longer or shorter
 * than the quote, for a line the model dropped or invented.
 */
function blockAnchor(_content: string, index: LineIndex, search: string, replacement: string): MatchSpan[] {
  const { lines: wanted, trailingNewline } = searchLines(search);
  if (wanted.length < 3) return [];
  const firstLine = (wanted[0] ?? '').trim();
  const lastLine = (wanted[wanted.length - 1] ?? '').trim();
  if (firstLine === '' || lastLine === '') return [];
  const slack = Math.max(1, Math.floor(wanted.length / 4));
  const wantedMiddle = wanted
    .slice(1, -1)
    .map((l) => l.trim())
    .join('\n');
  const spans: MatchSpan[] = [];
  for (let first = 0; first < index.lines.length; first++) {
    if ((index.lines[first] ?? '').trim() !== firstLine) continue;
    const minLast = first + Math.max(2, wanted.length - 1 - slack);
    const maxLast = Math.min(index.lines.length - 1, first + wanted.length - 1 + slack);
    for (let last = minLast; last <= maxLast; last++) {
      if ((index.lines[last] ?? '').trim() !== lastLine) continue;
      const middle = index.lines
        .slice(first + 1, last)
        .map((l) => l.trim())
        .join('\n');
      if (similarity(middle, wantedMiddle) >= BLOCK_ANCHOR_FLOOR) {
        spans.push(blockSpan(index, first, last, trailingNewline, replacement));
        break;
      }
    }
  }
  return spans;
}

/** 1 - Levenshtein distance / longer length; texts too long to compare cheaply count as dissimilar. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (a.length * b.length > 4_000_000) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return 1 - (previous[b.length] ?? longer) / longer;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
