/**
 * The workspace's ignore rules, captured once: when a shadow repository is created, every `.gitignore` of
 * the workspace and the user's `.git/info/exclude` are rewritten as root-anchored patterns into one file of
 * the shadow repository, and snapshots use that file from then on. Ignore files written later (by the agent
 * among others) never change what a snapshot records: a model that writes `*` into `.gitignore` cannot hide
 * the files it deletes next.
 *
 * @packageDocumentation
 */
import { lstat, link, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git, splitNul, type GitTarget } from './git-runner.js';

/** The file in a shadow repository that holds the captured rules. */
const CAPTURED = 'icode-workspace-ignores';

/** Escapes what is special in a gitignore glob, so a directory name matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The lines of a `.gitignore` found in directory `dir` (relative to the root, `/`-separated, `''` for the
 * root), rewritten to mean the same in a root-level exclude file:
 * - a pattern with a slash before its end is relative to `dir`: `/dir/` is put in front;
 * - a pattern without one matches a name at any depth below `dir`: `/dir/`, then a `**` segment, is put
 *   in front;
 * - `!` (re-include) is kept in front; comments and blank lines are dropped.
 *
 * Later lines win in one file, as deeper files win over shallower ones in git, so the files are
 * concatenated from the root down. Directory names are escaped, so `weird[dir]` matches only itself.
 *
 * @example
 * ```ts
 * rebaseIgnoreRules('pkg', '/build\nlib/gen.ts\n'); // ['/pkg/build', '/pkg/lib/gen.ts']
 * ```
 */
export function rebaseIgnoreRules(dir: string, content: string): string[] {
  const out: string[] = [];
  const prefix = dir === '' ? '' : `/${dir.split('/').map(escapeGlob).join('/')}/`;
  for (const raw of content.replace(/^\uFEFF/, '').split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (prefix === '') {
      out.push(line);
      continue;
    }
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    // git trims unescaped trailing spaces, then a trailing slash means "directories only".
    const trimmed = pattern.replace(/(?<!\\) +$/, '');
    const body = trimmed.endsWith('/') ? trimmed.slice(0, -1) : trimmed;
    if (body === '') continue;
    const anchored = body.includes('/') ? `${prefix}${pattern.replace(/^\//, '')}` : `${prefix}**/${pattern}`;
    out.push(negated ? `!${anchored}` : anchored);
  }
  return out;
}

async function readRegular(file: string): Promise<string | undefined> {
  try {
    // git does not follow a symlinked ignore file either.
    if (!(await lstat(file)).isFile()) return undefined;
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Reads the workspace's ignore files now, as one root-anchored exclude text. `own` are the snapshot's own
 * patterns, which the walk honours too (the exclude file may not be written yet).
 */
async function captureIgnores(
  target: GitTarget,
  own: readonly string[],
  signal: AbortSignal | undefined,
): Promise<string> {
  const root = target.workTree;
  // The files git itself would read: not inside ignored directories, nested repositories or `.git/`.
  const { stdout } = await git(target, {
    args: [
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      ...own.map((pattern) => `--exclude=${pattern}`),
    ],
    signal,
  });
  const files = splitNul(stdout)
    .filter((file) => file === '.gitignore' || file.endsWith('/.gitignore'))
    .map((file) => path.posix.dirname(file))
    .map((dir) => (dir === '.' ? '' : dir))
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
  const lines = ['# The workspace ignore rules as they were when this shadow repository was created; never re-read.'];
  const userExclude = await readRegular(path.join(root, '.git', 'info', 'exclude'));
  if (userExclude !== undefined) lines.push(...rebaseIgnoreRules('', userExclude));
  for (const dir of files) {
    const content = await readRegular(path.join(root, dir, '.gitignore'));
    if (content !== undefined) lines.push(...rebaseIgnoreRules(dir, content));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The captured ignore rules of the workspace: read from the shadow repository, or, when it holds none yet
 * (a new repository), `known` (rules captured earlier by the caller) or the workspace's files read now
 * (the walk bounded by `own`, the snapshot's own patterns),
 * stored there. Two processes capturing at once both store the same rules; the first to link its file wins.
 */
export async function workspaceIgnores(
  target: GitTarget,
  own: readonly string[],
  signal: AbortSignal | undefined,
  known?: string,
): Promise<string> {
  const file = path.join(target.gitDir, CAPTURED);
  const stored = await readRegular(file);
  if (stored !== undefined) return stored;
  const captured = known ?? (await captureIgnores(target, own, signal));
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, captured);
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
  return (await readRegular(file)) ?? captured;
}
