/**
 * The documents one server has open, kept equal to the files on disk: a file is opened on first use, a
 * changed file is sent whole with the next version, a removed file is closed. Files once opened are
 * remembered, so a restarted server gets them opened again.
 */
import { pathToFileURL } from 'node:url';
import type { DiagnosticsBook } from './diagnostics-book.js';

/** A document as the server has it. */
export interface OpenDocument {
  readonly uri: string;
  readonly path: string;
  readonly version: number;
  readonly text: string;
  /** The book's sequence number when the server was last told about it: reports after it are current. */
  readonly sentAt: number;
}

/** What a sync did. */
export type SyncOutcome =
  | { readonly kind: 'opened' | 'changed' | 'unchanged'; readonly document: OpenDocument }
  | { readonly kind: 'missing'; readonly uri: string };

/** How documents reach their server. */
export interface DocumentChannel {
  notify(method: string, params: unknown): void;
  /** The file's text, or `undefined` when it does not exist. */
  read(path: string): Promise<string | undefined>;
  languageId(path: string): string;
  readonly book: DiagnosticsBook;
}

/** The open documents of one server process. */
export class Documents {
  readonly #open = new Map<string, OpenDocument>();
  readonly #known = new Set<string>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly channel: DocumentChannel) {}

  /**
   * Brings the server's copy of `path` up to date with the disk. Syncs of one file run one at a time, so
   * versions only grow and the last text read is the last one sent.
   */
  sync(path: string): Promise<SyncOutcome> {
    const previous = this.#queues.get(path) ?? Promise.resolve();
    const next = previous.then(
      () => this.#syncNow(path),
      () => this.#syncNow(path),
    );
    this.#queues.set(path, next);
    void next.finally(() => {
      if (this.#queues.get(path) === next) this.#queues.delete(path);
    });
    return next;
  }

  /** The open document of `path`, if any. */
  get(path: string): OpenDocument | undefined {
    return this.#open.get(path);
  }

  /** Every open document. */
  all(): OpenDocument[] {
    return [...this.#open.values()];
  }

  /** Files once opened or tracked, whether or not the current server process has them. */
  known(): string[] {
    return [...this.#known];
  }

  /** Counts `path` among the known files at once, before a sync opens it. */
  track(path: string): void {
    this.#known.add(path);
  }

  /** A new server process has nothing open: forget what the old one had (but not which files were used). */
  reset(): void {
    this.#open.clear();
  }

  async #syncNow(path: string): Promise<SyncOutcome> {
    const text = await this.channel.read(path);
    const current = this.#open.get(path);
    const uri = current?.uri ?? pathToFileURL(path).href;
    if (text === undefined) {
      if (current) {
        this.#open.delete(path);
        this.channel.notify('textDocument/didClose', { textDocument: { uri } });
      }
      this.#known.delete(path);
      this.channel.book.forget(uri);
      return { kind: 'missing', uri };
    }
    if (current && current.text === text) return { kind: 'unchanged', document: current };
    const version = (current?.version ?? 0) + 1;
    const document: OpenDocument = { uri, path, version, text, sentAt: this.channel.book.mark() };
    this.#open.set(path, document);
    this.#known.add(path);
    if (current) {
      this.channel.book.noteChange(uri);
      this.channel.notify('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
      return { kind: 'changed', document };
    }
    this.channel.book.noteOpen(uri);
    this.channel.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: this.channel.languageId(path), version, text },
    });
    return { kind: 'opened', document };
  }
}
