/**
 * Tool-call ids unique in their session. Ids come from the provider's stream, and compatible servers,
 * proxies and custom models do not all guarantee uniqueness; an approval, a result and an event name a
 * call by its id, so two calls sharing one would share a decision.
 */

/**
 * The longest id kept as the provider sent it. Longer ids are shortened (re-keyed): OpenAI caps tool-call
 * ids at 40 characters, and an id is stored, shown and sent back with every later request.
 */
export const MAX_CALL_ID_LENGTH = 40;

/**
 * The tool-call ids taken in one session, handing out a unique id for each new call.
 *
 * A fresh, well-formed id is kept as is. A repeated one (within the turn, or from earlier in the session),
 * an empty one, or one longer than {@link MAX_CALL_ID_LENGTH} is re-keyed deterministically to
 * `<base>_<n>`, the smallest `n` from 2 that is free, where `base` is the id with every character outside
 * `[A-Za-z0-9_-]` replaced by `_` and cut so the whole fits in 40 characters. Every provider accepts that
 * form back (Anthropic requires `^[a-zA-Z0-9_-]+$`; OpenAI 40 characters at most), and the re-keyed id is
 * the one stored, shown, answered and sent back to the model.
 *
 * @example
 * ```ts
 * const ids = new CallIds(['toolu_1']);
 * ids.unique('toolu_2'); // 'toolu_2'
 * ids.unique('toolu_1'); // 'toolu_1_2'
 * ids.unique('toolu_1'); // 'toolu_1_3'
 * ```
 */
export class CallIds {
  readonly #used: Set<string>;
  /** Per base, the `n` to try first: every smaller `n` is taken (ids are only ever added). */
  readonly #next = new Map<string, number>();

  constructor(used: Iterable<string> = []) {
    this.#used = new Set(used);
  }

  /** Records an id already stored in the session. */
  add(id: string): void {
    this.#used.add(id);
  }

  /** The id a new call with the provider's `id` gets; it is taken from then on. */
  unique(id: unknown): string {
    if (typeof id === 'string' && id !== '' && id.length <= MAX_CALL_ID_LENGTH) {
      // One hash lookup on the common path: `add` grows the set only for an id not taken yet.
      const size = this.#used.size;
      if (this.#used.add(id).size !== size) return id;
    }
    const base =
      typeof id === 'string' && id !== '' ? id.slice(0, MAX_CALL_ID_LENGTH).replace(/[^A-Za-z0-9_-]/g, '_') : 'call';
    for (let n = this.#next.get(base) ?? 2; ; n++) {
      const suffix = `_${n}`;
      const candidate = base.slice(0, MAX_CALL_ID_LENGTH - suffix.length) + suffix;
      if (!this.#used.has(candidate)) {
        this.#used.add(candidate);
        this.#next.set(base, n + 1);
        return candidate;
      }
    }
  }
}
