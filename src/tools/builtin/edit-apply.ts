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
      throw new Error(
        `old_string was not found in ${display}, not even with whitespace-, indentation- and escape-tolerant matching. Read the file again and copy the text exactly (without the line-number prefix of read).`,
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
