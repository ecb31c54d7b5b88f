import { SessionNotFoundError, StoreConflictError, StoreError } from '../errors/store-error.js';
import { createId } from '../internal/ids.js';
import { isJsonSafe } from '../internal/json-safe.js';
import {
  ENTRY_SCHEMA_VERSION,
  type CreateSessionOptions,
  type ListSessionsOptions,
  type LoadedSession,
  type SessionEntry,
  type SessionInfo,
  type SessionPage,
  type SessionStore,
  type StoredEntry,
} from './types.js';
import { assertVersion, metadataMatches } from './store-helpers.js';

/**
 * A session in memory. Its `SessionInfo` is made when asked for and kept until the next write, so an append
 * (the agent loop's hot path) allocates nothing for it.
 */
class MemorySession {
  #info: SessionInfo | undefined;

  constructor(
    private readonly base: Pick<SessionInfo, 'id' | 'createdAt' | 'metadata' | 'parentId'>,
    public version: number,
    public updatedAt: number,
    readonly entries: StoredEntry[],
  ) {}

  get info(): SessionInfo {
    return (this.#info ??= { ...this.base, version: this.version, updatedAt: this.updatedAt });
  }

  touch(version: number, updatedAt: number): void {
    this.version = version;
    this.updatedAt = updatedAt;
    this.#info = undefined;
  }
}

/**
 * A `SessionStore` in memory: the default, for tests and short-lived processes. Sessions are lost when
 * the process ends; use `sqliteStore` or `postgresStore` to keep them.
 *
 * Entries are kept as the objects given (they are immutable once appended), so appends cost no copy.
 *
 * @example
 * ```ts
 * const agent = createAgent({ model, store: memoryStore() });
 * ```
 */
export function memoryStore(): SessionStore {
  const sessions = new Map<string, MemorySession>();
  let closed = false;
  // Bumped on every write so sessions updated in the same millisecond still list newest first.
  let clock = 0;
  const now = (): number => (clock = Math.max(clock + 1, Date.now()));

  const open = (): void => {
    if (closed) throw new StoreError('The memory store is closed.');
  };
  const session = (id: string): MemorySession => {
    open();
    const found = sessions.get(id);
    if (!found) throw new SessionNotFoundError(id);
    return found;
  };

  return {
    async create(options: CreateSessionOptions = {}) {
      open();
      const id = options.id ?? createId('ses');
      if (sessions.has(id)) throw new StoreError(`Session ${id} already exists.`, { sessionId: id });
      const time = now();
      const created = new MemorySession({ id, createdAt: time, metadata: { ...options.metadata } }, 0, time, []);
      sessions.set(id, created);
      return created.info;
    },

    async get(id) {
      open();
      return sessions.get(id)?.info;
    },

    async list(options: ListSessionsOptions = {}): Promise<SessionPage> {
      open();
      const limit = options.limit ?? 50;
      const all = [...sessions.values()]
        .map((s) => s.info)
        .filter((info) => metadataMatches(info.metadata, options.metadata))
        .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
      const start = options.cursor ? Number(options.cursor) : 0;
      const page = all.slice(start, start + limit);
      return start + limit < all.length ? { sessions: page, nextCursor: String(start + limit) } : { sessions: page };
    },

    async append(id, entries: readonly SessionEntry[], options) {
      const target = session(id);
      assertVersion('expectedVersion', options.expectedVersion);
      const version = target.version;
      if (options.expectedVersion !== version) {
        throw new StoreConflictError({
          sessionId: id,
          expectedVersion: options.expectedVersion,
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
      for (const entry of entries)
        target.entries.push({ seq: ++seq, schemaVersion: ENTRY_SCHEMA_VERSION, createdAt, entry });
      target.touch(seq, createdAt);
      return seq;
    },

    async load(id): Promise<LoadedSession> {
      const target = session(id);
      return { info: target.info, entries: target.entries.slice() };
    },

    async truncate(id, options) {
      const target = session(id);
      assertVersion('version', options.version);
      if (options.expectedVersion !== undefined && options.expectedVersion !== target.version) {
        throw new StoreConflictError({
          sessionId: id,
          expectedVersion: options.expectedVersion,
          actualVersion: target.version,
        });
      }
      if (options.version > target.version) {
        throw new StoreError(
          `Cannot truncate session ${id} to version ${options.version}: it has ${target.version} entries.`,
          {
            sessionId: id,
          },
        );
      }
      target.entries.length = options.version;
      target.touch(options.version, now());
      return target.info;
    },

    async fork(id, options = {}) {
      const source = session(id);
      const version = options.version ?? source.version;
      assertVersion('version', version);
      if (version > source.version) {
        throw new StoreError(`Cannot fork session ${id} at version ${version}: it has ${source.version} entries.`, {
          sessionId: id,
        });
      }
      const forkId = options.id ?? createId('ses');
      if (sessions.has(forkId)) throw new StoreError(`Session ${forkId} already exists.`, { sessionId: forkId });
      const time = now();
      const metadata = { ...(options.metadata ?? source.info.metadata) };
      const forked = new MemorySession(
        { id: forkId, createdAt: time, metadata, parentId: id },
        version,
        time,
        source.entries.slice(0, version),
      );
      sessions.set(forkId, forked);
      return forked.info;
    },

    async delete(id) {
      open();
      sessions.delete(id);
    },

    async close() {
      closed = true;
      sessions.clear();
    },
  };
}
