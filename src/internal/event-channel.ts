/**
 * A single-consumer channel between a run and the code iterating it.
 *
 * - Before a consumer attaches, and after it detaches, `push` drops values: an unobserved run buffers
 *   nothing and never waits.
 * - With a consumer attached, values queue up to `capacity`; past that `push` returns a promise that
 *   resolves when the consumer has taken one, so a slow consumer holds the producer back instead of
 *   growing memory.
 * - `push` is synchronous (returns `undefined`) on the fast path, so a hot producer pays no promise per value.
 */
export class EventChannel<T> {
  readonly #capacity: number;
  #buffer: T[] = [];
  #head = 0;
  #attached = false;
  #detached = false;
  #closed = false;
  #error: unknown = undefined;
  // The waiting consumer's resolving functions, kept as two fields: no object per wait.
  #resolve: ((r: IteratorResult<T>) => void) | undefined;
  #reject: ((e: unknown) => void) | undefined;
  readonly #wait = (resolve: (r: IteratorResult<T>) => void, reject: (e: unknown) => void): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };
  #space: (() => void) | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Whether a consumer is reading. */
  get observed(): boolean {
    return this.#attached && !this.#detached;
  }

  /** Starts consumption; values pushed from now on are delivered. */
  attach(): void {
    this.#attached = true;
  }

  /** Offers a value. Returns a promise only when the producer must wait for the consumer. */
  push(value: T): Promise<void> | undefined {
    if (!this.#attached || this.#detached || this.#closed) return undefined;
    const resolve = this.#resolve;
    if (resolve) {
      this.#resolve = this.#reject = undefined;
      resolve({ value, done: false });
      return undefined;
    }
    this.#buffer.push(value);
    if (this.#buffer.length - this.#head < this.#capacity) return undefined;
    return new Promise<void>((resolve) => {
      this.#space = resolve;
    });
  }

  /** Ends the stream; the consumer drains what is buffered, then sees the end (or `error`). */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = error;
    const [resolve, reject] = [this.#resolve, this.#reject];
    if (resolve && reject) {
      this.#resolve = this.#reject = undefined;
      if (error === undefined) resolve({ value: undefined, done: true });
      else reject(error);
    }
    this.#releaseProducer();
  }

  /** The consumer stops reading: drop the buffer and never block the producer again. */
  detach(): void {
    this.#detached = true;
    this.#buffer = [];
    this.#head = 0;
    this.#releaseProducer();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head++] as T;
      if (this.#head === this.#buffer.length) {
        this.#buffer.length = 0;
        this.#head = 0;
      } else if (this.#head > 1024) {
        this.#buffer = this.#buffer.slice(this.#head);
        this.#head = 0;
      }
      if (this.#space) this.#releaseProducer();
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed || this.#detached) {
      return this.#error === undefined || this.#detached
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.#error);
    }
    // One bound executor for every wait: no closure per event.
    return new Promise(this.#wait);
  }

  #releaseProducer(): void {
    const space = this.#space;
    if (space) {
      this.#space = undefined;
      space();
    }
  }
}
