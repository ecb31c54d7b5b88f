/**
 * Path strings for the sandboxes: turning what the model asked for into an absolute path, comparing paths
 * by `path.relative` (never by string prefix), and the places no file tool may reach.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';

/** Pseudo file systems whose entries are magic links (`/proc/self/root`) or devices: never reachable. */
export const SYSTEM_ROOTS: readonly string[] = ['/proc', '/dev', '/sys'];

/** The kernel's own limit on symlinks followed while resolving one path (`MAXSYMLINKS`). */
export const MAX_SYMLINKS = 40;

/** Whether `target` is `base` or below it, by `path.relative` (never a string prefix). */
export function isWithin(base: string, target: string): boolean {
  const relative = path.relative(base, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Turns what the model asked for into an absolute path, without touching the disk: a leading `~` (alone or
 * followed by `/`) is the home directory, relative paths are taken against the root. `$VARS`, `%2e` and
 * `~user` are ordinary characters of a file name.
 *
 * @throws WorkspaceEscapeError for a NUL byte (the kernel would cut the path there).
 */
export function toAbsolute(input: string, root: string, home: string): string {
  if (input.includes('\0')) {
    throw new WorkspaceEscapeError({ path: input.replaceAll('\0', '\\0'), root, reason: 'it contains a NUL byte' });
  }
  // Joined as strings, not with path.join: a lexical `..` would cancel a symlink the kernel would follow.
  if (input === '~' || input.startsWith('~/')) return `${home}/${input.slice(1)}`;
  return path.isAbsolute(input) ? input : `${root}/${input}`;
}

/** The components of a path, without empty ones and `.` (`..` is kept: only a walk can judge it). */
export function components(value: string): string[] {
  return value.split('/').filter((part) => part !== '' && part !== '.');
}

/** Refuses a path in `/proc`, `/dev` or `/sys`, whatever the root. */
export function refuseSystem(candidate: string, input: string, root: string): void {
  const system = SYSTEM_ROOTS.find((entry) => isWithin(entry, candidate));
  // Only the pseudo file system is named: `candidate` may be the target of a link, which stays unsaid.
  if (system !== undefined) {
    throw new WorkspaceEscapeError({
      path: input,
      root,
      reason: `it leads into ${system}, a system pseudo file system`,
    });
  }
}

/** A path for a message: long ones are cut, so an overlong name does not flood the model's context. */
export function shortPath(input: string): string {
  return input.length > 200 ? `${input.slice(0, 120)}…${input.slice(-60)}` : input;
}
