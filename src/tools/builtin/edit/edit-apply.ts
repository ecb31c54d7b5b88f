/**
 * Applying `old_string` → `new_string` edits to text in memory, shared by `edit` and `multi_edit`.
 */
import { applySpans, findReplacement, type MatchStrategy } from './fuzzy-match.js';

/** One replacement as the model asked for it. */
export interface EditSpec {
  readonly old_string: string;
  readonly new_string: string;
  readonly replace_all?: boolean | undefined;
}

/** What one applied edit did. */
export interface AppliedEdit {
  readonly text: string;
  readonly strategy: MatchStrategy;
  readonly replacements: number;
}

/**
 * Applies one edit to `text` (`\n` line endings; the strings are normalised the same way).
 *
 * @throws Error telling the model how to fix the edit: not found, ambiguous, or a no-op.
 */
export function applyEdit(text: string, edit: EditSpec, display: string): AppliedEdit {
  const search = edit.old_string.replaceAll('\r\n', '\n');
  const replacement = edit.new_string.replaceAll('\r\n', '\n');
  if (search === replacement)
    throw new Error(
      'old_string and new_string are identical: there is nothing to change. Give the new text in new_string.',
    );
  if (search === '')
    throw new Error(
      `old_string is empty. Quote the exact text to replace from ${display}, or use write to replace the whole file.`,
    );
  const found = findReplacement(text, search, replacement, edit.replace_all ?? false);
  if (!found.ok) {
    if (found.reason === 'not-found') {
      const near = closestLine(text, search);
      const hint = near ? ` The closest line is ${near.line}: ${JSON.stringify(near.text)}.` : '';
      throw new Error(
        `old_string was not found in ${display}, not even with whitespace-, indentation- and escape-tolerant matching.${hint} Read the file again and copy the text exactly (without the line-number prefix of read).`,
      );
    }
    throw new Error(
      `old_string matches ${found.count} places in ${display} (lines ${found.lines.join(', ')}; ${found.strategy} match). Include more surrounding lines to make it unique, or set replace_all to change every one.`,
    );
  }
  return { text: applySpans(text, found.spans), strategy: found.strategy, replacements: found.spans.length };
}

/** A phrase for the result: how `old_string` was found. */
export function describeStrategy(strategy: MatchStrategy): string {
  return strategy === 'exact' ? 'exact match' : `${strategy} match (old_string was not exact; check the diff)`;
}

/** Lines compared when looking for the closest line; past it the hint is skipped rather than slow. */
const MAX_HINT_LINES = 200_000;

/**
 * The file line most like the first non-blank line of `search` (bigram overlap, at least 60 %), to point
 * the model at what it probably meant.
 */
export function closestLine(text: string, search: string): { line: number; text: string } | undefined {
  const wanted = search
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
  if (!wanted || wanted.length < 4) return undefined;
  const lines = text.split('\n', MAX_HINT_LINES);
  const wantedBigrams = bigrams(wanted);
  let best: { line: number; text: string; score: number } | undefined;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (Math.abs(trimmed.length - wanted.length) > wanted.length / 2) return;
    const score = dice(wantedBigrams, bigrams(trimmed));
    if (score >= 0.6 && (!best || score > best.score)) best = { line: index + 1, text: trimmed.slice(0, 200), score };
  });
  return best && { line: best.line, text: best.text };
}

function bigrams(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const pair = text.slice(i, i + 2);
    out.set(pair, (out.get(pair) ?? 0) + 1);
  }
  return out;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let total = 0;
  for (const count of a.values()) total += count;
  for (const count of b.values()) total += count;
  for (const [pair, count] of a) shared += Math.min(count, b.get(pair) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}
