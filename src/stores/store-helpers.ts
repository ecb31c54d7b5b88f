/**
 * Checks and mappings every `SessionStore` shares: argument checks, the metadata filter, the row →
 * `SessionInfo` mapping and list paging of the SQL stores, and the fork and truncate rules. Internal, and
 * free of Node-only modules.
 *
 * @packageDocumentation
 */
import { SessionLockedError } from '../errors/session-locked-error.js';
import { StoreConflictError, StoreError } from '../errors/store-error.js';
import { sleep } from '../internal/abort.js';
import type { JsonValue } from '../model/message.js';
import { decodeCursor, encodeCursor, type ListPosition } from './sqlite/codec.js';
import type {
  ListSessionsOptions,
  LockSessionOptions,
  SessionEntry,
  SessionInfo,
  SessionLock,
  SessionLockOwner,
  SessionPage,
  StoredEntry,
} from './types.js';

/** Whether `metadata` holds every key/value pair of `filter` (values compared as JSON). */
export function metadataMatches(
  metadata: Readonly<Record<string, JsonValue>>,
  filter: Readonly<Record<string, JsonValue>> | undefined,
): boolean {
  if (!filter) return true;
  for (const [key, value] of Object.entries(filter)) {
    if (!(key in metadata) || JSON.stringify(metadata[key]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** Checks an `expectedVersion`/`version` argument: a non-negative integer. */
export function assertVersion(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Expected ${name} to be a non-negative integer, got ${String(value)}.`);
  }
}

/** A `sessions` row of a SQL store (metadata as JSON text) → its `SessionInfo`. */
export function toSessionInfo(row: Record<string, unknown>): SessionInfo {
  const info: SessionInfo = {
    id: row.id as string,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    metadata: JSON.parse(row.metadata as string) as Record<string, JsonValue>,
  };
  return row.parent_id === null || row.parent_id === undefined ? info : { ...info, parentId: row.parent_id as string };
}

/** An `entries` row of a SQL store (the entry as JSON text) → its `StoredEntry`. */
export function toStoredEntry(row: Record<string, unknown>): StoredEntry {
  return {
    seq: Number(row.seq),
    schemaVersion: Number(row.schema_version),
    createdAt: Number(row.created_at),
    entry: JSON.parse(row.entry as string) as SessionEntry,
  };
}

/** A session found by a SQL store's `list`, with its place in the newest-first order. */
export interface ListedSession {
  readonly info: SessionInfo;
  readonly touch: number;
}

/** What a SQL store's `list` reads: the page size, the rows per query, and where to start. */
export interface ListPlan {
  readonly limit: number;
  /** Rows per query: the page and one more (to know whether another page follows), at least 100. */
  readonly batch: number;
  readonly position: ListPosition | undefined;
}

/** Checks `limit` and decodes the cursor of a `list` call. */
export function planList(options: ListSessionsOptions): ListPlan {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1)
    throw new TypeError(`Expected limit to be a positive integer, got ${String(limit)}.`);
  return {
    limit,
    batch: Math.max(limit + 1, 100),
    position: options.cursor === undefined ? undefined : decodeCursor(options.cursor),
  };
}

/**
 * Adds the rows of one query that match the metadata filter exactly to `found` (the query may pre-select
 * a superset). Returns where the next query starts, or `undefined` when the page and one more are found
 * or the rows ran out.
 */
export function takeListBatch(
  rows: readonly Record<string, unknown>[],
  found: ListedSession[],
  filter: Readonly<Record<string, JsonValue>> | undefined,
  plan: ListPlan,
): ListPosition | undefined {
  for (const row of rows) {
    const info = toSessionInfo(row);
    if (metadataMatches(info.metadata, filter)) found.push({ info, touch: Number(row.touch) });
    if (found.length > plan.limit) break;
  }
  const last = rows.at(-1);
  if (found.length > plan.limit || rows.length < plan.batch || !last) return undefined;
  return { updatedAt: Number(last.updated_at), touch: Number(last.touch) };
}

/** The page of `found`, with a cursor when more sessions follow. */
export function toSessionPage(found: readonly ListedSession[], limit: number): SessionPage {
  const page = found.slice(0, limit);
  const end = page.at(-1);
  return found.length > limit && end
    ? {
        sessions: page.map((s) => s.info),
        nextCursor: encodeCursor({ updatedAt: end.info.updatedAt, touch: end.touch }),
      }
    : { sessions: page.map((s) => s.info) };
}

/** Refuses a truncate whose `expectedVersion` is stale or whose `version` is past the session's end. */
export function checkTruncate(info: SessionInfo, version: number, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== info.version) {
    throw new StoreConflictError({ sessionId: info.id, expectedVersion, actualVersion: info.version });
  }
  if (version > info.version) {
    throw new StoreError(`Cannot truncate session ${info.id} to version ${version}: it has ${info.version} entries.`, {
      sessionId: info.id,
    });
  }
}

/** The version a fork copies up to (the source's, unless asked); refuses one past the source's end. */
export function forkVersion(source: SessionInfo, requested: number | undefined): number {
  const version = requested ?? source.version;
  if (version > source.version) {
    throw new StoreError(`Cannot fork session ${source.id} at version ${version}: it has ${source.version} entries.`, {
      sessionId: source.id,
    });
  }
  return version;
}

/** One try at a session's run lock: the lock, or who holds it (when the store knows). */
export type LockAttempt =
  | { readonly lock: SessionLock; readonly owner?: undefined }
  | { readonly lock?: undefined; readonly owner?: SessionLockOwner };

/** Checks the `timeoutMs` of a `lockSession` call: a non-negative number of milliseconds (or none). */
export function checkLockTimeout(timeoutMs: unknown): number {
  if (timeoutMs === undefined) return Infinity;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`Expected timeoutMs to be a non-negative number of milliseconds, got ${String(timeoutMs)}.`);
  }
  return timeoutMs;
}

/**
 * Tries `take` until it gets the lock, waiting 10 ms after the first miss and doubling up to 250 ms.
 * Calls `onWait` at the first miss; an abort of `signal` ends the wait with its reason, `timeoutMs` with a
 * `SessionLockedError`. A lock taken by an attempt that an abort overtook is released, never leaked.
 */
async function pollForLock(
  sessionId: string,
  take: () => Promise<LockAttempt>,
  options: LockSessionOptions,
): Promise<SessionLock> {
  const { signal, onWait } = options;
  const since = Date.now();
  const deadline = since + checkLockTimeout(options.timeoutMs);
  let waiting = false;
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    signal?.throwIfAborted();
    const attempt = await take();
    if (attempt.lock) {
      if (signal?.aborted) {
        await attempt.lock.release();
        signal.throwIfAborted();
      }
      return attempt.lock;
    }
    const owner = attempt.owner;
    if (!waiting) {
      waiting = true;
      onWait?.(owner ? { sessionId, owner, since } : { sessionId, since });
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new SessionLockedError({ sessionId, waitedMs: Date.now() - since, ...(owner ? { owner } : {}) });
    }
    await sleep(Math.min(wait, left), signal);
  }
}

/**
 * The `lockSession` and `tryLockSession` methods of a store whose `take` tries a session's run lock once
 * and returns who holds it when another holder has it.
 */
export function lockMethods(take: (sessionId: string) => Promise<LockAttempt>): {
  lockSession(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  tryLockSession(sessionId: string): Promise<SessionLock | undefined>;
} {
  return {
    lockSession: (sessionId, options = {}) => pollForLock(sessionId, () => take(sessionId), options),
    tryLockSession: async (sessionId) => (await take(sessionId)).lock,
  };
}
