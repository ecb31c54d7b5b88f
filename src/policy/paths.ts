/**
 * Canonical paths for rule matching: a symlink to a denied file is the denied file. With a sandbox the
 * sandbox resolves (its `resolve` is the workspace boundary); outside the workspace, and without a sandbox,
 * a lazily imported Node helper takes the realpath of the deepest existing ancestor.
 */
import picomatch from 'picomatch';
import { AgentError } from '../errors/agent-error.js';
import type { Sandbox } from '../sandbox/types.js';
import type { PathPattern } from './rules.js';

/** A path as the policy judges it. */
export interface ResolvedPath {
  /** As the tool or command gave it. */
  readonly original: string;
  /** Absolute, `..` collapsed, symlinks not followed. */
  readonly lexical: string;
  /** Absolute with every existing symlink followed. */
  readonly canonical: string;
  /** Whether the canonical path is inside the canonical workspace root. */
  readonly inside: boolean;
  /** Whether it is an existing directory. */
  readonly directory: boolean;
}

interface NodeHelpers {
  readonly path: typeof import('node:path');
  readonly realpath: (path: string) => Promise<string>;
  readonly isDirectory: (path: string) => Promise<boolean>;
  readonly home: string;
}

let helpers: Promise<NodeHelpers> | undefined;

/** `node:path`, `node:fs` and the home directory, loaded on first use. */
export function nodeHelpers(): Promise<NodeHelpers> {
  helpers ??= (async () => {
    const [path, fs, os] = await Promise.all([import('node:path'), import('node:fs/promises'), import('node:os')]);
    return {
      path,
      realpath: (p: string) => fs.realpath(p),
      isDirectory: (p: string) =>
        fs.stat(p).then(
          (stat) => stat.isDirectory(),
          () => false,
        ),
      home: os.homedir(),
    };
  })();
  return helpers;
}

/** Realpath of the deepest existing ancestor, plus the rest: what the path will be once created. */
async function canonicalize(absolute: string, node: NodeHelpers): Promise<string> {
  const { path } = node;
  let current = absolute;
  const rest: string[] = [];
  for (let hops = 0; hops < 4096; hops++) {
    try {
      const real = await node.realpath(current);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) break;
      rest.push(path.basename(current));
      current = parent;
    }
  }
  return absolute;
}

/** Whether `target` is `base` or inside it (never a string-prefix test: `/ws-evil` is not in `/ws`). */
export function isWithin(node: NodeHelpers, base: string, target: string): boolean {
  const relative = node.path.relative(base, target);
  return relative === '' || (!relative.startsWith('..') && !node.path.isAbsolute(relative));
}

/** Resolves the workspace root once (canonical). */
export async function canonicalRoot(root: string | undefined, sandbox: Sandbox | undefined): Promise<string> {
  const node = await nodeHelpers();
  if (sandbox) return sandbox.root;
  return canonicalize(node.path.resolve(root ?? process.cwd()), node);
}

/** Resolves one path for rule matching. `base` is the directory a relative path starts from. */
export async function resolvePath(
  original: string,
  intent: 'read' | 'write',
  context: { readonly root: string; readonly sandbox?: Sandbox; readonly base?: string },
): Promise<ResolvedPath> {
  const node = await nodeHelpers();
  const expanded =
    original === '~' ? node.home : original.startsWith('~/') ? node.path.join(node.home, original.slice(2)) : original;
  const lexical = node.path.resolve(
    context.base ? node.path.resolve(context.root, context.base) : context.root,
    expanded,
  );
  let canonical: string | undefined;
  if (context.sandbox && !context.base) {
    try {
      canonical = await context.sandbox.resolve(original, intent);
    } catch (error) {
      // Outside the sandbox: still canonicalised below, so deny rules on outside paths hold.
      if (!AgentError.isInstance(error)) throw error;
    }
  }
  canonical ??= await canonicalize(lexical, node);
  return {
    original,
    lexical,
    canonical,
    inside: isWithin(node, context.root, canonical),
    directory: await node.isDirectory(canonical),
  };
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
 * (used for deny and ask rules).
 */
export function matchPath(
  pattern: PathPattern,
  absolute: string,
  context: { readonly root: string; readonly home: string; readonly asAbsolute: boolean },
  node: NodeHelpers,
): boolean {
  const relativeTo = (base: string): string | undefined => {
    if (!isWithin(node, base, absolute)) return undefined;
    return node.path.relative(base, absolute).split(node.path.sep).join('/') || '.';
  };
  switch (pattern.anchor) {
    case 'absolute':
      return matcher(pattern.glob)(absolute);
    case 'home': {
      const relative = relativeTo(node.home);
      return relative !== undefined && (pattern.glob === '**' || matcher(pattern.glob)(relative));
    }
    case 'root':
    case 'root-or-absolute': {
      const relative = relativeTo(context.root);
      if (relative !== undefined && (pattern.glob === '**' || matcher(pattern.glob)(relative))) return true;
      return pattern.anchor === 'root-or-absolute' && context.asAbsolute && matcher(`/${pattern.glob}`)(absolute);
    }
    case 'anywhere': {
      const relative = relativeTo(context.root);
      return relative !== undefined && (pattern.glob === '**' || matcher(`**/${pattern.glob}`)(relative));
    }
  }
}

/**
 * Whether a pattern could match something below the directory `dir` (so a command that reads the whole
 * tree of `dir` may read a file the pattern names).
 */
export function couldMatchBelow(
  pattern: PathPattern,
  dir: string,
  context: { readonly root: string; readonly home: string },
  node: NodeHelpers,
): boolean {
  if (pattern.anchor === 'anywhere') return isWithin(node, context.root, dir) || isWithin(node, dir, context.root);
  const base = pattern.anchor === 'absolute' ? '/' : pattern.anchor === 'home' ? context.home : context.root;
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
