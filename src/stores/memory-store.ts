import { ConfigError } from '../errors/config-error.js';
import { SessionNotFoundError, StoreConflictError, StoreError } from '../errors/store-error.js';
import { createId } from '../internal/ids.js';
import { isJsonSafe } from '../internal/json-safe.js';
import {
  ENTRY_SCHEMA_VERSION,
  type CreateSessionOptions,
  type ListSessionsOptions,
  type LoadedSession,
  type LockSessionOptions,
  type PutTaskOptions,
  type SessionEntry,
  type SessionLock,
  type SessionPage,
  type SessionStore,
  type TaskRecord,
  type TaskRecordInput,
} from './types.js';
import { MemoryLocks } from './memory-locks.js';
import { MemoryTasks } from './memory-tasks.js';
import { MemorySession, pausedAfter } from './memory-session.js';
import { SessionCache } from './memory-sessions.js';
import { assertVersion, metadataMatches } from './store-helpers.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Sessions kept at most: past it, the least recently used one is dropped. Sessions in use (a run holds
   * or waits for their lock, or they are paused on approvals) are never dropped, so the count can pass
   * the bound while they are. `Infinity` keeps every session. @defaultValue 1000
   */
  readonly maxSessions?: number;
  /**
   * A session unused for this many milliseconds is dropped (sessions in use never are). `Infinity` keeps
   * idle sessions. @defaultValue 3600000 (one hour)
   */
  readonly idleTtlMs?: number;
  /**
   * `'all'` keeps sessions within the bounds above. `'none'` drops a session as soon as the run that used
   * it ends (its lock is released), for one-shot runs that need no history; a paused run's session stays,
   * so it can be resumed. @defaultValue 'all'
   */
  readonly retain?: 'all' | 'none';
}

/** A `SessionStore` in memory, with run locks that queue concurrent runs of a session. */
export interface MemorySessionStore extends SessionStore {
  /**
   * Waits until this caller holds the run lock of `sessionId`: concurrent callers get it one at a time,
   * in the order they asked. Honours `signal`, `timeoutMs` and `onWait`.
   */
  lockSession(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  /** Writes a background task record; see {@link SessionStore.putTask}. */
  putTask(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(sessionId: string): Promise<readonly TaskRecord[]>;
}

/**
 * A `SessionStore` in memory: the default, for tests and short-lived processes. Sessions are lost when
 * the process ends; use `sqliteStore` or `postgresStore` to keep them.
 *
 * It is bounded, so a service doing one-shot runs does not grow: at most `maxSessions` (1,000) sessions,
 * the least recently used dropped first, and none kept idle past `idleTtlMs` (one hour); `retain: 'none'`
 * drops each session when its run ends. A session in use is never dropped: one a run holds or waits for,
 * or one paused on approvals (kept until it is resumed or deleted). Idle sessions are dropped when next
 * touched, and freed by a sweep at least once a minute whose timer never keeps the process alive.
 *
 * Concurrent runs of one session take turns (the second waits for the first, in order), as with the
 * durable stores. Entries are kept as the objects given (they are immutable once appended), so appends
 * cost no copy.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, store: memoryStore({ maxSessions: 10_000, idleTtlMs: 15 * 60_000 }) });
 * // A stateless endpoint: keep nothing once a run ends.
 * const oneShot = createAgent({ provider, store: memoryStore({ retain: 'none' }) });
 * ```
 * @throws ConfigError for a bound that is not a positive number, or an unknown `retain`.
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemorySessionStore {
  const { maxSessions, idleTtlMs, retain } = resolveOptions(options);
  let closed = false;
  // Bumped on every write so sessions updated in the same millisecond still list newest first.
  let clock = 0;
  const now = (): number => (clock = Math.max(clock + 1, Date.now()));

  const locks = new MemoryLocks((id) => {
    if (retain === 'none' && !sessions.use(id)?.pending) sessions.delete(id);
    else sessions.touch(id);
  });
  const tasks = new MemoryTasks();
  const sessions = new SessionCache({ maxSessions, idleTtlMs }, (id, session) => session.pending || locks.isLocked(id));

  const open = (): void => {
    if (closed) throw new StoreError('The memory store is closed.');
  };
  const session = (id: string): MemorySession => {
    open();
    const found = sessions.use(id);
    if (!found) throw new SessionNotFoundError(id);
    return found;
  };

  return {
    async create(createOptions: CreateSessionOptions = {}) {
      open();
      const id = createOptions.id ?? createId('ses');
      if (sessions.has(id)) throw new StoreError(`Session ${id} already exists.`, { sessionId: id });
      const time = now();
      const created = new MemorySession({ id, createdAt: time, metadata: { ...createOptions.metadata } }, 0, time, []);
      sessions.add(id, created);
      return created.info;
    },

    async get(id) {
      open();
      return sessions.use(id)?.info;
    },

    async list(listOptions: ListSessionsOptions = {}): Promise<SessionPage> {
      open();
      const limit = listOptions.limit ?? 50;
      const all = [...sessions.values()]
        .map((s) => s.info)
        .filter((info) => metadataMatches(info.metadata, listOptions.metadata))
        .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
      const start = listOptions.cursor ? Number(listOptions.cursor) : 0;
      const page = all.slice(start, start + limit);
      return start + limit < all.length ? { sessions: page, nextCursor: String(start + limit) } : { sessions: page };
    },

    async append(id, entries: readonly SessionEntry[], appendOptions) {
      const target = session(id);
      assertVersion('expectedVersion', appendOptions.expectedVersion);
      const version = target.version;
      if (appendOptions.expectedVersion !== version) {
        throw new StoreConflictError({
          sessionId: id,
          expectedVersion: appendOptions.expectedVersion,
          actualVersion: version,
        });
      }
      // Durable stores serialise entries as JSON; refuse here too what they cannot keep (BigInt, cycles,
      // class instances), before anything is written, so the append stays all-or-nothing and behaves the
      // same in every store. A walk, not JSON.stringify: this is on the agent loop's hot path.
      for (const entry of entries) {
        if (!isJsonSafe(entry)) {
          throw new StoreError(`Cannot append to session ${id}: an entry is not JSON-serialisable.`, { sessionId: id });
        }
      }
      const createdAt = now();
      let seq = version;
      let pending = target.pending;
      for (const entry of entries) {
        target.entries.push({ seq: ++seq, schemaVersion: ENTRY_SCHEMA_VERSION, createdAt, entry });
        pending = pausedAfter(pending, entry);
      }
      target.pending = pending;
      target.touch(seq, createdAt);
      return seq;
    },

    async load(id): Promise<LoadedSession> {
      const target = session(id);
      return { info: target.info, entries: target.entries.slice() };
    },

    async truncate(id, truncateOptions) {
      const target = session(id);
      assertVersion('version', truncateOptions.version);
      if (truncateOptions.expectedVersion !== undefined && truncateOptions.expectedVersion !== target.version) {
        throw new StoreConflictError({
          sessionId: id,
          expectedVersion: truncateOptions.expectedVersion,
          actualVersion: target.version,
        });
      }
      if (truncateOptions.version > target.version) {
        throw new StoreError(
          `Cannot truncate session ${id} to version ${truncateOptions.version}: it has ${target.version} entries.`,
          { sessionId: id },
        );
      }
      target.truncate(truncateOptions.version, now());
      return target.info;
    },

    async fork(id, forkOptions = {}) {
      const source = session(id);
      const version = forkOptions.version ?? source.version;
      assertVersion('version', version);
      if (version > source.version) {
        throw new StoreError(`Cannot fork session ${id} at version ${version}: it has ${source.version} entries.`, {
          sessionId: id,
        });
      }
      const forkId = forkOptions.id ?? createId('ses');
      if (sessions.has(forkId)) throw new StoreError(`Session ${forkId} already exists.`, { sessionId: forkId });
      const time = now();
      const metadata = { ...(forkOptions.metadata ?? source.info.metadata) };
      const forked = new MemorySession(
        { id: forkId, createdAt: time, metadata, parentId: id },
        version,
        time,
        source.entries.slice(0, version),
      );
      sessions.add(forkId, forked);
      return forked.info;
    },

    async delete(id) {
      open();
      sessions.delete(id);
      tasks.deleteSession(id);
    },

    async putTask(task, taskOptions) {
      open();
      return tasks.put(task, taskOptions);
    },

    async getTask(taskId) {
      open();
      return tasks.get(taskId);
    },

    async listTasks(sessionId) {
      open();
      return tasks.list(sessionId);
    },

    async lockSession(id, lockOptions) {
      open();
      return locks.acquire(id, lockOptions);
    },

    async close() {
      closed = true;
      locks.clear(new StoreError('The memory store is closed.'));
      sessions.clear();
      tasks.clear();
    },
  };
}

/** Checks the options of {@link memoryStore} and fills in the defaults. */
function resolveOptions(options: MemoryStoreOptions): Required<MemoryStoreOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('memoryStore: options must be an object, e.g. { maxSessions: 1000 }.');
  }
  const bound = (name: string, value: number | undefined, fallback: number, integer: boolean): number => {
    if (value === undefined) return fallback;
    const valid = typeof value === 'number' && value > 0 && (value === Infinity || !integer || Number.isInteger(value));
    if (!valid) {
      throw new ConfigError(
        `memoryStore: \`${name}\` must be a positive ${integer ? 'integer' : 'number'} or Infinity, got ${String(value)}.`,
      );
    }
    return value;
  };
  const retain = options.retain ?? 'all';
  if (retain !== 'all' && retain !== 'none') {
    throw new ConfigError(`memoryStore: \`retain\` must be 'all' or 'none', got ${JSON.stringify(retain)}.`);
  }
  return {
    maxSessions: bound('maxSessions', options.maxSessions, 1000, true),
    idleTtlMs: bound('idleTtlMs', options.idleTtlMs, 3_600_000, false),
    retain,
  };
}
