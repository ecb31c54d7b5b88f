/**
 * Files are opened, then judged: a descriptor opened non-blocking is `fstat`ed, and only a regular file
 * (of a size within the cap) is read. A FIFO, socket or device never blocks the process, whether it was
 * there from the start or swapped in after a check.
 *
 * @packageDocumentation
 */
import { read, readSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { closeQuietly, describeKind, FILE_FLAGS, fsError, fstatFd, openFd, pathOfFd } from './fs-held-dir.js';
import { isWithin, shortPath } from './fs-paths.js';

const readAsync = promisify(read);

/** Below this size a file is read synchronously: one system call costs less than a trip to the thread pool. */
const SYNC_READ_BYTES = 256 * 1024;

/**
 * Throws unless `info` describes a regular file no larger than `maxBytes`.
 *
 * @throws Error with code `EISDIR` for a directory, `EFTYPE` for anything else that is not a regular file
 *   (FIFO, socket, device), `EFBIG` past the cap.
 */
export function assertRegular(info: Stats, shown: string, maxBytes = Infinity): void {
  if (info.isDirectory()) throw fsError('EISDIR', `${shortPath(shown)} is a directory, not a file.`);
  if (!info.isFile()) {
    throw fsError(
      'EFTYPE',
      `${shortPath(shown)} is ${describeKind(info)}, not a regular file; the file tools only read and write regular files.`,
    );
  }
  if (info.size > maxBytes) {
    throw fsError('EFBIG', `${shortPath(shown)} is ${info.size} bytes, over the ${maxBytes} bytes allowed here.`);
  }
}

/**
 * Reads a regular file's descriptor to its end, at most `maxBytes` (a file that grows past the cap while
 * being read is refused, not read whole). `size` is what `fstat` said, a hint for the first buffer.
 */
export async function readOpenFile(fd: number, size: number, shown: string, maxBytes = Infinity): Promise<Uint8Array> {
  const limit = Number.isFinite(maxBytes) ? maxBytes : Number.MAX_SAFE_INTEGER;
  let buffer = Buffer.allocUnsafe(Math.min(size, limit) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) {
        throw fsError('EFBIG', `${shortPath(shown)} grew past the ${maxBytes} bytes allowed here while being read.`);
      }
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const free = buffer.length - length;
    const count =
      size < SYNC_READ_BYTES
        ? readSync(fd, buffer, length, free, length)
        : (await readAsync(fd, buffer, length, free, length)).bytesRead;
    if (count === 0) break;
    length += count;
  }
  if (length > limit) throw fsError('EFBIG', `${shortPath(shown)} is over the ${maxBytes} bytes allowed here.`);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

/** Options of {@link readRegularFileSync}. */
export interface ReadRegularOptions {
  /** Refuse files larger than this. */
  readonly maxBytes?: number;
  /**
   * Canonical directories the opened file must be in (checked on the descriptor where the platform can
   * tell, Linux): a directory swapped for a link while a search walked does not carry the read out.
   */
  readonly within?: readonly string[];
}

/**
 * Reads a file found by a directory walk (grep, ignore files) synchronously, never blocking: opened with
 * `O_NONBLOCK | O_NOFOLLOW`, judged by `fstat`, read only when it is a regular file.
 *
 * @throws Error with a `code` (`EFTYPE`, `EISDIR`, `EFBIG`, `ELOOP` for a final link, `EXDEV` when the
 *   file is not within `options.within`, or the system error).
 * @example
 * ```ts
 * const bytes = readRegularFileSync('/srv/repo/.gitignore', { maxBytes: 1 << 20, within: ['/srv/repo'] });
 * ```
 */
export function readRegularFileSync(file: string, options: ReadRegularOptions = {}): Buffer {
  const fd = openFd(file, FILE_FLAGS);
  try {
    const info = fstatFd(fd);
    assertRegular(info, file, options.maxBytes);
    if (options.within !== undefined) {
      const where = pathOfFd(fd);
      if (where !== undefined && !options.within.some((base) => isWithin(base, where))) {
        throw fsError('EXDEV', `${shortPath(file)} is not inside the searched directory any more.`);
      }
    }
    const buffer = Buffer.allocUnsafe(info.size);
    let length = 0;
    while (length < info.size) {
      const count = readSync(fd, buffer, length, info.size - length, length);
      if (count === 0) break;
      length += count;
    }
    return length === info.size ? buffer : buffer.subarray(0, length);
  } finally {
    closeQuietly(fd);
  }
}
