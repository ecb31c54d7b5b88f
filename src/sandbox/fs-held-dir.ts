/**
 * Directory handles the file methods hold while they walk a path, and the system calls they make
 * relative to them.
 *
 * Node has no `openat`. On Linux, `/proc/self/fd/<fd>/<name>` is one: the kernel follows the magic link
 * `<fd>` to the directory the descriptor holds (not to a path that could have been swapped since) and looks
 * `<name>` up in it. Every call here takes one name (never a `/`), so with `O_NOFOLLOW` nothing is ever
 * reached through a link the walker did not read and judge itself.
 *
 * Elsewhere (no `/proc/self/fd`) the same calls are made on path strings, and the walker checks the
 * identity of what it opened afterwards (see `fs-walk.ts`): a narrower race remains, documented there.
 *
 * @packageDocumentation
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Whether `/proc/self/fd/<fd>/<name>` works as `openat` here (Linux with procfs mounted). */
export const HAS_PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/**
 * Flags of every open: non-blocking, so a FIFO or a device never blocks the open (nor the thread that
 * makes it). libuv adds close-on-exec to every open, so a spawned command does not inherit a handle.
 */
const BASE_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** Flags to open a directory to walk or list: never a link, never anything but a directory. */
export const DIR_FLAGS = BASE_FLAGS | constants.O_DIRECTORY;

/** Flags to open a file to read: never a link; the handle is judged by `fstat` before a byte is read. */
export const FILE_FLAGS = BASE_FLAGS;

/** A directory held open while a path is walked below it. */
export interface HeldDir {
  readonly fd: number;
  /** Canonical absolute path the directory had when it was reached. */
  readonly path: string;
}

/** How names are looked up in a held directory. */
export interface DirAccess {
  /** `true`: through `/proc/self/fd` (race-free); `false`: through path strings (checked afterwards). */
  readonly held: boolean;
  /** The path that names `name` inside `dir` for a system call. */
  child(dir: HeldDir, name: string): string;
  /** The path that names `dir` itself for a system call (readdir, realpath checks). */
  self(dir: HeldDir): string;
}

/** Lookups through `/proc/self/fd/<fd>/`, the `openat` of Linux. */
export const PROC_FD_ACCESS: DirAccess = {
  held: true,
  child: (dir, name) => `/proc/self/fd/${dir.fd}/${name}`,
  self: (dir) => `/proc/self/fd/${dir.fd}`,
};

/** Lookups by path string, where the platform has no `/proc/self/fd`. */
export const PATH_ACCESS: DirAccess = {
  held: false,
  child: (dir, name) => path.join(dir.path, name),
  self: (dir) => dir.path,
};

/** The lookup method of this platform. */
export const DEFAULT_ACCESS: DirAccess = HAS_PROC_FD ? PROC_FD_ACCESS : PATH_ACCESS;

/** A Node-style error with a `code` and a message meant for the model. */
export function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** The `code` of a thrown system error, if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Opens `target` with `flags`; the caller owns the descriptor. */
export function openFd(target: string, flags: number): number {
  return openSync(target, flags);
}

/** Closes a descriptor, ignoring errors (it may already be gone when a walk is unwinding). */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do: the descriptor is not ours any more.
  }
}

/** `fstat` of a descriptor. */
export function fstatFd(fd: number): Stats {
  return fstatSync(fd);
}

/** `lstat` of `name` in `dir` (never follows it); `undefined` when nothing is there. */
export function lstatChild(access: DirAccess, dir: HeldDir, name: string): Stats | undefined {
  try {
    return lstatSync(access.child(dir, name));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The target of the symbolic link `name` in `dir`. */
export function readlinkChild(access: DirAccess, dir: HeldDir, name: string): string {
  return readlinkSync(access.child(dir, name));
}

/**
 * Where the kernel says descriptor `fd` is now (Linux): the defence against a directory moved out from
 * under a walk after it was opened. `undefined` where the platform cannot tell.
 */
export function pathOfFd(fd: number): string | undefined {
  if (!HAS_PROC_FD) return undefined;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** What kind of thing a `Stats` describes, in words for an error message. */
export function describeKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}
