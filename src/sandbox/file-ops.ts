/**
 * The file methods of the sandboxes (`readFile`, `stat`, `readdir`; `writeFile` is in `fs-write.ts`), all
 * built on the held-handle walker of `fs-walk.ts`: what they act on is below a held base directory at the
 * moment they act, whatever another process does to the path meanwhile.
 *
 * @packageDocumentation
 */
import { readdirSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  closeQuietly,
  DIR_FLAGS,
  errorCode,
  FILE_FLAGS,
  fsError,
  fstatFd,
  lstatChild,
  openFd,
  type HeldDir,
} from './fs-held-dir.js';
import { shortPath } from './fs-paths.js';
import { assertRegular, readOpenFile } from './fs-regular-file.js';
import { explain, walk, withWalk, type WalkContext, type WalkOptions, type Walked } from './fs-walk.js';
import type { AccessIntent, SandboxDirEntry, SandboxStat } from './types.js';

type Resolve = (input: string, intent: AccessIntent) => Promise<string>;

/** Times a file method walks again when the final name changed between the walk and the open. */
const MAX_REOPENS = 16;

const FOLLOW_READ: WalkOptions = { intent: 'read', followFinal: true, missing: 'fail' };

function kindOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): SandboxStat['type'] {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  return 'other';
}

/**
 * Without `/proc/self/fd` the walk ran on path strings: compare what was opened with what a second walk
 * finds now (device and inode). Both must agree, or the path changed while it was being opened.
 */
export function verifyIdentity(ctx: WalkContext, input: string, opened: Stats): void {
  if (ctx.access.held) return;
  const now = withWalk(ctx, input, FOLLOW_READ, (walked) =>
    walked.name === undefined ? fstatFd(walked.dir.fd) : lstatChild(ctx.access, walked.dir, walked.name),
  );
  if (!now || now.dev !== opened.dev || now.ino !== opened.ino) {
    throw fsError('EAGAIN', `${shortPath(input)} changed while it was being opened; try again.`);
  }
}

/**
 * Opens the final name of a walk with `flags` (never following it, never blocking). A link or a missing
 * name raced in since the walk looked makes the caller walk again (`undefined`).
 */
function openLast(ctx: WalkContext, walked: Walked, flags: number, input: string): number | undefined {
  const name = walked.name as string;
  try {
    return openFd(ctx.access.child(walked.dir, name), flags);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return undefined;
    if (code === 'ENOENT') throw fsError('ENOENT', `${shortPath(input)} does not exist.`);
    if (code === 'ENXIO') throw fsError('EFTYPE', `${shortPath(input)} is a socket, not a regular file.`);
    throw error;
  }
}

/** Opens a regular file for reading: judged by `lstat` before the open and by `fstat` after it. */
function openRegular(ctx: WalkContext, input: string, maxBytes: number): { fd: number; info: Stats } {
  for (let attempt = 0; attempt < MAX_REOPENS; attempt++) {
    const opened = withWalk(ctx, input, FOLLOW_READ, (walked) => {
      if (walked.name === undefined) throw fsError('EISDIR', `${shortPath(input)} is a directory, not a file.`);
      if (!walked.final) throw fsError('ENOENT', `${shortPath(input)} does not exist.`);
      // Judged before opening, so a device is not even opened; judged again on the handle below.
      assertRegular(walked.final, input, maxBytes);
      return openLast(ctx, walked, FILE_FLAGS, input);
    });
    if (opened === undefined) continue;
    try {
      const info = fstatFd(opened);
      assertRegular(info, input, maxBytes);
      verifyIdentity(ctx, input, info);
      return { fd: opened, info };
    } catch (error) {
      closeQuietly(opened);
      throw error;
    }
  }
  throw fsError('EAGAIN', `${shortPath(input)} kept changing while it was being opened; try again.`);
}

/**
 * Reads a regular file below a base, at most `maxBytes`.
 *
 * @throws WorkspaceEscapeError outside the bases; Error with code `ENOENT`, `EISDIR`, `EFTYPE` (FIFO,
 *   socket, device), `EFBIG` (over `maxBytes`), `ELOOP`, `EACCES`, … otherwise.
 */
export async function readFileBeneath(ctx: WalkContext, input: string, maxBytes = Infinity): Promise<Uint8Array> {
  try {
    const { fd, info } = openRegular(ctx, input, maxBytes);
    try {
      return await readOpenFile(fd, info.size, input, maxBytes);
    } finally {
      closeQuietly(fd);
    }
  } catch (error) {
    throw explain(error, input);
  }
}

/** What `stat` says of a walked name; `undefined` when nothing is there. */
function statWalked(ctx: WalkContext, walked: Walked): SandboxStat | undefined {
  const info = walked.name === undefined ? fstatFd(walked.dir.fd) : lstatChild(ctx.access, walked.dir, walked.name);
  return info && { type: kindOf(info), size: info.size, mtimeMs: info.mtimeMs };
}

/** Stats without following a final symlink (nor opening anything but directories); `undefined` when nothing is there. */
export function statBeneath(ctx: WalkContext, input: string): SandboxStat | undefined {
  try {
    return withWalk(ctx, input, { intent: 'read', followFinal: false, missing: 'fail' }, (walked) =>
      walked.partial ? undefined : statWalked(ctx, walked),
    );
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw explain(error, input);
  }
}

/** Opens the directory a walk ended at (its held directory, or the final name opened as one). */
function openDirectory(ctx: WalkContext, input: string): HeldDir {
  for (let attempt = 0; attempt < MAX_REOPENS; attempt++) {
    const walked = walk(ctx, input, FOLLOW_READ);
    if (walked.name === undefined) return walked.dir;
    let fd: number | undefined;
    try {
      if (!walked.final) throw fsError('ENOENT', `${shortPath(input)} does not exist.`);
      if (!walked.final.isDirectory()) throw fsError('ENOTDIR', `${shortPath(input)} is not a directory.`);
      fd = openLast(ctx, walked, DIR_FLAGS, input);
    } catch (error) {
      throw errorCode(error) === 'ENOTDIR' ? fsError('ENOTDIR', `${shortPath(input)} is not a directory.`) : error;
    } finally {
      closeQuietly(walked.dir.fd);
    }
    if (fd !== undefined) return { fd, path: walked.canonical };
  }
  throw fsError('EAGAIN', `${shortPath(input)} kept changing while it was being opened; try again.`);
}

/** Lists a directory below a base; entries are not followed. */
export function readdirBeneath(ctx: WalkContext, input: string): SandboxDirEntry[] {
  try {
    const dir = openDirectory(ctx, input);
    try {
      verifyIdentity(ctx, input, fstatFd(dir.fd));
      const entries = readdirSync(ctx.access.self(dir), { withFileTypes: true });
      return entries.map((entry) => ({ name: entry.name, type: kindOf(entry) }));
    } finally {
      closeQuietly(dir.fd);
    }
  } catch (error) {
    throw explain(error, input);
  }
}

/** The canonical path of `input`, walked (read intent unless said otherwise); missing parts kept as written. */
export function resolveBeneath(ctx: WalkContext, input: string, intent: AccessIntent): string {
  return withWalk(ctx, input, { intent, followFinal: true, missing: 'lexical' }, (walked) => walked.canonical);
}

/** Resolves a working directory and checks it is one. */
export async function resolveDirectory(resolve: Resolve, input: string): Promise<string> {
  const directory = await resolve(input, 'read');
  const info = await stat(directory);
  if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: ${input} is not a directory`), { code: 'ENOTDIR' });
  return directory;
}
