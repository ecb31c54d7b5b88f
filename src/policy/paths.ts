/**
 * Canonical paths for rule matching and the workspace boundary: a symlink to a denied file is the denied
 * file, and `link/..` is the parent of the link's target, as the kernel and the sandbox see it. With a
 * sandbox, the sandbox resolves (its `resolve` is the boundary of the file tools); outside it, and without
 * one, a lazily imported Node helper resolves like the kernel. Resolution never throws: a symlink loop, an
 * overlong name or a permission error comes back as `error`, which the policy refuses.
 */
import { AgentError } from '../errors/agent-error.js';
import type { Sandbox } from '../sandbox/types.js';
import { placeOf, type Place, type Workspace } from './workspace.js';

/** A path as the policy judges it. */
export interface ResolvedPath {
  /** As the tool or command gave it. */
  readonly original: string;
  /** Absolute, `..` collapsed, symlinks not followed: deny and ask rules also look at it. */
  readonly lexical: string;
  /** Absolute with every existing symlink followed, `..` taken after the link it follows (kernel order). */
  readonly canonical: string;
  /** Whether the canonical path is inside the canonical workspace root. */
  readonly inside: boolean;
  /** Where the canonical path lies: the root, an additional directory, a harmless device, or outside. */
  readonly place: Place;
  /** Outside, but only because a symlink leads there (the path as written stays inside). */
  readonly viaLink: boolean;
  /** Whether it is an existing directory. */
  readonly directory: boolean;
  /** Why it could not be resolved (a symlink loop, a name too long, no permission); judged as refused. */
  readonly error?: string;
}

/** The Node modules path resolution needs, loaded on first use so `icode/policy` stays runtime-neutral. */
export interface NodeHelpers {
  readonly path: typeof import('node:path');
  readonly realpath: (path: string) => Promise<string>;
  readonly lstat: (path: string) => Promise<{ isSymbolicLink(): boolean }>;
  readonly readlink: (path: string) => Promise<string>;
  readonly isDirectory: (path: string) => Promise<boolean>;
  /** The names in a directory; none when it cannot be read. */
  readonly readdir: (path: string) => Promise<string[]>;
  /** The entries of a directory, symlinks not followed; none when it cannot be read. */
  readonly readdirTyped: (
    path: string,
  ) => Promise<{ readonly name: string; readonly link: boolean; readonly directory: boolean }[]>;
  readonly home: string;
}

let helpers: Promise<NodeHelpers> | undefined;

/** `node:path`, `node:fs` and the home directory, loaded on first use. */
export function nodeHelpers(): Promise<NodeHelpers> {
  helpers ??= (async () => {
    const [path, fs, os] = await Promise.all([import('node:path'), import('node:fs'), import('node:os')]);
    // Synchronous calls on purpose: each is a few microseconds of the event loop, where the promise forms
    // cost a thread-pool round trip each, and a decision makes dozens of them (none opens a file, so none
    // can wait on a FIFO). Failures still arrive as rejected promises, as callers expect.
    const sync =
      <A extends unknown[], R>(call: (...args: A) => R) =>
      async (...args: A): Promise<R> =>
        call(...args);
    return {
      path,
      // realpath(3) (the `.native` form): components left to right, each symlink followed before the `..`
      // after it is taken, exactly as the kernel opens the path.
      realpath: sync((p: string) => fs.realpathSync.native(p)),
      lstat: sync((p: string) => fs.lstatSync(p)),
      readlink: sync((p: string) => fs.readlinkSync(p)),
      isDirectory: sync((p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false),
      readdir: sync((p: string) => {
        try {
          return fs.readdirSync(p);
        } catch {
          return [];
        }
      }),
      readdirTyped: sync((p: string) => {
        try {
          return fs.readdirSync(p, { withFileTypes: true }).map((entry) => ({
            name: entry.name,
            link: entry.isSymbolicLink(),
            directory: entry.isDirectory(),
          }));
        } catch {
          return [];
        }
      }),
      home: os.homedir(),
    };
  })();
  return helpers;
}

/** A resolution failure that is not "it does not exist yet". */
class Unresolvable extends Error {}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The failure in words, without the paths Node puts in its messages (they may name a link's target). */
export function describeFailure(error: unknown): string {
  const code = codeOf(error);
  switch (code) {
    case 'ELOOP':
      return 'it runs into a symlink loop (too many levels of symbolic links)';
    case 'ENAMETOOLONG':
      return 'its name is too long';
    case 'EACCES':
    case 'EPERM':
      return 'a directory on the way cannot be searched (permission denied)';
    default:
      return `it could not be resolved (${code ?? 'unexpected error'})`;
  }
}

const isMissing = (error: unknown): boolean => codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR';

/** The kernel's limit on symlinks followed while resolving one path (`MAXSYMLINKS`). */
const MAX_SYMLINKS = 40;

/**
 * The canonical form of an absolute path that was joined as a string (never `path.resolve`d, which would
 * cancel a symlink with the `..` after it). realpath(3) resolves exactly as the kernel opens a path; for a
 * path that does not exist (yet), the longest prefix that does is resolved so. A dangling symlink right
 * after it is followed (its target is where a write lands); the rest, where nothing exists to follow, is
 * appended with its `..` taken as they come (as the sandbox does).
 *
 * @throws Unresolvable for a loop, an overlong name or a permission error.
 */
async function canonicalize(absolute: string, node: NodeHelpers, hops = 0): Promise<string> {
  const parts = absolute.split('/').filter((part) => part !== '' && part !== '.');
  for (let keep = parts.length; keep >= 0; keep--) {
    let real: string;
    try {
      real = await node.realpath(`/${parts.slice(0, keep).join('/')}`);
    } catch (error) {
      if (!isMissing(error)) throw new Unresolvable(describeFailure(error));
      continue;
    }
    const missing = parts[keep];
    if (missing !== undefined && missing !== '..') {
      const target = await danglingTarget(node.path.join(real, missing), node);
      if (target !== undefined) {
        if (hops >= MAX_SYMLINKS) throw new Unresolvable(describeFailure({ code: 'ELOOP' }));
        const base = target.startsWith('/') ? target : `${real}/${target}`;
        return canonicalize([base, ...parts.slice(keep + 1)].join('/'), node, hops + 1);
      }
    }
    let current = real;
    for (const part of parts.slice(keep))
      current = part === '..' ? node.path.dirname(current) : node.path.join(current, part);
    return current;
  }
  return node.path.resolve(absolute);
}

/** The target of `path` when it is a symlink (one realpath could not follow), else `undefined`. */
async function danglingTarget(path: string, node: NodeHelpers): Promise<string | undefined> {
  try {
    return (await node.lstat(path)).isSymbolicLink() ? await node.readlink(path) : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw new Unresolvable(describeFailure(error));
  }
}

/** Linux's limits: no file system takes a longer name (`NAME_MAX`), no call a longer path (`PATH_MAX`). */
const NAME_MAX = 255;
const PATH_MAX = 4095;
const encoder = new TextEncoder();

/** Whether the kernel would refuse the path as too long, whether or not it exists. */
function tooLong(absolute: string): boolean {
  if (encoder.encode(absolute).length > PATH_MAX) return true;
  return absolute.split('/').some((part) => part.length > NAME_MAX / 4 && encoder.encode(part).length > NAME_MAX);
}

/** A path to an absolute string, `~` expanded, joined to `base` as a string (no lexical `..` collapse). */
export function joined(original: string, base: string, home: string): string {
  const expanded = original === '~' ? home : original.startsWith('~/') ? `${home}/${original.slice(2)}` : original;
  return expanded.startsWith('/') ? expanded : `${base}/${expanded}`;
}

/** Devices any program may read or write without reaching anyone's data. */
const HARMLESS_DEVICES = new Set([
  '/dev/null',
  '/dev/zero',
  '/dev/random',
  '/dev/urandom',
  '/dev/stdin',
  '/dev/stdout',
  '/dev/stderr',
  '/dev/tty',
  '/dev/fd/0',
  '/dev/fd/1',
  '/dev/fd/2',
]);

/** The canonical root of options or the process, as a sandbox would take it. Never throws. */
export async function canonicalDirectory(directory: string): Promise<string> {
  const node = await nodeHelpers();
  const absolute = directory.startsWith('/') ? directory : node.path.resolve(directory);
  try {
    return await canonicalize(absolute, node);
  } catch {
    return node.path.resolve(absolute);
  }
}

/**
 * Resolves one path for rule matching. `base` is the directory a relative path starts from (after `cd` in
 * a shell command), relative to the root. Never throws.
 */
export async function resolvePath(
  original: string,
  context: { readonly workspace: Workspace; readonly sandbox?: Sandbox; readonly base?: string },
): Promise<ResolvedPath> {
  const node = await nodeHelpers();
  const { workspace } = context;
  const start = context.base ? joined(context.base, workspace.root, node.home) : workspace.root;
  const absolute = joined(original, start, node.home);
  const lexical = node.path.resolve(absolute);
  const result = (canonical: string, refused: boolean, error?: string): ResolvedPath => {
    let place = placeOf(workspace, canonical, node);
    // The sandbox is the boundary of the file tools: what it refuses is not inside, whatever we found.
    if (refused && place === 'root') place = 'outside';
    const lexicalPlace = placeOf(workspace, lexical, node);
    return {
      original,
      lexical,
      canonical,
      inside: place === 'root',
      place,
      viaLink: place === 'outside' && lexicalPlace !== 'outside',
      directory: false,
      ...(error !== undefined ? { error } : {}),
    };
  };
  if (original.includes('\0')) return result(lexical, true, 'it contains a NUL byte');
  if (tooLong(absolute)) return result(lexical, true, describeFailure({ code: 'ENAMETOOLONG' }));
  if (HARMLESS_DEVICES.has(lexical)) return { ...result(lexical, false), place: 'device', viaLink: false };
  let canonical: string | undefined;
  let refused = false;
  if (context.sandbox && !context.base) {
    try {
      canonical = await context.sandbox.resolve(original, 'read');
    } catch (error) {
      // Outside the sandbox: still canonicalised below, so deny rules on outside paths hold and an
      // additional directory is recognised. Anything else (a loop, a name too long) is refused.
      if (!AgentError.isInstance(error)) return result(lexical, true, describeFailure(error));
      refused = true;
    }
  }
  try {
    canonical ??= await canonicalize(absolute, node);
  } catch (error) {
    return result(lexical, true, error instanceof Unresolvable ? error.message : describeFailure(error));
  }
  const resolved = result(canonical, refused);
  return { ...resolved, directory: await node.isDirectory(canonical) };
}
