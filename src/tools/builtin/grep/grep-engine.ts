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
 * Compiles a ripgrep-style pattern to a JavaScript RegExp that matches what ripgrep matches:
 * - leading inline flags (`(?i)`, `(?m)`, `(?s)`) become flags; `(?P<name>` becomes `(?<name>`;
 * - `\w`, `\d` and `\b` are Unicode-aware, as in Rust (JavaScript's are ASCII-only); POSIX classes
 *   (`[[:alpha:]]`) and `\A` / `\z` are spelled out;
 * - `.` matches `\r` (the `s` flag; lines are matched one at a time unless `multiline`).
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
    return new RegExp(unicodeSource(source), `${flags}u`);
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

/**
 * Refuses a `\n` outside a character class unless `multiline` is set, as ripgrep does: matching line by
 * line, it could never match.
 *
 * @throws GrepPatternError saying to set `multiline`.
 */
export function assertFitsLineMode(pattern: string, multiline: boolean): void {
  if (multiline) return;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (pattern[i + 1] === 'n' && !inClass) {
        throw new GrepPatternError(
          `The pattern ${JSON.stringify(pattern)} contains \\n, which only matches with multiline: true. Set multiline, or search for one line.`,
        );
      }
      i++;
    } else if (ch === '[' && !inClass) {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (ch === ']') inClass = false;
  }
}

const WORD = '\\p{L}\\p{M}\\p{N}\\p{Pc}';
const POSIX: Readonly<Record<string, string>> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: 'A-Za-z0-9_',
  xdigit: '0-9A-Fa-f',
};

/** Rewrites Rust's Unicode-aware escapes into their `u`-flag JavaScript equivalents. */
function unicodeSource(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (next === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (next === 'W' && !inClass) out += `[^${WORD}]`;
      else if (next === 'd') out += inClass ? '\\p{Nd}' : '[\\p{Nd}]';
      else if (next === 'D' && !inClass) out += '[^\\p{Nd}]';
      else if (next === 'b' && !inClass) out += `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
      else if (next === 'B' && !inClass) out += `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      else if (next === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (next === 'z' && !inClass) out += '(?![\\s\\S])';
      else out += `\\${next}`;
      continue;
    }
    if (inClass && ch === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      const name = close === -1 ? undefined : source.slice(i + 2, close);
      const spelled = name === undefined ? undefined : POSIX[name];
      if (spelled !== undefined) {
        out += spelled;
        i = close + 1;
        continue;
      }
    }
    if (ch === '[' && !inClass) {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
      continue;
    }
    if (ch === ']' && inClass) inClass = false;
    out += ch;
  }
  return out;
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
