/**
 * What the model has read, so edits can refuse to overwrite what it has not seen. Kept in the session
 * state (`ctx.state`, key {@link FILES_READ_KEY}) so it survives across turns, runs and restarts.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../../model/message.js';
import type { SessionState } from '../../tool.js';

/** Session-state key of the read record: `{ [canonicalPath]: { hash, mtimeMs } }`. */
export const FILES_READ_KEY = 'files.read';

/** What was read of one file. */
export interface ReadRecord {
  /** sha256 of the whole file's bytes when it was read (or last written by a file tool). */
  readonly hash: string;
  readonly mtimeMs: number;
}

/** sha256 of bytes, hex. */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function records(state: SessionState): Record<string, JsonValue> {
  const value = state.get(FILES_READ_KEY);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Notes that the model has seen `path` as it is now (after a read, or after a tool wrote it). */
export function recordRead(state: SessionState, path: string, record: ReadRecord): void {
  state.set(FILES_READ_KEY, { ...records(state), [path]: { hash: record.hash, mtimeMs: record.mtimeMs } });
}

/** The record of `path`, if the model has read it in this session. */
export function readRecord(state: SessionState, path: string): ReadRecord | undefined {
  const entry = records(state)[path];
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  const { hash, mtimeMs } = entry;
  return typeof hash === 'string' && typeof mtimeMs === 'number' ? { hash, mtimeMs } : undefined;
}

/**
 * Throws unless the model has read `path` in this session and its bytes are unchanged since. Comparing
 * content hashes, not just mtimes, means a `touch` or a same-second rewrite is judged by what is in the file.
 */
export function assertFresh(state: SessionState, path: string, displayPath: string, bytes: Uint8Array): void {
  const record = readRecord(state, path);
  if (!record) {
    throw new Error(
      `${displayPath} exists and you have not read it in this session. Read it with the read tool first, then retry.`,
    );
  }
  if (record.hash !== hashBytes(bytes)) {
    throw new Error(
      `${displayPath} changed since you read it (edited by someone else, a formatter or a command). Read it again, then retry with its current contents.`,
    );
  }
}

const locks = new Map<string, Promise<unknown>>();

/**
 * Runs `task` with `path` locked: tool calls of one turn run concurrently, and two edits of one file must
 * not both read the old contents and both write (the second would silently undo the first).
 */
export async function withFileLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(path) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  locks.set(path, settled);
  try {
    return await run;
  } finally {
    if (locks.get(path) === settled) locks.delete(path);
  }
}
