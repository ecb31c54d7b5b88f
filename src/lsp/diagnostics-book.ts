/**
 * The diagnostics one server has reported, per document, each stamped with a sequence number so a waiter
 * can tell a report made after its change from one made before.
 */
import { abortReason } from '../internal/abort.js';
import type { Diagnostic } from './protocol.js';

interface Entry {
  readonly diagnostics: readonly Diagnostic[];
  readonly seq: number;
  /** The document version the server says the report is for, when it says. */
  readonly version?: number;
}

/** Latencies kept to judge how long a silence must last. */
const LATENCY_SAMPLES = 8;
/** Bounds of the silence grace: how long a server may take to re-report a file before silence means "no change". */
const MIN_GRACE_MS = 1_000;
const MAX_GRACE_MS = 10_000;
const DEFAULT_GRACE_MS = 3_000;

/** Diagnostics by document URI, and waits on their arrival. */
export class DiagnosticsBook {
  #seq = 0;
  #lastAt = 0;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<() => void>();
  readonly #changedAt = new Map<string, number>();
  readonly #openedAt = new Map<string, number>();
  readonly #latencies: number[] = [];
  #firstReportMs?: number;

  /** The sequence number of the last event: a later report of a document has a higher one. */
  mark(): number {
    return ++this.#seq;
  }

  /** Records a report (pushed by the server or pulled by the client). */
  record(uri: string, diagnostics: readonly Diagnostic[], version?: number): void {
    this.#entries.set(uri, { diagnostics, seq: ++this.#seq, ...(typeof version === 'number' ? { version } : {}) });
    this.#lastAt = performance.now();
    const openedAt = this.#openedAt.get(uri);
    if (openedAt !== undefined) {
      this.#openedAt.delete(uri);
      this.#firstReportMs = Math.max(this.#firstReportMs ?? 0, this.#lastAt - openedAt);
    }
    const changedAt = this.#changedAt.get(uri);
    if (changedAt !== undefined) {
      this.#changedAt.delete(uri);
      this.#latencies.push(this.#lastAt - changedAt);
      if (this.#latencies.length > LATENCY_SAMPLES) this.#latencies.shift();
    }
    for (const listener of [...this.#listeners]) listener();
  }

  /** Notes that a document was just changed: its next report measures how fast the server reports. */
  noteChange(uri: string): void {
    this.#changedAt.set(uri, performance.now());
  }

  /** Notes that a document was just opened: its first report tells how slow the server is before any change. */
  noteOpen(uri: string): void {
    this.#openedAt.set(uri, performance.now());
  }

  /**
   * How long to wait for a report that may never come. Some servers stay silent when a file's diagnostics
   * did not change (typescript-language-server does not repeat an empty report), so past this grace a
   * silence counts as "still none": three times the slowest recent report after a change, within bounds;
   * before any change was reported, as long as the slowest first report of an opened file took (which
   * includes loading the project, so it errs on the long side).
   */
  silenceGraceMs(): number {
    const estimate =
      this.#latencies.length > 0 ? 3 * Math.max(...this.#latencies) : (this.#firstReportMs ?? DEFAULT_GRACE_MS);
    return Math.min(MAX_GRACE_MS, Math.max(MIN_GRACE_MS, estimate));
  }

  /** Takes the last report of `uri` as current for `version` (the server was silent: nothing changed). */
  confirm(uri: string, version?: number): void {
    const entry = this.#entries.get(uri);
    if (!entry) return;
    this.#changedAt.delete(uri);
    this.#entries.set(uri, {
      diagnostics: entry.diagnostics,
      seq: ++this.#seq,
      ...(version === undefined ? {} : { version }),
    });
  }

  /** The last report of `uri`, if any. */
  get(uri: string): readonly Diagnostic[] | undefined {
    return this.#entries.get(uri)?.diagnostics;
  }

  /**
   * Whether `uri` was reported after sequence number `after`, for `version` or later when the server
   * names versions (a report that arrives late for an older text does not count).
   */
  reportedSince(uri: string, after: number, version?: number): boolean {
    const entry = this.#entries.get(uri);
    if (!entry || entry.seq <= after) return false;
    return version === undefined || entry.version === undefined || entry.version >= version;
  }

  /** Whether a document other than `except` was reported after sequence number `after`. */
  otherReportedSince(after: number, except: ReadonlySet<string>): boolean {
    for (const [uri, entry] of this.#entries) if (entry.seq > after && !except.has(uri)) return true;
    return false;
  }

  /** Forgets a document (closed, or its server restarted). */
  forget(uri: string): void {
    this.#entries.delete(uri);
    this.#changedAt.delete(uri);
    this.#openedAt.delete(uri);
  }

  /** Forgets everything: a restarted server reports afresh. */
  clear(): void {
    this.#entries.clear();
    this.#changedAt.clear();
    this.#openedAt.clear();
  }

  /**
   * Resolves `true` once `ready()` holds (checked now and after each report), `false` after `timeoutMs`.
   *
   * @throws the abort reason when `signal` fires.
   */
  waitFor(ready: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return this.#wait((done) => () => ready() && done(true), timeoutMs, signal);
  }

  /**
   * Resolves `true` once no report has come for `quietMs`, `false` when that has not happened within
   * `timeoutMs`: servers report a change in several messages (one per affected file), close together.
   */
  waitQuiet(quietMs: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (quietMs <= 0) return Promise.resolve(true);
    const deadline = performance.now() + timeoutMs;
    return this.#wait(
      (done) => {
        let timer: NodeJS.Timeout | undefined;
        const arm = (): void => {
          clearTimeout(timer);
          const quietLeft = quietMs - (performance.now() - this.#lastAt);
          if (performance.now() + Math.max(quietLeft, 0) > deadline) return;
          timer = setTimeout(() => done(true), Math.max(quietLeft, 0));
        };
        arm();
        return Object.assign(arm, { stop: () => clearTimeout(timer) });
      },
      timeoutMs,
      signal,
    );
  }

  // Runs a waiter: `start` gets `done` and returns the listener called on each report.
  #wait(
    start: (done: (value: boolean) => void) => (() => void) & { stop?: () => void },
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        listener.stop?.();
        this.#listeners.delete(listener);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = (): void => finish(() => reject(abortReason(signal!)));
      const listener = start((value) => finish(() => resolve(value)));
      const timer = setTimeout(() => finish(() => resolve(false)), timeoutMs);
      this.#listeners.add(listener);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
