/**
 * Bounded capture of a process's output.
 *
 * @packageDocumentation
 */

/**
 * Keeps the first and last characters of a stream within `maxChars` of memory, and counts them all. When
 * everything fits, {@link OutputBuffer.text} is the output exactly; otherwise head and tail joined by a
 * marker saying how much was left out.
 */
export class OutputBuffer {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  #head = '';
  #tail = '';
  #total = 0;

  constructor(maxChars: number) {
    const limit = Math.max(2, Math.floor(maxChars));
    this.#headLimit = Math.ceil(limit / 2);
    this.#tailLimit = limit - this.#headLimit;
  }

  push(chunk: string): void {
    this.#total += chunk.length;
    let rest = chunk;
    if (this.#head.length < this.#headLimit) {
      const room = this.#headLimit - this.#head.length;
      this.#head += rest.slice(0, room);
      rest = rest.slice(room);
    }
    if (rest === '') return;
    // Trim lazily (at twice the limit) so each chunk costs amortised O(chunk), not O(limit).
    this.#tail += rest;
    if (this.#tail.length > 2 * this.#tailLimit) this.#tail = this.#tail.slice(-this.#tailLimit);
  }

  /** Characters pushed in total. */
  get totalChars(): number {
    return this.#total;
  }

  get truncated(): boolean {
    return this.#total > this.#head.length + Math.min(this.#tail.length, this.#tailLimit);
  }

  get text(): string {
    const tail = this.#tail.slice(-this.#tailLimit);
    const omitted = this.#total - this.#head.length - tail.length;
    if (omitted <= 0) return this.#head + tail;
    return `${this.#head}\n\n… [${omitted} characters omitted] …\n\n${tail}`;
  }
}
