/**
 * File operations shared by the sandboxes: every path goes through `resolve` first.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import { isWithin, toAbsolute } from './resolve-path.js';
import type { AccessIntent, SandboxDirEntry, SandboxStat } from './types.js';

type Resolve = (input: string, intent: AccessIntent) => Promise<string>;

function kindOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): SandboxStat['type'] {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  return 'other';
}

/** Reads a file, refusing to follow a symlink swapped in after `resolve` (`O_NOFOLLOW`). */
export async function readResolved(resolve: Resolve, input: string): Promise<Uint8Array> {
  const file = await resolve(input, 'read');
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Writes atomically: a temp file created exclusively (`wx` never follows a link) in the target's directory,
 * then `rename` over the target. `rename` replaces a symlink or a hard link itself, never the file it
 * points to, so a link raced in after `resolve` cannot carry the write out. A target with other hard links
 * is refused outright: its other names may be outside the workspace and the caller may expect them to
 * change.
 */
export async function writeResolved(
  resolve: Resolve,
  root: string,
  input: string,
  data: string | Uint8Array,
): Promise<void> {
  const target = await resolve(input, 'write');
  const directory = path.dirname(target);
  await mkdir(directory, { recursive: true });
  // Re-check after creating parents: a directory made by a racing process could be a link out.
  if ((await resolve(target, 'write')) !== target) {
    throw new WorkspaceEscapeError({ path: input, root, reason: 'its parent directory changed while writing' });
  }
  let mode: number | undefined;
  try {
    const existing = await lstat(target);
    if (existing.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: ${input} is a directory`), { code: 'EISDIR' });
    }
    if (existing.isFile() && existing.nlink > 1) {
      throw new WorkspaceEscapeError({
        path: input,
        root,
        reason: `it is a hard link (${existing.nlink} names); its other names may be outside the workspace`,
      });
    }
    mode = existing.mode & 0o7777;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  const temp = path.join(directory, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o666);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Stats without following a final symlink; `undefined` when nothing is there. */
export async function statResolved(
  resolve: Resolve,
  where: { readonly root: string; readonly home: string },
  input: string,
): Promise<SandboxStat | undefined> {
  const { root } = where;
  const absolute = toAbsolute(input, root, where.home);
  const base = path.basename(absolute);
  let target: string;
  // The root (and paths ending in a separator or a dot segment) resolve as a whole: looking at the root
  // through its parent would look outside the workspace.
  if (absolute === root || base === '' || base === '.' || base === '..' || absolute.endsWith('/')) {
    target = await resolve(input, 'read');
  } else {
    // Resolve the parent only, so the final component is looked at itself, not followed.
    const parent = await resolve(absolute.slice(0, absolute.length - base.length), 'read');
    target = path.join(parent, base);
    if (!isWithin(root, target)) throw new WorkspaceEscapeError({ path: input, root });
  }
  try {
    const info = await lstat(target);
    return { type: kindOf(info), size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Lists a directory; entries are not followed. */
export async function readdirResolved(resolve: Resolve, input: string): Promise<SandboxDirEntry[]> {
  const directory = await resolve(input, 'read');
  const entries = await readdir(directory, { withFileTypes: true });
  return entries.map((entry) => ({ name: entry.name, type: kindOf(entry) }));
}

/** Resolves a working directory and checks it is one. */
export async function resolveDirectory(resolve: Resolve, input: string): Promise<string> {
  const directory = await resolve(input, 'read');
  const info = await stat(directory);
  if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: ${input} is not a directory`), { code: 'ENOTDIR' });
  return directory;
}
