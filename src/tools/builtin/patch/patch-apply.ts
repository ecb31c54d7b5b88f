/**
 * Applies the chunks of an `*** Update File:` to a file's text, in memory. Lines are located with
 * progressively looser comparisons (exact, trailing whitespace ignored, surrounding whitespace ignored,
 * typographic punctuation normalised), as Codex does, because models retype context lines imperfectly.
 */
import type { PatchChunk } from './patch-parser.js';

/** A chunk that could not be located; the message names the chunk and shows the lines looked for. */
export class PatchApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchApplyError';
  }
}

type Compare = (a: string, b: string) => boolean;

const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u00A0': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2004': ' ',
  '\u2005': ' ',
  '\u2006': ' ',
  '\u2007': ' ',
  '\u2008': ' ',
  '\u2009': ' ',
  '\u200A': ' ',
  '\u202F': ' ',
  '\u205F': ' ',
  '\u3000': ' ',
};

function normalisePunctuation(text: string): string {
  return text
    .trim()
    .replace(/[\u2010-\u2015\u2212\u2018-\u201F\u00A0\u2002-\u200A\u202F\u205F\u3000]/g, (ch) => PUNCTUATION[ch] ?? ch);
}

const COMPARISONS: readonly Compare[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
  (a, b) => normalisePunctuation(a) === normalisePunctuation(b),
];

/** Index where `wanted` occurs in `lines` at or after `from` (at the very end first when `atEnd`), or -1. */
function seek(lines: readonly string[], wanted: readonly string[], from: number, atEnd: boolean): number {
  if (wanted.length === 0) return from;
  if (wanted.length > lines.length) return -1;
  for (const same of COMPARISONS) {
    const matches = (start: number): boolean => wanted.every((line, k) => same(lines[start + k] ?? '', line));
    if (atEnd) {
      const start = lines.length - wanted.length;
      if (start >= from && matches(start)) return start;
    }
    for (let start = from; start + wanted.length <= lines.length; start++) if (matches(start)) return start;
  }
  return -1;
}

/**
 * Returns the text after applying `chunks` in order. `text` uses `\n` line endings; the result always
 * ends with a newline.
 *
 * @throws PatchApplyError naming the 1-based chunk that did not match.
 */
export function applyChunks(text: string, chunks: readonly PatchChunk[], path: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const replacements: { start: number; removeCount: number; insert: readonly string[] }[] = [];
  let cursor = 0;
  chunks.forEach((chunk, n) => {
    const label = `"${path}", change ${n + 1}${chunk.context ? ` (@@ ${chunk.context})` : ''}`;
    if (chunk.context !== undefined) {
      const at = seek(lines, [chunk.context], cursor, false);
      if (at === -1)
        throw new PatchApplyError(
          `${label}: could not find the context line ${JSON.stringify(chunk.context)}. Read the file and copy the line exactly.`,
        );
      cursor = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      // A pure insertion goes right after its context line, or at the end of the file without one.
      const at = chunk.context !== undefined ? cursor : lines.length;
      replacements.push({ start: at, removeCount: 0, insert: chunk.newLines });
      return;
    }
    let oldLines = chunk.oldLines;
    let ops = chunk.lines;
    let at = seek(lines, oldLines, cursor, chunk.endOfFile);
    // A trailing empty context line often stands for the file's final newline, which is not a line here.
    const lastOp = ops[ops.length - 1];
    if (at === -1 && lastOp?.op === ' ' && lastOp.text === '') {
      oldLines = oldLines.slice(0, -1);
      ops = ops.slice(0, -1);
      at = seek(lines, oldLines, cursor, chunk.endOfFile);
    }
    if (at === -1) {
      throw new PatchApplyError(
        `${label}: could not find these lines${cursor > 0 ? ` after line ${cursor}` : ''}:\n${chunk.oldLines.join('\n')}\nRead the file again and make the context and "-" lines match it exactly.`,
      );
    }
    // Context lines keep the file's own text: a loosely matched line is not rewritten to the patch's spelling.
    const insert: string[] = [];
    let k = at;
    for (const { op, text: line } of ops) {
      if (op === ' ') insert.push(lines[k++] ?? line);
      else if (op === '-') k++;
      else insert.push(line);
    }
    replacements.push({ start: at, removeCount: oldLines.length, insert });
    cursor = at + oldLines.length;
  });
  for (const r of [...replacements].sort((a, b) => b.start - a.start))
    lines.splice(r.start, r.removeCount, ...r.insert);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
