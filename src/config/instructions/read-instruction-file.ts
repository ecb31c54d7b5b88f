/**
 * Reads one instruction file safely. Node modules are imported on first use, so this module (exported from
 * the runtime-neutral root entry) loads nothing Node-only until it is called.
 *
 * @packageDocumentation
 */

/** A file that was read: its canonical path and its text, cut at the byte limit it was read with. */
export interface InstructionFile {
  /** The path as found (what the marker shows). */
  readonly path: string;
  /** The canonical path, to spot one file reached twice (CLAUDE.md → AGENTS.md). */
  readonly realPath: string;
  readonly text: string;
  /** The file's full size in bytes. */
  readonly size: number;
}

/** Why a file that exists was not used. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

const node = async () => {
  const [fs, path] = await Promise.all([import('node:fs'), import('node:path')]);
  return { fs, path };
};

/**
 * Reads `path` when it is a regular file; `undefined` when there is none. With `within`, the file's canonical
 * path must stay inside that folder's (a symlink out of the workspace is refused, never followed).
 */
export async function readInstructionFile(
  path: string,
  maxBytes: number,
  within?: string,
): Promise<InstructionFile | SkippedFile | undefined> {
  const { fs, path: nodePath } = await node();
  let realPath: string;
  try {
    realPath = await fs.promises.realpath(path);
  } catch {
    return undefined;
  }
  if (within !== undefined) {
    const base = await fs.promises.realpath(within);
    if (!inside(nodePath, base, realPath)) return { path, reason: `it leads out of the workspace (to ${realPath})` };
  }
  // O_NONBLOCK: a FIFO planted under the instruction file's name must not hang the agent's start.
  const handle = await fs.promises
    .open(realPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
    .catch(() => undefined);
  if (!handle) return { path, reason: 'it cannot be read' };
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { path, reason: 'it is not a regular file' };
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { path, realPath, text: cutUtf8(buffer.subarray(0, bytesRead)), size: stat.size };
  } finally {
    await handle.close();
  }
}

/** Decodes, dropping a multi-byte character cut in half at the end. */
function cutUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
}

/** Every folder from `root` down to `cwd`, root first; `undefined` when `cwd` is not inside `root`. */
export async function foldersDown(root: string, cwd: string): Promise<string[] | undefined> {
  const { path } = await node();
  if (!inside(path, path.resolve(root), path.resolve(cwd))) return undefined;
  const rel = path.relative(path.resolve(root), path.resolve(cwd));
  const folders = [path.resolve(root)];
  for (const part of rel === '' ? [] : rel.split(path.sep)) folders.push(path.join(folders.at(-1)!, part));
  return folders;
}

/** `folder/name`, with Node's path module. */
export async function joinPath(folder: string, name: string): Promise<string> {
  return (await node()).path.join(folder, name);
}

function inside(path: typeof import('node:path'), base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
