import type { JsonValue } from '../model/message.js';
import type { DataEntry } from '../stores/types.js';
import type { SessionState } from '../tools/tool.js';

/** The session's key/value state: loaded from `data` entries, written back as `data` entries when dirty. */
export class SessionStateMap implements SessionState {
  readonly #values = new Map<string, JsonValue>();
  readonly #dirty = new Set<string>();

  /** Applies a stored entry (while loading a session). */
  load(key: string, value: JsonValue): void {
    this.#values.set(key, value);
  }

  get(key: string): JsonValue | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: JsonValue): void {
    this.#values.set(key, value);
    this.#dirty.add(key);
  }

  /** The entries to store for what changed since the last call (`undefined` when nothing did). */
  drain(): DataEntry[] | undefined {
    if (this.#dirty.size === 0) return undefined;
    const entries: DataEntry[] = [];
    for (const key of this.#dirty) entries.push({ type: 'data', key, value: this.#values.get(key) ?? null });
    this.#dirty.clear();
    return entries;
  }
}
