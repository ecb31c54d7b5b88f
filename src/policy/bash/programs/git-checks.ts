/**
 * The checks of git's read-only subcommands: which paths each reads (a `REV:path`, the whole tree for
 * patches, an object by hash) and which arguments make it a write.
 */
import { literal, type ProgramContext } from './spec.js';

/** `REV:path` operands read `path` from history; anything else is a revision or a pathspec. */
export function revPaths({ parsed, verdict }: ProgramContext): void {
  for (const { word } of parsed.operands) {
    const value = word.value;
    if (value === undefined) {
      verdict.reads.push(word);
      continue;
    }
    const colon = value.indexOf(':');
    if (colon >= 0 && !value.startsWith(':/')) verdict.reads.push({ ...word, value: value.slice(colon + 1) || '.' });
    else if (value.startsWith('/') || value.startsWith('~') || value.startsWith('..')) verdict.reads.push(word);
  }
}

/** Commands that print the content of history or of the working tree read the whole tree. */
export function wholeTree(context: ProgramContext): void {
  revPaths(context);
  context.verdict.recursiveReads.push(literal('.'));
}

/** `git diff --no-index A B` reads two paths anywhere; otherwise the whole tree. */
export function diffCheck(context: ProgramContext): void {
  const { parsed, verdict } = context;
  if (parsed.options.some((o) => o.def.name === 'no-index')) {
    verdict.recursiveReads.push(...parsed.operands.map((o) => o.word));
    return;
  }
  wholeTree(context);
}

/** `git log` reads contents only with a patch or a diff statistic; names otherwise. */
export function logCheck(context: ProgramContext): void {
  revPaths(context);
  const contentOptions = new Set([
    'p',
    'patch',
    'stat',
    'numstat',
    'shortstat',
    'dirstat',
    'S',
    'G',
    'L',
    'word-diff',
    'patch-with-stat',
    'patch-with-raw',
    'cc',
    'c',
    'm',
    'full-diff',
    'color-words',
    'compact-summary',
    'check',
    'find-object',
    'dirstat-by-file',
    'cumulative',
    'X',
    'unified',
    'U',
    'function-context',
    'W',
  ]);
  if (context.parsed.options.some((o) => contentOptions.has(o.def.name)))
    context.verdict.recursiveReads.push(literal('.'));
}

/**
 * `git cat-file` prints any object of the repository: `REV:path` reads `path`, but a bare object name (or a
 * list of them on stdin, `--batch…`) may be the blob of any file, so what it reads is unknown. Only the type,
 * size or existence (`-t`, `-s`, `-e`) prints no content.
 */
export function catFileCheck(context: ProgramContext): void {
  revPaths(context);
  const { parsed, verdict } = context;
  if (parsed.options.some((o) => o.def.name === 't' || o.def.name === 's' || o.def.name === 'e')) return;
  const byName =
    parsed.options.some((o) => o.def.name.startsWith('batch')) ||
    parsed.operands.some(({ word }) => word.value === undefined || !word.value.includes(':'));
  if (byName) verdict.reads.push(UNKNOWN_OBJECT);
}

/** An object named by its hash: the file it holds is only known when the command runs. */
const UNKNOWN_OBJECT = { value: undefined, text: 'an object named by its hash', glob: false, brace: false };

/** `git blame FILE` reads FILE; `--contents=F` reads F too. */
export function blameCheck({ parsed, verdict }: ProgramContext): void {
  for (const { word } of parsed.operands) verdict.reads.push(word);
}

/** `git grep` reads the whole tree, `--no-index` the operands wherever they are. */
export function grepCheck({ parsed, verdict }: ProgramContext): void {
  const patternGiven = parsed.options.some((o) => o.def.name === 'e' || o.def.name === 'f');
  const paths = parsed.operands.slice(patternGiven ? 0 : 1).map((o) => o.word);
  verdict.recursiveReads.push(...(paths.length > 0 ? paths : [literal('.')]));
  if (!parsed.options.some((o) => o.def.name === 'no-index')) verdict.recursiveReads.push(literal('.'));
}

/** `git branch`/`git tag` only list: a name is a pattern only after `--list`/`-l`. */
export function listingOnly(what: string) {
  return ({ parsed, verdict }: ProgramContext): void => {
    const listing = parsed.options.some((o) => o.def.name === 'list');
    if (parsed.operands.length > 0 && !listing) verdict.problems.push(`git ${what} with a name creates or changes it`);
  };
}

/** Only `git remote` and `git remote -v`. */
export function remoteCheck({ parsed, verdict }: ProgramContext): void {
  if (parsed.operands.length > 0)
    verdict.problems.push('git remote with a subcommand can change remotes or use the network');
}

/** The first operand must be one of these read-only actions. */
export function actions(what: string, allowed: readonly string[], none: boolean) {
  return ({ parsed, verdict }: ProgramContext): void => {
    const first = parsed.operands[0]?.word.value;
    if (first === undefined ? !none || parsed.operands.length > 0 : !allowed.includes(first))
      verdict.problems.push(`git ${what} ${first ?? ''} changes the repository`.replace('  ', ' '));
  };
}

/**
 * `git config`: only explicit reads (`--get`, `--get-all`, `--get-regexp`, `--list`, and the `get`/`list`
 * subcommands of newer git) with display flags. `-z`, `--show-origin` or `--name-only` alone are not reads:
 * `git config -z KEY VALUE` writes.
 */
export function configCheck({ parsed, verdict }: ProgramContext): void {
  const reads = parsed.options.filter((o) => ['get', 'get-all', 'get-regexp', 'list'].includes(o.def.name));
  const first = parsed.operands[0]?.word.value;
  const sub = first === 'get' || first === 'list' ? first : undefined;
  if (reads.length + (sub ? 1 : 0) !== 1) {
    verdict.problems.push(
      'git config without exactly one of --get, --get-all, --get-regexp, --list may write configuration',
    );
    // The file it would write: --file F, else the repository's configuration.
    const file = parsed.options.find((o) => o.def.name === 'file')?.value;
    const scope = parsed.options.find((o) => ['global', 'system'].includes(o.def.name));
    verdict.writes.push(
      file ?? literal(scope ? (scope.def.name === 'global' ? '~/.gitconfig' : '/etc/gitconfig') : '.git/config'),
    );
    verdict.reads.length = 0;
    return;
  }
  const max = sub === 'list' || reads[0]?.def.name === 'list' ? 0 : 2;
  if (parsed.operands.length - (sub ? 1 : 0) > max)
    verdict.problems.push('git config with extra operands may write configuration');
}
