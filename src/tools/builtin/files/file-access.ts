/**
 * File access shared by read, write, edit, multi_edit and apply_patch: every path goes through
 * `sandbox.resolve` first, contents are decoded once, and every write updates the read record so the next
 * edit of the same file works without another read.
 */
import path from 'node:path';
import type { Sandbox, SandboxStat } from '../../../sandbox/types.js';
import type { SessionState } from '../../tool.js';
import { assertFresh, hashBytes, recordRead, withFileLock } from './file-tracker.js';
import { decodeText, encodeText, looksBinary, type DecodedText } from './text-encoding.js';

/** Largest file the edit tools load. Bigger files are refused with advice, not loaded into memory. */
export const MAX_EDIT_BYTES = 64 * 1024 * 1024;

/**
 * Resolves the `path` a search or listing tool was given (the root when absent) and stats it; a path that
 * does not exist throws with `hint` (what to do instead) for the model.
 */
export async function resolveExisting(
  sandbox: Sandbox,
  given: string | undefined,
  hint: string,
): Promise<{ readonly absolute: string; readonly info: SandboxStat }> {
  const absolute = await sandbox.resolve(given ?? '.', 'read');
  const info = await sandbox.stat(absolute);
  if (!info) throw new Error(`${given ?? '.'} does not exist. ${hint}`);
  return { absolute, info };
}

/** A path as the model should see it: relative to the workspace root, with `/` separators. */
export function displayPath(sandbox: Sandbox, absolute: string): string {
  const relative = path.relative(sandbox.root, absolute);
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

/** A file opened for editing; `current` is missing when the file does not exist yet. */
export interface EditTarget {
  readonly absolute: string;
  readonly display: string;
  readonly current?: { readonly bytes: Uint8Array; readonly decoded: DecodedText };
}

/**
 * Opens `filePath` for editing (as {@link openForEdit}) while holding the file's lock, and runs `change` on
 * it: two edits of one file in the same turn both land instead of one silently undoing the other.
 */
export async function withEditTarget<T>(
  sandbox: Sandbox,
  state: SessionState,
  filePath: string,
  change: (target: EditTarget) => Promise<T>,
  options: { readonly allowBinary?: boolean } = {},
): Promise<T> {
  const absolute = await sandbox.resolve(filePath, 'write');
  return withFileLock(absolute, async () => change(await openForEdit(sandbox, state, filePath, options)));
}

/**
 * Resolves `filePath` for writing and loads it if it exists, checking that the model read it in this
 * session and that it has not changed since.
 *
 * @throws WorkspaceEscapeError for a path outside the workspace; Error with advice otherwise.
 */
export async function openForEdit(
  sandbox: Sandbox,
  state: SessionState,
  filePath: string,
  options: { readonly allowBinary?: boolean } = {},
): Promise<EditTarget> {
  const absolute = await sandbox.resolve(filePath, 'write');
  const display = displayPath(sandbox, absolute);
  const info = await sandbox.stat(absolute);
  if (!info) return { absolute, display };
  if (info.type === 'directory') throw new Error(`${display} is a directory. Give the path of a file.`);
  if (info.type !== 'file')
    throw new Error(`${display} is not a regular file; the file tools only edit regular files.`);
  if (info.size > MAX_EDIT_BYTES) {
    throw new Error(
      `${display} is ${formatBytes(info.size)}, over the ${formatBytes(MAX_EDIT_BYTES)} the edit tools load. Edit it with a command through bash (e.g. sed) instead.`,
    );
  }
  const bytes = await readJudged(sandbox, absolute, display, MAX_EDIT_BYTES, {
    tooLarge: `over the ${formatBytes(MAX_EDIT_BYTES)} the edit tools load. Edit it with a command through bash (e.g. sed) instead.`,
    notFile: 'the file tools only edit regular files.',
  });
  assertFresh(state, absolute, display, bytes);
  if (!options.allowBinary && looksBinary(bytes)) {
    throw new Error(`${display} is a binary file; the edit tools only change text files. Replace it whole with write.`);
  }
  return { absolute, display, current: { bytes, decoded: decodeText(bytes) } };
}

/** The `code` of an error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** How {@link readJudged} finishes its messages for one tool. */
export interface JudgedAdvice {
  /** After "X is over …": what to do about a file past the cap. */
  readonly tooLarge: string;
  /** After "X is not a regular file (a FIFO, …);": what the tool reads. */
  readonly notFile: string;
}

/**
 * Reads a file through the sandbox, which opens it non-blocking and judges the opened file (a stat taken
 * before may be stale: the file can be swapped for a FIFO, a directory or a bigger file in between), and
 * turns the sandbox's refusals into messages that name the file as the model knows it.
 *
 * @throws Error with advice for a file that is missing, too large, or not a regular file; the sandbox's
 *   error otherwise (`WorkspaceEscapeError` included). A directory keeps code `EISDIR`.
 */
export async function readJudged(
  sandbox: Sandbox,
  absolute: string,
  display: string,
  maxBytes: number,
  advice: JudgedAdvice,
): Promise<Uint8Array> {
  try {
    return await sandbox.readFile(absolute, { maxBytes });
  } catch (error) {
    switch (errorCode(error)) {
      case 'ENOENT':
        throw Object.assign(new Error(`${display} does not exist (it was removed while being read).`), {
          code: 'ENOENT',
        });
      case 'EFBIG':
        throw new Error(`${display} is ${advice.tooLarge}`);
      case 'EFTYPE':
        throw new Error(`${display} is not a regular file (a FIFO, socket or device); ${advice.notFile}`);
      case 'EISDIR':
        throw Object.assign(new Error(`${display} is a directory. Give the path of a file.`), { code: 'EISDIR' });
      default:
        // A system error (a loop, a permission, an overlong name) names the path the sandbox was given:
        // say it as the model knows it.
        if (error instanceof Error && errorCode(error) !== undefined && error.message.includes(absolute)) {
          error.message = error.message.replaceAll(absolute, display);
        }
        throw error;
    }
  }
}

/** Writes `text` (with `\n` line endings) in the file's form, atomically, and records it as read. */
export async function commitText(
  sandbox: Sandbox,
  state: SessionState,
  absolute: string,
  text: string,
  form: { readonly bom: boolean; readonly lineEnding: '\n' | '\r\n' },
): Promise<void> {
  const data = Buffer.from(encodeText(text, form), 'utf8');
  await sandbox.writeFile(absolute, data);
  // The write is done: a stat that fails now (the path changed meanwhile) must not turn it into an error.
  const info = await sandbox.stat(absolute).catch(() => undefined);
  recordRead(state, absolute, { hash: hashBytes(data), mtimeMs: info?.mtimeMs ?? Date.now() });
}

/** `1.5 MB`-style sizes for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
