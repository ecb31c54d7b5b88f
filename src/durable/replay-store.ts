/**
 * The session store a durable run's agent sees: the shared store, with the run's own session shown as it
 * was when the workflow began plus what this execution has appended so far.
 *
 * Why: DBOS recovers a workflow by running its function again from the start, replaying every recorded
 * step. The session entries the crashed execution wrote are already in the store, so the replayed loop
 * must not see them as history (it would call the model on a longer conversation than the recorded
 * steps answered) and must not append them twice. Each append the replay makes at a position the store
 * already holds is checked against the stored entries and skipped; the first append past them is real.
 *
 * @packageDocumentation
 */
import { StoreConflictError, StoreError } from '../errors/store-error.js';
import type { LoadedSession, SessionEntry, SessionInfo, SessionStore, StoredEntry } from '../stores/types.js';

/** What identifies an entry across executions: message role and tool call ids, not timestamps or run ids. */
function shapeOf(entry: SessionEntry): string {
  if (entry.type !== 'message') return entry.type;
  const ids = entry.message.content.flatMap((part) =>
    part.type === 'tool-call' || part.type === 'tool-result' ? [part.id] : [],
  );
  return `message:${entry.message.role}:${ids.join(',')}`;
}

/**
 * Wraps `store` so that session `sessionId` starts at `baseVersion` for this execution.
 *
 * @throws StoreError from `append` when the replay would write entries that differ from those stored at the
 *   same positions: the workflow's code or its recorded steps no longer match what ran.
 */
export function replayStore(store: SessionStore, sessionId: string, baseVersion: number): SessionStore {
  let version = baseVersion;

  async function append(id: string, entries: readonly SessionEntry[], options: { expectedVersion: number }) {
    if (id !== sessionId) return store.append(id, entries, options);
    try {
      version = await store.append(id, entries, options);
      return version;
    } catch (error) {
      // Only a replay over entries a dead execution wrote finds the session ahead of it.
      if (!StoreConflictError.isInstance(error)) throw error;
    }
    const { entries: stored } = await store.load(id);
    const already = stored.filter(
      (e) => e.seq > options.expectedVersion && e.seq <= options.expectedVersion + entries.length,
    );
    const same =
      already.length === entries.length && already.every((e, i) => shapeOf(e.entry) === shapeOf(entries[i]!));
    if (!same) {
      throw new StoreError(
        `Session ${id}: the recovered run would write entries unlike those its first execution stored at version ${options.expectedVersion}.`,
        { sessionId: id },
      );
    }
    version = options.expectedVersion + entries.length;
    return version;
  }

  const clip = (info: SessionInfo): SessionInfo => (info.version > version ? { ...info, version } : info);

  async function load(id: string): Promise<LoadedSession> {
    const loaded = await store.load(id);
    if (id !== sessionId) return loaded;
    const entries: StoredEntry[] = loaded.entries.filter((e) => e.seq <= version);
    return { ...loaded, info: clip(loaded.info), entries };
  }

  async function get(id: string): Promise<SessionInfo | undefined> {
    const info = await store.get(id);
    return info && id === sessionId ? clip(info) : info;
  }

  const own: Partial<SessionStore> = { append, load, get };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in own) return own[property as keyof SessionStore];
      const value: unknown = Reflect.get(target, property, receiver);
      // Methods of class-based stores use private fields: they must run with the store itself as `this`.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
