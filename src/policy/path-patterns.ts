/**
 * Matching `Read(…)`/`Edit(…)` path patterns against canonical paths, gitignore-style, and the paths whose
 * writing is protected in every mode.
 */
import picomatch from 'picomatch';
import type { NodeHelpers } from './paths.js';
import type { PathPattern } from './rules.js';
import { isWithin, type Workspace } from './workspace.js';

/** What a pattern is matched relative to. */
export interface MatchBase {
  readonly workspace: Workspace;
  readonly home: string;
}

const caseInsensitive =
  typeof process !== 'undefined' && (process.platform === 'darwin' || process.platform === 'win32');

const matcherCache = new Map<string, (path: string) => boolean>();

function matcher(glob: string): (path: string) => boolean {
  let match = matcherCache.get(glob);
  if (!match) {
    // A pattern naming a directory covers everything below it.
    match = picomatch([glob, `${glob}/**`], { dot: true, nocase: caseInsensitive });
    matcherCache.set(glob, match);
  }
  return match;
}

/**
 * Whether a path pattern matches an absolute path. `asAbsolute` lets a `/x` pattern also match `/x` on disk
 * (used for deny and ask rules). A pattern without an anchor (`.env`, `*.pem`) matches at any depth of the
 * root and of every additional directory: those are judged like the workspace.
 */
export function matchPath(
  pattern: PathPattern,
  absolute: string,
  context: MatchBase & { readonly asAbsolute: boolean },
  node: NodeHelpers,
): boolean {
  const relativeTo = (base: string): string | undefined => {
    if (!isWithin(node, base, absolute)) return undefined;
    return node.path.relative(base, absolute).split(node.path.sep).join('/') || '.';
  };
  const root = context.workspace.root;
  switch (pattern.anchor) {
    case 'absolute':
      return matcher(pattern.glob)(absolute);
    case 'home': {
      const relative = relativeTo(context.home);
      return relative !== undefined && (pattern.glob === '**' || matcher(pattern.glob)(relative));
    }
    case 'root':
    case 'root-or-absolute': {
      const relative = relativeTo(root);
      if (relative !== undefined && (pattern.glob === '**' || matcher(pattern.glob)(relative))) return true;
      return pattern.anchor === 'root-or-absolute' && context.asAbsolute && matcher(`/${pattern.glob}`)(absolute);
    }
    case 'anywhere':
      return [root, ...context.workspace.additional.map((dir) => dir.path)].some((base) => {
        const relative = relativeTo(base);
        return relative !== undefined && (pattern.glob === '**' || matcher(`**/${pattern.glob}`)(relative));
      });
  }
}

/**
 * Whether a pattern could match something below the directory `dir` (so a command that reads the whole
 * tree of `dir` may read a file the pattern names).
 */
export function couldMatchBelow(pattern: PathPattern, dir: string, context: MatchBase, node: NodeHelpers): boolean {
  const { root } = context.workspace;
  if (pattern.anchor === 'anywhere')
    return [root, ...context.workspace.additional.map((granted) => granted.path)].some(
      (base) => isWithin(node, base, dir) || isWithin(node, dir, base),
    );
  const base = pattern.anchor === 'absolute' ? '/' : pattern.anchor === 'home' ? context.home : root;
  const segments: string[] = [];
  for (const segment of pattern.glob.split('/')) {
    if (/[*?[\]{}()!+@]/.test(segment)) break;
    segments.push(segment);
  }
  const prefix = node.path.join(base, ...segments);
  return isWithin(node, dir, prefix) || isWithin(node, prefix, dir);
}

/** Directories and files whose change runs code or changes the agent: never written without an explicit rule. */
const PROTECTED_DIRS = ['.git', '.icode'];
const PROTECTED_FILES =
  /^\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|cshrc|tcshrc|kshrc)$/;

/** Why writing this canonical path is protected, or `undefined`. */
export function protectedReason(absolute: string, node: NodeHelpers): string | undefined {
  const parts = absolute.split(node.path.sep);
  const lower = parts.map((part) => part.toLowerCase());
  // Case-insensitive on purpose: on macOS and Windows `.GIT/config` is `.git/config` (Cursor CVE-2025-59944).
  const dir = PROTECTED_DIRS.find((name) => lower.slice(0, -1).includes(name) || lower.at(-1) === name);
  if (dir) return `${dir}/ is protected: writing it can run code (git hooks, configuration) or change the agent`;
  const base = lower.at(-1) ?? '';
  if (PROTECTED_FILES.test(base))
    return `${parts.at(-1)} is a shell startup file: writing it runs code in every later shell`;
  if (base === 'authorized_keys' || base === 'authorized_keys2') return 'authorized_keys grants remote logins';
  return undefined;
}
