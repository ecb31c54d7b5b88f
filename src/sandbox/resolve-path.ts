/**
 * Canonical path resolution for sandboxes: the security boundary of every file tool.
 *
 * @packageDocumentation
 */
import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import type { AccessIntent } from './types.js';

/** Pseudo file systems whose entries are magic links (`/proc/self/root`) or devices: never reachable. */
const SYSTEM_ROOTS = ['/proc', '/dev', '/sys'];

/** Platforms whose default file systems ignore case (APFS, NTFS). */
const CASE_INSENSITIVE = process.platform === 'darwin' || process.platform === 'win32';

/** The kernel's own limit on symlinks followed while resolving one path (`MAXSYMLINKS`). */
const MAX_SYMLINKS = 40;

/** What {@link resolveInRoot} needs to know about the sandbox. */
export interface ResolveOptions {
  /** Canonical (realpath) absolute root. */
  readonly root: string;
  /** The home directory a leading `~` stands for. */
  readonly home: string;
  /** Canonical absolute paths that `write` may not touch (the path itself and everything below it). */
  readonly protectedPaths: readonly string[];
}

/** Whether `target` is `base` or below it, by `path.relative` (never a string prefix). */
export function isWithin(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Turns what the model asked for into an absolute path, without touching the disk: a leading `~` (alone or
 * followed by `/`) is the home directory, relative paths are taken against the root. `$VARS`, `%2e` and
 * `~user` are ordinary characters of a file name.
 */
export function toAbsolute(input: string, root: string, home: string): string {
  if (input.includes('\0')) {
    throw new WorkspaceEscapeError({ path: input.replaceAll('\0', '\\0'), root, reason: 'it contains a NUL byte' });
  }
  // Joined as strings, not with path.join: a lexical `..` would cancel a symlink the kernel would follow.
  if (input === '~' || input.startsWith('~/')) return `${home}/${input.slice(1)}`;
  return path.isAbsolute(input) ? input : `${root}/${input}`;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function components(value: string): string[] {
  return value.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Walks `absolute` one component at a time from `/`, following every symlink as the kernel would (also a
 * dangling one: its target is where a write would land). Components that do not exist are appended as they
 * are. Returns the canonical path; does not check containment.
 */
async function canonicalize(absolute: string, onStep: (current: string) => void): Promise<string> {
  const pending = components(absolute);
  let current = '/';
  let followed = 0;
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    onStep(next);
    let isLink = false;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    if (!isLink) {
      current = next;
      continue;
    }
    if (++followed > MAX_SYMLINKS) {
      const error = new Error(`Too many levels of symbolic links resolving ${absolute}`) as NodeJS.ErrnoException;
      error.code = 'ELOOP';
      throw error;
    }
    const target = await readlink(next);
    if (path.isAbsolute(target)) current = '/';
    pending.unshift(...components(target));
  }
  return current;
}

/**
 * Resolves `input` to a canonical absolute path inside `options.root`, or throws `WorkspaceEscapeError`.
 * Re-run on every access: nothing is cached, so a symlink swapped in later is seen.
 */
export async function resolveInRoot(input: string, intent: AccessIntent, options: ResolveOptions): Promise<string> {
  const { root } = options;
  const absolute = toAbsolute(input, root, options.home);
  const refuseSystem = (candidate: string): void => {
    if (SYSTEM_ROOTS.some((system) => isWithin(system, candidate))) {
      throw new WorkspaceEscapeError({ path: input, root, reason: `${candidate} is a system pseudo file system` });
    }
  };
  refuseSystem(path.normalize(absolute));
  const canonical = await canonicalize(absolute, refuseSystem);
  if (!isWithin(root, canonical)) {
    const reason = canonical === path.normalize(absolute) ? undefined : `it resolves to ${canonical}`;
    throw new WorkspaceEscapeError({ path: input, root, ...(reason ? { reason } : {}) });
  }
  if (intent === 'write') {
    // On case-insensitive file systems `.GIT/config` is `.git/config`: compare folded there. Folding can
    // only widen what counts as protected, never let a write through.
    const fold = CASE_INSENSITIVE ? (value: string): string => value.toLowerCase() : (value: string): string => value;
    const hit = options.protectedPaths.find((entry) => isWithin(fold(entry), fold(canonical)));
    if (hit !== undefined) {
      throw new WorkspaceEscapeError({ path: input, root, reason: `${hit} is protected against writes` });
    }
  }
  return canonical;
}
