/**
 * Which errors an edit introduced, and how the model is told. An edit moves lines, so positions cannot be
 * compared: an error counts as old when the same error (code and message) was there before on a line
 * with the same text, or failing that, anywhere in the file.
 */
import { formatDiagnostic, isError, sortDiagnostics } from './format-diagnostics.js';
import type { Diagnostic } from './protocol.js';

/** An error with the text of the line it starts on. */
export interface KnownError {
  readonly diagnostic: Diagnostic;
  readonly line: string;
}

/** Errors by absolute path. */
export type ErrorsByPath = ReadonlyMap<string, readonly KnownError[]>;

/** The caps of the feedback. */
export interface FeedbackLimits {
  readonly maxPerFile: number;
  readonly maxOtherFiles: number;
}

/** The errors of a report (warnings, information and hints dropped), with their lines from `text`. */
export function knownErrors(diagnostics: readonly Diagnostic[], text: string | undefined): KnownError[] {
  const lines = text?.split('\n') ?? [];
  return sortDiagnostics(diagnostics.filter(isError)).map((diagnostic) => ({
    diagnostic,
    line: (lines[diagnostic.range.start.line] ?? '').trim(),
  }));
}

/** The errors of `after` that were not in `before`, in the order of `after`. */
export function newErrors(before: readonly KnownError[], after: readonly KnownError[]): Diagnostic[] {
  const old = new Set<KnownError>();
  // Two passes: the same error on the same line text first, so an error that stayed is not mistaken for
  // an equal one the edit added elsewhere; then the same error anywhere (its line was edited).
  for (const sameLine of [true, false]) {
    const left = new Map<string, number>();
    for (const entry of before) {
      const key = keyOf(entry, sameLine);
      left.set(key, (left.get(key) ?? 0) + 1);
    }
    for (const entry of old) {
      const key = keyOf(entry, sameLine);
      left.set(key, (left.get(key) ?? 0) - 1);
    }
    for (const entry of after) {
      if (old.has(entry)) continue;
      const key = keyOf(entry, sameLine);
      const count = left.get(key) ?? 0;
      if (count > 0) {
        left.set(key, count - 1);
        old.add(entry);
      }
    }
  }
  return after.filter((entry) => !old.has(entry)).map((entry) => entry.diagnostic);
}

function keyOf(entry: KnownError, withLine: boolean): string {
  const { code, message } = entry.diagnostic;
  return `${String(code ?? '')}\u0000${message}${withLine ? `\u0000${entry.line}` : ''}`;
}

/** What one change did to the errors, for {@link feedbackText}. */
export interface FeedbackInput {
  /** The files the change wrote, in order. */
  readonly edited: readonly string[];
  /** Errors before, by path. */
  readonly before: ErrorsByPath;
  /** Errors now, by path (every open document). */
  readonly after: ErrorsByPath;
  /** Shows a path as the model knows it. */
  display(path: string): string;
}

/**
 * The text appended to an edit's result: the new errors (edited files first, then at most
 * `maxOtherFiles` other files, at most `maxPerFile` each); when there are none, a line saying what errors
 * are left in the edited files, or that none are; `undefined` when there were none before or after.
 */
export function feedbackText(input: FeedbackInput, limits: FeedbackLimits): string | undefined {
  const edited = new Set(input.edited);
  const others = [...input.after.keys()].filter((path) => !edited.has(path)).sort();
  const fresh = [...input.edited, ...others]
    .map((path) => ({ path, errors: newErrors(input.before.get(path) ?? [], input.after.get(path) ?? []) }))
    .filter((entry) => entry.errors.length > 0);
  if (fresh.length === 0) return noNewErrors(input);
  const total = fresh.reduce((sum, entry) => sum + entry.errors.length, 0);
  const lines = [`LSP: ${total === 1 ? '1 new error' : `${total} new errors`} after this change:`];
  let otherFiles = 0;
  for (const entry of fresh) {
    if (!edited.has(entry.path) && ++otherFiles > limits.maxOtherFiles) continue;
    const display = input.display(entry.path);
    for (const diagnostic of entry.errors.slice(0, limits.maxPerFile))
      lines.push(formatDiagnostic(display, diagnostic));
    if (entry.errors.length > limits.maxPerFile) {
      lines.push(`… and ${entry.errors.length - limits.maxPerFile} more new errors in ${display}`);
    }
  }
  if (otherFiles > limits.maxOtherFiles) {
    const more = otherFiles - limits.maxOtherFiles;
    lines.push(`… and new errors in ${more === 1 ? '1 more file' : `${more} more files`}`);
  }
  return lines.join('\n');
}

function noNewErrors(input: FeedbackInput): string | undefined {
  const left = input.edited
    .map((path) => ({ path, count: input.after.get(path)?.length ?? 0 }))
    .filter((entry) => entry.count > 0);
  if (left.length > 0) {
    const list = left.map(
      (entry) => `${input.display(entry.path)} still has ${entry.count === 1 ? '1 error' : `${entry.count} errors`}`,
    );
    return `LSP: no new errors; ${list.join(', ')}.`;
  }
  const fixed = input.edited.filter((path) => (input.before.get(path)?.length ?? 0) > 0);
  if (fixed.length === 0) return undefined;
  return `LSP: no errors left in ${fixed.map((path) => input.display(path)).join(', ')}.`;
}
