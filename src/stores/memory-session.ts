/** One session of the memory store. Internal and runtime-neutral. */
import type { SessionEntry, SessionInfo, StoredEntry } from './types.js';

/**
 * A session in memory. Its `SessionInfo` is made when asked for and kept until the next write, so an append
 * (the agent loop's hot path) allocates nothing for it.
 */
export class MemorySession {
  #info: SessionInfo | undefined;
  /** When the session was last used (`Date.now()`), for the idle TTL. */
  lastUsed = Date.now();
  /** Whether the log ends paused: pending approvals not resolved yet. Such a session is never evicted. */
  pending: boolean;

  constructor(
    private readonly base: Pick<SessionInfo, 'id' | 'createdAt' | 'metadata' | 'parentId'>,
    public version: number,
    public updatedAt: number,
    readonly entries: StoredEntry[],
  ) {
    this.pending = entries.reduce((paused, stored) => pausedAfter(paused, stored.entry), false);
  }

  get info(): SessionInfo {
    return (this.#info ??= { ...this.base, version: this.version, updatedAt: this.updatedAt });
  }

  touch(version: number, updatedAt: number): void {
    this.version = version;
    this.updatedAt = updatedAt;
    this.#info = undefined;
  }

  /** Keeps the first `version` entries. */
  truncate(version: number, updatedAt: number): void {
    this.entries.length = version;
    this.pending = this.entries.reduce((paused, stored) => pausedAfter(paused, stored.entry), false);
    this.touch(version, updatedAt);
  }
}

/** Whether a log that was `paused` before `entry` is paused after it (as the agent reads a session). */
export function pausedAfter(paused: boolean, entry: SessionEntry): boolean {
  if (entry.type === 'pending-approvals') return true;
  if (entry.type === 'approvals-resolved') return false;
  return paused;
}
