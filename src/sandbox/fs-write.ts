/**
 * `writeFile` of the sandboxes: a temp file created in the held parent directory, then renamed over the
 * target within that same directory. Nothing outside a writable base is created or changed, and an inode
 * the target shares with another name (a hard link, maybe to a file outside) is never written in place.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { constants, fchmodSync, fsyncSync, renameSync, unlinkSync, write, writeSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import { closeQuietly, describeKind, fsError, fstatFd, lstatChild, openFd, type HeldDir } from './fs-held-dir.js';
import { shortPath } from './fs-paths.js';
import { explain, walk, withWalk, type WalkContext, type Walked } from './fs-walk.js';

const writeAsync = promisify(write);

/** Below this size data is written synchronously: one system call costs less than a thread-pool trip. */
const SYNC_WRITE_BYTES = 256 * 1024;

/** Times a write walks again when the target changed between the walk and the rename. */
const MAX_REWALKS = 16;

/** Exclusive creation of a new file that is never a link. */
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** What is at the target now: nothing, a regular file to replace (its mode kept), or a reason to refuse. */
function judgeTarget(ctx: WalkContext, walked: Walked, input: string): { mode?: number } | 'again' {
  const name = walked.name;
  if (name === undefined) throw fsError('EISDIR', `${shortPath(input)} is a directory, not a file.`);
  const existing = lstatChild(ctx.access, walked.dir, name);
  if (!existing) return {};
  if (existing.isSymbolicLink()) return 'again';
  if (existing.isDirectory()) throw fsError('EISDIR', `${shortPath(input)} is a directory, not a file.`);
  if (!existing.isFile()) {
    throw fsError(
      'EFTYPE',
      `${shortPath(input)} is ${describeKind(existing)}; the file tools only write regular files, so it is left as it is.`,
    );
  }
  if (existing.nlink > 1) {
    throw new WorkspaceEscapeError({
      path: input,
      root: ctx.root,
      reason: `it is a hard link (${existing.nlink} names); its other names may be outside the workspace`,
    });
  }
  return { mode: existing.mode & 0o7777 };
}

async function writeAll(fd: number, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const count =
      bytes.length < SYNC_WRITE_BYTES
        ? writeSync(fd, bytes, offset, bytes.length - offset)
        : (await writeAsync(fd, bytes, offset, bytes.length - offset)).bytesWritten;
    offset += count;
  }
}

/**
 * Without `/proc/self/fd` the temp file was created by path: check that a second walk of its path finds
 * the same inode, so a parent swapped for a link in between is noticed (the residual race is documented in
 * `fs-walk.ts`).
 */
function verifyTemp(ctx: WalkContext, dir: HeldDir, temp: string, created: Stats): void {
  if (ctx.access.held) return;
  const now = withWalk(ctx, `${dir.path}/${temp}`, { intent: 'write', followFinal: false, missing: 'fail' }, (w) =>
    w.name === undefined ? undefined : lstatChild(ctx.access, w.dir, w.name),
  );
  if (!now || now.dev !== created.dev || now.ino !== created.ino) {
    throw fsError('EAGAIN', `the directory of ${temp} changed while it was being written; try again.`);
  }
}

/** Writes `bytes` as the new content of the name a walk ended at: temp file + rename, both in `walked.dir`. */
async function replaceIn(ctx: WalkContext, walked: Walked, bytes: Uint8Array, mode: number | undefined): Promise<void> {
  const name = walked.name as string;
  const temp = `.icode-${randomBytes(8).toString('hex')}.tmp`;
  const tempPath = ctx.access.child(walked.dir, temp);
  const fd = openFd(tempPath, CREATE_FLAGS | constants.O_NONBLOCK);
  let renamed = false;
  try {
    try {
      verifyTemp(ctx, walked.dir, temp, fstatFd(fd));
      await writeAll(fd, bytes);
      if (mode !== undefined) fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeQuietly(fd);
    }
    // rename replaces the name itself (a link, or one name of a hard-linked inode), never what it points to.
    renameSync(tempPath, ctx.access.child(walked.dir, name));
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tempPath);
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * Writes a file atomically below a writable base, creating missing parent directories.
 *
 * @throws WorkspaceEscapeError outside the writable bases, into a protected path, or for a hard-linked
 *   target; Error with code `EISDIR`, `EFTYPE` (FIFO, socket, device in the way), `ENOTDIR`, `ELOOP`, … otherwise.
 */
export async function writeFileBeneath(ctx: WalkContext, input: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    for (let attempt = 0; attempt < MAX_REWALKS; attempt++) {
      const walked = walk(ctx, input, { intent: 'write', followFinal: true, missing: 'create' });
      try {
        const target = judgeTarget(ctx, walked, input);
        if (target === 'again') continue;
        await replaceIn(ctx, walked, bytes, target.mode);
        return;
      } finally {
        closeQuietly(walked.dir.fd);
      }
    }
  } catch (error) {
    throw explain(error, input);
  }
  throw fsError('EAGAIN', `${shortPath(input)} kept changing while it was being written; try again.`);
}
