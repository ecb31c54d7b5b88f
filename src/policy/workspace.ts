/**
 * The boundary the policy judges paths against: one root (the root the tools act on) plus the additional
 * directories the options grant. Everything else is outside and refused at once (`WORKSPACE_ESCAPE`).
 */
import { ConfigError } from '../errors/config-error.js';
import type { AdditionalDirectory } from '../sandbox/types.js';

/** Where a canonical path lies. */
export type Place = 'root' | 'read' | 'read-write' | 'device' | 'outside';

/** One granted directory, canonical. */
export interface GrantedDirectory {
  readonly path: string;
  readonly write: boolean;
}

/** The root and the additional directories, all canonical. */
export interface Workspace {
  readonly root: string;
  readonly additional: readonly GrantedDirectory[];
}

/** An additional directory as validated from the options: `path` as given (absolute, `~/…` or relative). */
export interface AdditionalDirectorySpec {
  readonly path: string;
  readonly write: boolean;
}

/**
 * Validates the `additionalDirectories` option: a path string (read-only) or `{ path, access }` with
 * `access` `'read'` or `'read-write'`.
 *
 * @throws ConfigError for anything else.
 */
export function additionalDirectorySpecs(value: unknown): AdditionalDirectorySpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ConfigError(
      "policy.additionalDirectories must be an array of paths or { path, access: 'read' | 'read-write' } objects.",
    );
  return (value as readonly AdditionalDirectory[]).map((entry, index) => {
    const where = `policy.additionalDirectories[${index}]`;
    const path = typeof entry === 'string' ? entry : (entry as { path?: unknown } | null)?.path;
    if (typeof path !== 'string' || path.trim() === '' || path.includes('\0'))
      throw new ConfigError(`${where} must be a non-empty directory path (or { path, access }).`);
    if (typeof entry === 'string') return { path, write: false };
    const access = (entry as { access?: unknown }).access;
    if (access !== 'read' && access !== 'read-write')
      throw new ConfigError(`${where}.access must be 'read' or 'read-write', got ${JSON.stringify(access)}.`);
    return { path, write: access === 'read-write' };
  });
}

/** Whether `target` is `base` or inside it (never a string-prefix test: `/ws-evil` is not in `/ws`). */
export function isWithin(node: { readonly path: typeof import('node:path') }, base: string, target: string): boolean {
  const relative = node.path.relative(base, target);
  return (
    relative === '' ||
    (relative !== '..' && !relative.startsWith(`..${node.path.sep}`) && !node.path.isAbsolute(relative))
  );
}

/**
 * Where a canonical path lies. The root first; then the granted directory that holds it, a read-write one
 * winning over a read-only one that also holds it.
 */
export function placeOf(
  workspace: Workspace,
  canonical: string,
  node: { readonly path: typeof import('node:path') },
): Place {
  if (isWithin(node, workspace.root, canonical)) return 'root';
  let place: Place = 'outside';
  for (const granted of workspace.additional) {
    if (!isWithin(node, granted.path, canonical)) continue;
    if (granted.write) return 'read-write';
    place = 'read';
  }
  return place;
}

/** Places a file tool or a command may read. */
export const READABLE: ReadonlySet<Place> = new Set(['root', 'read', 'read-write', 'device']);
/** Places the mode may let a tool or a command write (`workspace-write`, `full-access`). */
export const WRITABLE: ReadonlySet<Place> = new Set(['root', 'read-write', 'device']);
