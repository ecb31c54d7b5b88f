/**
 * What a grep engine is asked and what it answers. Two engines implement it, ripgrep and pure
 * JavaScript, and must give the same answer; the `grep` tool sorts, pages and formats it.
 */

/** One search, with paths already resolved inside the sandbox. */
export interface GrepQuery {
  /** Canonical workspace root. */
  readonly root: string;
  /** Canonical path searched: a directory, or one file. */
  readonly target: string;
  readonly targetIsFile: boolean;
  readonly pattern: string;
  readonly ignoreCase: boolean;
  /** Patterns may span lines and `.` matches newlines. */
  readonly multiline: boolean;
  readonly mode: 'files_with_matches' | 'content' | 'count';
  /** Context lines (content mode). */
  readonly before: number;
  readonly after: number;
  readonly globs: readonly string[];
  readonly type?: string | undefined;
  readonly signal: AbortSignal;
}

/** One line of a content result. */
export interface GrepLine {
  readonly line: number;
  readonly text: string;
  /** `false` for a context line. */
  readonly match: boolean;
}

/** A file with matches: `count` is its number of matching lines; `lines` is filled in content mode. */
export interface GrepFileResult {
  readonly path: string;
  readonly count: number;
  readonly lines: readonly GrepLine[];
}

/** A grep engine. */
export type GrepEngine = (query: GrepQuery) => Promise<GrepFileResult[]>;

/** An invalid pattern; the message says what is wrong. */
export class GrepPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrepPatternError';
  }
}

/**
 * Compiles a ripgrep-style pattern to a JavaScript RegExp: leading inline flags (`(?i)`, `(?s)`, `(?m)`)
 * become flags and `(?P<name>` becomes `(?<name>`. `.` always matches `\r` (as in Rust) via the `s` flag;
 * lines are matched one at a time unless `multiline`, so `.` cannot run past a line anyway.
 *
 * @throws GrepPatternError when the pattern is not a valid regular expression.
 */
export function compilePattern(
  pattern: string,
  options: { ignoreCase: boolean; multiline: boolean; global?: boolean },
): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let flags = 's';
  if (options.ignoreCase) flags += 'i';
  if (options.multiline) flags += 'm';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline?.[1]) {
    source = source.slice(inline[0].length);
    if (inline[1].includes('i') && !flags.includes('i')) flags += 'i';
    if (inline[1].includes('m') && !flags.includes('m')) flags += 'm';
  }
  if (options.global) flags += 'g';
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw new GrepPatternError(
        `Invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}. Escape special characters (e.g. \\( \\[ \\.) to search for them literally.`,
      );
    }
  }
}

/** Splits file text into lines as ripgrep does (`\n` terminators; a final newline ends the last line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A line as shown: without its `\r`. */
export function displayLine(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
