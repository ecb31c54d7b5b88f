/**
 * The sessions of the memory store, bounded: least recently used first out past `maxSessions`, and out
 * after `idleTtlMs` unused. A session in use (a run holds or waits for its lock, or it is paused on
 * approvals) is never dropped. Internal and runtime-neutral.
 */
import type { MemorySession } from './memory-session.js';

/** The bounds of a {@link SessionCache}; `Infinity` turns one off. */
export interface SessionBounds {
  readonly maxSessions: number;
  readonly idleTtlMs: number;
}

/** How often idle sessions are looked for, at most: expiry is also checked on every access. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A `Map` whose insertion order is the order of use: every use moves a session to the end, so the least
 * recently used sessions come first. Sessions found in use when dropping are moved to the end too (they
 * are moved again, with a fresh time, when they stop being in use), so the front stays droppable.
 */
export class SessionCache {
  readonly #map = new Map<string, MemorySession>();
  readonly #bounds: SessionBounds;
  readonly #inUse: (id: string, session: MemorySession) => boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  /**
   * The id last put at the end of the map. A run appends to its session several times a step, and the
   * session is then already last: moving it again (a delete and a set) was a tenth of a step's cost.
   */
  #last: string | undefined;
  /** Set when a drop found every session in use; cleared when one is let go or deleted. */
  #allInUse = false;

  constructor(bounds: SessionBounds, inUse: (id: string, session: MemorySession) => boolean) {
    this.#bounds = bounds;
    this.#inUse = inUse;
  }

  /** The live session `id`, marked as used now; `undefined` when absent or idle past the TTL (then dropped). */
  use(id: string): MemorySession | undefined {
    const session = this.#live(id);
    if (session) this.#markUsed(id, session);
    return session;
  }

  /** Whether `id` names a live session (not marking it used). */
  has(id: string): boolean {
    return this.#live(id) !== undefined;
  }

  /** Adds a session as the most recently used, then drops the least recently used past `maxSessions`. */
  add(id: string, session: MemorySession): void {
    // `set` on an existing key keeps its place; the newly added session must be the last.
    this.#map.delete(id);
    this.#map.set(id, session);
    this.#last = id;
    // A session added while not in use can be dropped by the next add: that one must look again.
    if (!this.#inUse(id, session)) this.#allInUse = false;
    this.sweep();
    while (this.#map.size > this.#bounds.maxSessions && !this.#allInUse && this.#dropOne(id)) {
      // One dropped per pass; stops when every other session is in use.
    }
    if (this.#timer === undefined && this.#bounds.idleTtlMs !== Infinity) this.#startSweeping();
  }

  /** Marks `id` used now, if it is here (a run released it). */
  touch(id: string): void {
    this.#allInUse = false;
    const session = this.#map.get(id);
    if (session) this.#markUsed(id, session);
  }

  delete(id: string): void {
    this.#allInUse = false;
    this.#map.delete(id);
    if (this.#map.size === 0) this.#stop();
  }

  /** Every live session, after dropping the idle ones. */
  values(): IterableIterator<MemorySession> {
    this.sweep();
    return this.#map.values();
  }

  /** Drops every session idle past the TTL, from the least recently used on. */
  sweep(): void {
    const ttl = this.#bounds.idleTtlMs;
    if (ttl !== Infinity) {
      const now = Date.now();
      let steps = this.#map.size;
      for (const [id, session] of this.#map) {
        if (steps-- <= 0) break;
        // Least recently used first: the first session still within the TTL ends the sweep, in use or not.
        // Checking use first walked every session in use on every add: quadratic under many concurrent runs.
        if (now - session.lastUsed <= ttl) break;
        if (this.#inUse(id, session)) {
          this.#moveToEnd(id, session);
          continue;
        }
        this.#map.delete(id);
      }
    }
    if (this.#map.size === 0) this.#stop();
  }

  clear(): void {
    this.#allInUse = false;
    this.#map.clear();
    this.#stop();
  }

  #live(id: string): MemorySession | undefined {
    const session = this.#map.get(id);
    if (!session || Date.now() - session.lastUsed <= this.#bounds.idleTtlMs || this.#inUse(id, session)) return session;
    this.delete(id);
    return undefined;
  }

  #markUsed(id: string, session: MemorySession): void {
    session.lastUsed = Date.now();
    this.#moveToEnd(id, session);
  }

  #moveToEnd(id: string, session: MemorySession): void {
    if (this.#last === id) return;
    this.#map.delete(id);
    this.#map.set(id, session);
    this.#last = id;
  }

  /** Drops the least recently used session not in use, other than `keep`; false when there is none. */
  #dropOne(keep: string): boolean {
    let steps = this.#map.size;
    for (const [id, session] of this.#map) {
      if (steps-- <= 0) break;
      if (id === keep) continue;
      if (this.#inUse(id, session)) {
        this.#moveToEnd(id, session);
        continue;
      }
      this.#map.delete(id);
      return true;
    }
    // Nothing to drop until a run lets a session go (`touch`) or one is deleted: until then, adds past the
    // bound skip the walk instead of repeating it over every session in use.
    this.#allInUse = true;
    return false;
  }

  /**
   * Sweeps on a timer that keeps neither the process nor the store alive: it is unref'd, and it reaches
   * the cache through a weak reference, so a store dropped by its program (an agent made per request) is
   * collected with its sessions, and the timer then stops itself.
   */
  #startSweeping(): void {
    const cache = new WeakRef(this);
    const timer = setInterval(
      () => {
        const live = cache.deref();
        if (live) live.sweep();
        else clearInterval(timer);
      },
      Math.min(this.#bounds.idleTtlMs, SWEEP_EVERY_MS),
    );
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
