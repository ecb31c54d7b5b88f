/**
 * Which files a search looks at, shared by both grep engines and by glob so they agree: ripgrep's rules,
 * written down once.
 *
 * - `.gitignore`, `.ignore` and `.rgignore` files apply from the workspace root down, whether or not the
 *   workspace is a git repository; ignore files above the root and git's global excludes do not (the
 *   workspace is the boundary, and results must not depend on the host's configuration).
 * - `glob` filters are gitignore-style globs relative to the search path (`*.ts` matches at any depth,
 *   `!vendor/**` excludes); like `rg --glob`, a matching glob wins over ignore files.
 * - Hidden files are searched; `.git` never is; symbolic links are not followed.
 */
import type { Dirent } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { readRegularFileSync } from '../../../sandbox/fs-regular-file.js';
import { FILE_TYPES } from './rg-types.js';

/** Names of the ignore files read in each directory, lowest precedence first. */
export const IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'] as const;

/** Override glob always added last, so no user glob can bring `.git` into a search. */
export const GIT_DIR_GLOB = '!.git';

/** The ignore rules of one directory. */
export interface IgnoreLevel {
  /** Absolute directory the rules are relative to. */
  readonly dir: string;
  readonly rules: Ignore;
}

/** Reads the ignore files of `dir` (symlinked ignore files are skipped: they could point outside). */
export async function loadIgnoreLevel(dir: string): Promise<IgnoreLevel | undefined> {
  const texts: string[] = [];
  for (const name of IGNORE_FILES) {
    const file = path.join(dir, name);
    try {
      // Opened non-blocking and judged on the handle: a FIFO named .gitignore must not hang the search.
      texts.push(readRegularFileSync(file).toString('utf8'));
    } catch {
      // No such file, or unreadable: nothing to apply.
    }
  }
  return levelOf(dir, texts);
}

/**
 * {@link loadIgnoreLevel} for a walk that has just listed `dir`: only ignore files that are there (as
 * regular files) are read, synchronously; a walk calls it once per directory and yields between batches.
 */
export function loadIgnoreLevelFromEntries(dir: string, entries: readonly Dirent[]): IgnoreLevel | undefined {
  const texts: string[] = [];
  for (const name of IGNORE_FILES) {
    if (!entries.some((entry) => entry.name === name && entry.isFile())) continue;
    try {
      texts.push(readRegularFileSync(path.join(dir, name)).toString('utf8'));
    } catch {
      // Unreadable: nothing to apply.
    }
  }
  return levelOf(dir, texts);
}

function levelOf(dir: string, texts: readonly string[]): IgnoreLevel | undefined {
  if (texts.length === 0) return undefined;
  return { dir, rules: ignore({ ignorecase: false }).add(texts.join('\n')) };
}

/**
 * The ignore levels of the directories from `root` down to the parent of `searchDir` (not `searchDir`).
 * None when those rules ignore `searchDir` itself: a directory searched by name is searched, as with
 * `rg pattern node_modules/pkg`, even though `.gitignore` lists `node_modules/`.
 */
export async function ancestorLevels(root: string, searchDir: string): Promise<IgnoreLevel[]> {
  const levels: IgnoreLevel[] = [];
  const relative = path.relative(root, searchDir);
  if (relative === '' || relative.startsWith('..')) return levels;
  const parts = relative.split(path.sep);
  for (let i = 0; i < parts.length; i++) {
    const level = await loadIgnoreLevel(path.join(root, ...parts.slice(0, i)));
    if (level) levels.push(level);
  }
  return isIgnored(levels, searchDir, true) ? [] : levels;
}

/** Whether the deepest ignore level with an opinion about `absolute` ignores it. */
export function isIgnored(levels: readonly IgnoreLevel[], absolute: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (!level) continue;
    const relative = toPosix(path.relative(level.dir, absolute));
    if (relative === '' || relative.startsWith('..')) continue;
    const verdict = level.rules.test(isDir ? `${relative}/` : relative);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** `rg --glob` semantics: a match decides (last glob wins); with any include glob, unmatched files are out. */
export class GlobOverrides {
  private readonly rules: Ignore;
  private readonly hasIncludes: boolean;

  constructor(globs: readonly string[]) {
    const all = [...globs.flatMap(expandBraces), GIT_DIR_GLOB];
    this.hasIncludes = all.some((glob) => !glob.startsWith('!'));
    // Inverted on purpose: an include glob is an "ignore" pattern of this matcher, an exclude its negation.
    this.rules = ignore({ ignorecase: false, allowRelativePaths: true }).add(all);
  }

  /** `relative` is posix and relative to the search directory. */
  match(relative: string, isDir: boolean): 'include' | 'exclude' | 'none' {
    const verdict = this.rules.test(isDir ? `${relative}/` : relative);
    if (verdict.ignored) return 'include';
    if (verdict.unignored) return 'exclude';
    return this.hasIncludes && !isDir ? 'exclude' : 'none';
  }
}

/**
 * A matcher for a grep `type` (ripgrep's names: ts, js, py, rust, go, …), on base names.
 *
 * @throws Error listing the known types when `type` is unknown.
 */
export function typeMatcher(type: string): (baseName: string) => boolean {
  const globs = FILE_TYPES[type];
  if (!globs)
    throw new Error(
      `Unknown file type "${type}". Known types: ${Object.keys(FILE_TYPES).join(', ')}. Or filter with glob (e.g. "*.ext").`,
    );
  return picomatch([...globs], { dot: true });
}

/** Everything that decides whether the walk keeps a path. */
export interface WalkFilter {
  readonly overrides: GlobOverrides;
  readonly type?: (baseName: string) => boolean;
}

/**
 * Whether a walked entry is kept, given the ignore levels from the search directory down to its parent.
 * Mirrors ripgrep: a glob match decides first, then ignore files, then the type.
 */
export function keepEntry(
  filter: WalkFilter,
  levels: readonly IgnoreLevel[],
  absolute: string,
  relative: string,
  isDir: boolean,
): boolean {
  const override = filter.overrides.match(relative, isDir);
  if (override === 'exclude') return false;
  if (override === 'include') return true;
  if (isIgnored(levels, absolute, isDir)) return false;
  if (!isDir && filter.type && !filter.type(path.basename(absolute))) return false;
  return true;
}

/**
 * Drops results that ignore files between the workspace root and the search directory exclude (both
 * engines walk from the search directory, so those rules are applied here, the same way for both).
 */
export function keepForAncestors(
  filter: WalkFilter,
  ancestors: readonly IgnoreLevel[],
  absolute: string,
  relativeToSearch: string,
): boolean {
  if (ancestors.length === 0) return true;
  if (filter.overrides.match(relativeToSearch, false) === 'include') return true;
  return !isIgnored(ancestors, absolute, false);
}

/** `*.{ts,tsx}` → `*.ts`, `*.tsx` (gitignore patterns have no braces; ripgrep globs do). */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open === -1) return [glob];
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) {
      const inner = glob.slice(open + 1, i);
      const options: string[] = [];
      let level = 0;
      let start = 0;
      for (let k = 0; k < inner.length; k++) {
        if (inner[k] === '{') level++;
        else if (inner[k] === '}') level--;
        else if (inner[k] === ',' && level === 0) {
          options.push(inner.slice(start, k));
          start = k + 1;
        }
      }
      options.push(inner.slice(start));
      const head = glob.slice(0, open);
      const tail = glob.slice(i + 1);
      return options.flatMap((option) => expandBraces(head + option + tail));
    }
  }
  return [glob];
}

/** `path.sep` → `/`. */
export function toPosix(value: string): string {
  return path.sep === '/' ? value : value.split(path.sep).join('/');
}
