/**
 * The directories file tools may reach: the workspace root (read-write) and the `additionalDirectories`
 * a sandbox was given, each canonical and remembered by identity (device and inode), so a base that is
 * replaced after the sandbox was made is refused rather than followed.
 *
 * @packageDocumentation
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { closeQuietly, DIR_FLAGS, errorCode, fsError, fstatFd, openFd, type HeldDir } from './fs-held-dir.js';
import { isWithin } from './fs-paths.js';
import type { AccessIntent, AdditionalDirectory } from './types.js';

/** A directory tree file tools may reach. */
export interface WorkspaceBase {
  /** Canonical absolute path. */
  readonly path: string;
  /** Whether writes are allowed below it. */
  readonly writable: boolean;
  readonly dev: number;
  readonly ino: number;
}

/** The canonical path and identity of a directory, for a sandbox factory; ConfigError when it is none. */
export function baseOf(entry: string, writable: boolean, what: string): WorkspaceBase {
  let canonical: string;
  try {
    canonical = realpathSync(path.resolve(entry));
  } catch (error) {
    throw new ConfigError(`${what} ${entry} does not exist.`, { cause: error });
  }
  const info = statSync(canonical);
  if (!info.isDirectory()) throw new ConfigError(`${what} ${entry} is not a directory.`);
  return { path: canonical, writable, dev: info.dev, ino: info.ino };
}

/**
 * The bases of a sandbox: the root first, then each additional directory (a string is read-only).
 *
 * @throws ConfigError for an additional directory that does not exist, is not a directory, or has an
 *   unknown access.
 */
export function additionalBases(entries: readonly AdditionalDirectory[] | undefined, factory: string): WorkspaceBase[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) throw new ConfigError(`${factory}: additionalDirectories must be an array.`);
  return entries.map((entry) => {
    const item = typeof entry === 'string' ? { path: entry, access: 'read' as const } : entry;
    if (typeof item?.path !== 'string' || item.path === '' || !path.isAbsolute(item.path)) {
      throw new ConfigError(`${factory}: each additional directory must be an absolute path.`);
    }
    if (item.access !== 'read' && item.access !== 'read-write') {
      throw new ConfigError(`${factory}: access of ${item.path} must be 'read' or 'read-write'.`);
    }
    return baseOf(item.path, item.access === 'read-write', `${factory}: additional directory`);
  });
}

/** The deepest base whose path is a lexical prefix of `absolute` (no `..` interpreted), if any. */
export function lexicalBase(
  bases: readonly WorkspaceBase[],
  absolute: string,
): { base: WorkspaceBase; rest: string } | undefined {
  let best: { base: WorkspaceBase; rest: string } | undefined;
  for (const base of bases) {
    const prefix = base.path === '/' ? '/' : `${base.path}/`;
    if (absolute !== base.path && !absolute.startsWith(prefix)) continue;
    if (!best || base.path.length > best.base.path.length) best = { base, rest: absolute.slice(base.path.length) };
  }
  return best;
}

/** The deepest base that contains the canonical path `target`, if any. */
export function containingBase(bases: readonly WorkspaceBase[], target: string): WorkspaceBase | undefined {
  let best: WorkspaceBase | undefined;
  for (const base of bases) {
    if (isWithin(base.path, target) && (!best || base.path.length > best.path.length)) best = base;
  }
  return best;
}

/** Whether `intent` is allowed at the canonical path `target`: any base for a read, a writable one for a write. */
export function allowedAt(bases: readonly WorkspaceBase[], target: string, intent: AccessIntent): boolean {
  return bases.some((base) => (intent === 'read' || base.writable) && isWithin(base.path, target));
}

/**
 * Opens a base and checks it is still the directory the sandbox was made with: a root renamed away and
 * replaced (by a directory or a link) is refused, never walked.
 */
export function openBase(base: WorkspaceBase): HeldDir {
  let fd: number;
  try {
    fd = openFd(base.path, DIR_FLAGS);
  } catch (error) {
    throw fsError(
      errorCode(error) ?? 'EIO',
      `The directory ${base.path} cannot be opened (${errorCode(error) ?? String(error)}).`,
    );
  }
  const info = fstatFd(fd);
  if (info.dev !== base.dev || info.ino !== base.ino) {
    closeQuietly(fd);
    throw fsError(
      'ESTALE',
      `The directory ${base.path} was replaced after the sandbox was created; refusing to use it.`,
    );
  }
  return { fd, path: base.path };
}
