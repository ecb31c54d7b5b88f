/**
 * The data table of read-only programs. A program is read-only only when it is listed here, called by its
 * bare name (never `./cat` or `/tmp/cat`), and its guard (if any) accepts the arguments. Everything else is
 * not read-only, which only costs a prompt.
 */
import { hasFlag, operands } from './args.js';
import { awkGuard, fdGuard, findGuard, gitGuard, rgGuard, sedGuard } from './guards.js';
import type { BashWord } from './words.js';

/**
 * Which arguments name files the program reads (so path rules see them): every operand, the operands after
 * a leading pattern (`grep PATTERN FILE…`), the leading operands (`find DIR… EXPR`), or none (`echo`).
 * Whatever the mode, words that look like paths outside the workspace (`/…`, `~…`, `../…`) are reads too,
 * except for `none`.
 */
export type PathMode = 'operands' | 'after-pattern' | 'find' | 'outside-only' | 'none';

/** One read-only program. */
export interface ReadOnlyProgram {
  readonly paths: PathMode;
  /** Why these arguments make the call not read-only; `undefined` when they are fine. */
  readonly guard?: (args: readonly BashWord[]) => string | undefined;
  /**
   * Whether its safety depends on its arguments: such programs are never read-only under `xargs` (stdin
   * can add `-delete`) nor with unquoted globs (a file named `--pre=sh` becomes a flag).
   */
  readonly argSensitive?: boolean;
}

const reject =
  (long: readonly string[], short: string, what: string) =>
  (args: readonly BashWord[]): string | undefined =>
    hasFlag(args, long, short) ? what : undefined;

const operandLimit =
  (max: number, what: string) =>
  (args: readonly BashWord[]): string | undefined =>
    operands(args).length > max ? what : undefined;

const FILES: ReadOnlyProgram = { paths: 'operands' };
const PATTERN_THEN_FILES: ReadOnlyProgram = { paths: 'after-pattern' };
const NO_FILES: ReadOnlyProgram = { paths: 'none' };

/** The read-only programs. Extend by editing this table; every entry is a promise. */
export const READ_ONLY_PROGRAMS: Readonly<Record<string, ReadOnlyProgram>> = {
  cat: FILES,
  head: FILES,
  tail: FILES,
  wc: FILES,
  ls: FILES,
  dir: FILES,
  vdir: FILES,
  stat: FILES,
  nl: FILES,
  tac: FILES,
  rev: FILES,
  cut: FILES,
  paste: FILES,
  fold: FILES,
  fmt: FILES,
  column: FILES,
  comm: FILES,
  join: FILES,
  diff: FILES,
  cmp: FILES,
  expand: FILES,
  unexpand: FILES,
  md5sum: FILES,
  sha1sum: FILES,
  sha224sum: FILES,
  sha256sum: FILES,
  sha384sum: FILES,
  sha512sum: FILES,
  b2sum: FILES,
  cksum: FILES,
  sum: FILES,
  strings: FILES,
  od: FILES,
  hexdump: FILES,
  readlink: FILES,
  realpath: FILES,
  du: FILES,
  df: FILES,
  grep: PATTERN_THEN_FILES,
  egrep: PATTERN_THEN_FILES,
  fgrep: PATTERN_THEN_FILES,
  jq: PATTERN_THEN_FILES,
  file: { paths: 'operands', guard: reject(['--compile'], 'C', 'file -C writes a magic file'), argSensitive: true },
  // `tree -R` runs tree again in every directory with `-o 00Tree.html`.
  tree: { paths: 'operands', guard: reject(['--output'], 'oR', 'tree -o/-R writes files'), argSensitive: true },
  uniq: { paths: 'operands', guard: operandLimit(1, 'uniq with an output operand writes a file'), argSensitive: true },
  sort: {
    paths: 'operands',
    guard: reject(['--output', '--compress-program'], 'o', 'sort -o/--compress-program writes files or runs programs'),
    argSensitive: true,
  },
  shuf: { paths: 'operands', guard: reject(['--output'], 'o', 'shuf -o writes a file'), argSensitive: true },
  base64: { paths: 'operands', guard: reject(['--output'], 'o', 'base64 -o writes a file'), argSensitive: true },
  tr: NO_FILES,
  echo: NO_FILES,
  printf: {
    paths: 'none',
    guard: reject([], 'v', 'printf -v assigns a variable (and evaluates subscripts)'),
    argSensitive: true,
  },
  pwd: NO_FILES,
  true: NO_FILES,
  false: NO_FILES,
  ':': NO_FILES,
  // `-v 'a[$(cmd)]'` evaluates an array subscript, which runs the substitution.
  test: { paths: 'none', guard: reject([], 'vR', 'test -v evaluates array subscripts'), argSensitive: true },
  '[': { paths: 'none', guard: reject([], 'vR', 'test -v evaluates array subscripts'), argSensitive: true },
  basename: NO_FILES,
  dirname: NO_FILES,
  whoami: NO_FILES,
  id: NO_FILES,
  groups: NO_FILES,
  uname: NO_FILES,
  arch: NO_FILES,
  nproc: NO_FILES,
  tty: NO_FILES,
  locale: NO_FILES,
  getconf: NO_FILES,
  uptime: NO_FILES,
  free: NO_FILES,
  cal: NO_FILES,
  seq: NO_FILES,
  expr: NO_FILES,
  sleep: NO_FILES,
  which: NO_FILES,
  type: NO_FILES,
  whereis: NO_FILES,
  printenv: NO_FILES,
  ps: NO_FILES,
  date: { paths: 'none', guard: reject(['--set', '--file'], 'sf', 'date -s sets the clock'), argSensitive: true },
  hostname: {
    paths: 'none',
    guard: (args) =>
      args.every((word) =>
        [
          '-f',
          '-s',
          '-i',
          '-I',
          '-d',
          '-A',
          '-a',
          '--fqdn',
          '--short',
          '--ip-address',
          '--all-ip-addresses',
          '--domain',
          '--long',
        ].includes(word.value ?? ''),
      )
        ? undefined
        : 'hostname with a name or file sets the host name',
    argSensitive: true,
  },
  git: { paths: 'outside-only', guard: gitGuard, argSensitive: true },
  find: { paths: 'find', guard: findGuard, argSensitive: true },
  rg: { paths: 'after-pattern', guard: rgGuard, argSensitive: true },
  fd: { paths: 'outside-only', guard: fdGuard, argSensitive: true },
  fdfind: { paths: 'outside-only', guard: fdGuard, argSensitive: true },
  sed: { paths: 'after-pattern', guard: sedGuard, argSensitive: true },
  awk: { paths: 'after-pattern', guard: awkGuard, argSensitive: true },
  gawk: { paths: 'after-pattern', guard: awkGuard, argSensitive: true },
  mawk: { paths: 'after-pattern', guard: awkGuard, argSensitive: true },
};

/** Programs that start a shell on a script given inline (`-c`), so the script is analysed recursively. */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);

/** Interpreters: inline code (`-c`, `-e`) or code on stdin is never read-only. */
export const INTERPRETERS: ReadonlySet<string> = new Set([
  ...SHELLS,
  'fish',
  'csh',
  'tcsh',
  'python',
  'python2',
  'python3',
  'node',
  'nodejs',
  'deno',
  'bun',
  'perl',
  'ruby',
  'php',
  'lua',
  'tclsh',
  'osascript',
  'pwsh',
  'Rscript',
]);

/** Shell builtins and keywords that run or load code the analysis cannot see. */
export const CODE_RUNNERS: ReadonlySet<string> = new Set([
  'eval',
  'source',
  '.',
  'exec',
  'trap',
  'alias',
  'unalias',
  'enable',
  'builtin',
  'let',
  'read',
  'mapfile',
  'readarray',
  'shopt',
  'set',
  'hash',
  'fc',
  'history',
  'bind',
  'complete',
  'coproc',
]);

/**
 * Words that name the paths a program reads, from its arguments (after any `--flag=value` split).
 */
export function readPaths(
  program: ReadOnlyProgram,
  args: readonly BashWord[],
  isOutside: (value: string) => boolean,
): BashWord[] {
  if (program.paths === 'none') return [];
  const found = new Set<BashWord>();
  const ops = operands(args);
  if (program.paths === 'operands') ops.forEach((word) => found.add(word));
  if (program.paths === 'after-pattern') {
    const patternGiven = hasFlag(args, ['--regexp', '--file', '--files', '--expression'], 'ef');
    (patternGiven ? ops : ops.slice(1)).forEach((word) => found.add(word));
  }
  if (program.paths === 'find') {
    const leading: BashWord[] = [];
    for (const word of args) {
      const value = word.value;
      if (value !== undefined && (value.startsWith('-') || value === '(' || value === '!')) break;
      leading.push(word);
    }
    leading.forEach((word) => found.add(word));
  }
  for (const word of args) if (word.value === undefined || isOutside(word.value)) found.add(word);
  return [...found];
}
