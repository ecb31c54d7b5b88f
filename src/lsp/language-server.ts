/**
 * One configured language server through its life: started on first use, `initialize`d, restarted with a
 * growing delay after a crash or a failed start, `degraded` (never started again) after too many failures
 * in a row, and shut down on `close()`. Requests time out and are cancelled; a request in flight when the
 * server dies fails with kind `crashed`, so the caller can retry on the restarted server.
 */
import { CancellationTokenSource, type ResponseError } from 'vscode-jsonrpc/node';
import { abortReason, sleep } from '../internal/abort.js';
import { initializeParams } from './capabilities.js';
import type { ResolvedOptions, ResolvedServer } from './config.js';
import { DiagnosticsBook } from './diagnostics-book.js';
import { Documents } from './documents.js';
import { languageIdOf } from './languages.js';
import { LspError } from './lsp-error.js';
import type { InitializeResult, ServerCapabilities } from './protocol.js';
import { spawnServer, type ServerExit, type ServerProcess } from './server-process.js';
import { handleServerRequests } from './server-requests.js';
import type { LspEvent, LspServerState } from './types.js';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/** What a server needs from the client that owns it. */
export interface ServerEnvironment {
  readonly root: string;
  readonly options: ResolvedOptions;
  emit(event: LspEvent): void;
  /** A file's text, or `undefined` when it does not exist. */
  read(path: string): Promise<string | undefined>;
}

/** A started server process, with what it said it can do. */
interface Running {
  readonly process: ServerProcess;
  readonly capabilities: ServerCapabilities;
  /** Rejects every request in flight; called when the process dies. */
  readonly pending: Set<(error: Error) => void>;
}

const MAX_RESTART_DELAY_MS = 10_000;
const CLOSE_STEP_MS = 2_000;
/** Timeouts in a row after which the server is taken for hung and restarted. */
const HUNG_AFTER_TIMEOUTS = 2;

/** One language server and its documents and diagnostics. */
export class LanguageServer {
  readonly book = new DiagnosticsBook();
  readonly documents: Documents;
  #state: LspServerState = 'idle';
  #running?: Running;
  #starting?: Promise<Running>;
  #current?: ServerProcess;
  #attempts = 0;
  #failures = 0;
  #timeouts = 0;
  #lastFailure = '';
  #closing?: Promise<void>;
  readonly #wake = new AbortController();

  constructor(
    readonly config: ResolvedServer,
    private readonly env: ServerEnvironment,
  ) {
    this.documents = new Documents({
      notify: (method, params) => this.#notify(method, params),
      read: (file) => env.read(file),
      languageId: (file) => languageIdOf(file, config.languageIds),
      book: this.book,
    });
  }

  get name(): string {
    return this.config.name;
  }

  get state(): LspServerState {
    return this.#state;
  }

  /** The running server, started (or restarted) first when needed. */
  ready(): Promise<{ readonly capabilities: ServerCapabilities }> {
    if (this.#state === 'closed') return Promise.reject(this.#closedError());
    if (this.#state === 'degraded') return Promise.reject(this.#degradedError());
    if (this.#running) return Promise.resolve(this.#running);
    this.#starting ??= this.#startLoop(0);
    return this.#starting;
  }

  /**
   * Sends a request to the running server (started first when needed).
   *
   * @throws LspError `timeout` after `requestTimeoutMs` (the request is cancelled), `crashed` when the
   *   server dies first, `unsupported` when it does not know the method; the abort reason on abort.
   */
  async request<T>(method: string, params: unknown, signal?: AbortSignal): Promise<T> {
    await this.ready();
    const running = this.#running;
    if (!running) throw this.#crashedError(method);
    const source = new CancellationTokenSource();
    let timer: NodeJS.Timeout | undefined;
    let reject: ((error: Error) => void) | undefined;
    const onAbort = (): void => {
      source.cancel();
      reject?.(abortReason(signal!));
    };
    try {
      const result = await new Promise<T>((resolve, fail) => {
        reject = fail;
        running.pending.add(fail);
        running.process.connection
          .sendRequest<T>(method, params, source.token)
          .then(resolve, (error: unknown) => fail(this.#requestError(method, error, running)));
        timer = setTimeout(() => {
          source.cancel();
          const timeoutMs = this.env.options.requestTimeoutMs;
          this.env.emit({ type: 'lsp-request-timeout', server: this.name, method, timeoutMs });
          if (++this.#timeouts >= HUNG_AFTER_TIMEOUTS) running.process.kill('SIGKILL');
          fail(
            new LspError(
              'timeout',
              `The ${this.name} language server did not answer ${method} within ${Math.round(timeoutMs / 1000)} s.`,
            ),
          );
        }, this.env.options.requestTimeoutMs);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
      // A server that answers has proven itself: failures before this one no longer count.
      this.#failures = 0;
      this.#timeouts = 0;
      return result;
    } finally {
      clearTimeout(timer);
      if (reject) running.pending.delete(reject);
      signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }

  /** What the running server said it can do (`{}` before it runs). */
  capabilities(): ServerCapabilities {
    return this.#running?.capabilities ?? {};
  }

  /** Shuts the server down: `shutdown` and `exit`, then a kill if it is still there. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#closeNow();
    return this.#closing;
  }

  #notify(method: string, params: unknown): void {
    // Not running: the next process opens every known file afresh, so nothing is lost.
    this.#running?.process.connection.sendNotification(method, params).catch(() => undefined);
  }

  async #startLoop(initialDelayMs: number): Promise<Running> {
    let delayMs = initialDelayMs;
    try {
      for (;;) {
        if (delayMs > 0) await sleep(delayMs, this.#wake.signal).catch(() => undefined);
        if (this.#closed()) throw this.#closedError();
        try {
          return await this.#startOnce();
        } catch (error) {
          if (this.#closed()) throw this.#closedError();
          delayMs = this.#failed(error instanceof Error ? error.message : String(error));
        }
      }
    } finally {
      this.#starting = undefined;
    }
  }

  async #startOnce(): Promise<Running> {
    this.#state = this.#attempts === 0 ? 'starting' : 'restarting';
    this.#attempts++;
    const child = spawnServer(this.config, this.env.root);
    this.#current = child;
    if (child.pid !== 0) {
      this.env.emit({ type: 'lsp-server-start', server: this.name, pid: child.pid, attempt: this.#attempts });
    }
    void child.exited.then((exit) => this.#onExit(child, exit));
    this.book.clear();
    this.documents.reset();
    handleServerRequests(child.connection, {
      workspaceFolders: [{ uri: pathToFileURL(this.env.root).href, name: path.basename(this.env.root) }],
      ...(this.config.settings ? { settings: this.config.settings } : {}),
      onDiagnostics: (params) => this.book.record(params.uri, params.diagnostics, params.version),
      onDiagnosticsRefresh: () => this.book.clear(),
    });
    child.connection.listen();
    const started = performance.now();
    const result = await this.#initialize(child);
    const running: Running = { process: child, capabilities: result.capabilities ?? {}, pending: new Set() };
    this.#running = running;
    this.#state = 'ready';
    this.env.emit({
      type: 'lsp-server-ready',
      server: this.name,
      pid: child.pid,
      durationMs: Math.round(performance.now() - started),
    });
    // A restarted server knows nothing: open again every file the previous one had.
    await Promise.all(this.documents.known().map((file) => this.documents.sync(file).catch(() => undefined)));
    return running;
  }

  async #initialize(child: ServerProcess): Promise<InitializeResult> {
    const timeoutMs = this.env.options.startTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        child.connection
          .sendRequest<InitializeResult>(
            'initialize',
            initializeParams(this.env.root, this.config.initializationOptions),
          )
          .catch(async (error: unknown) => {
            // The connection is disposed when the process exits: say why it exited, not that it was disposed.
            if (child.hasExited())
              throw new Error(this.#exitMessage(await child.exited, child, 'before it answered initialize'));
            throw error;
          }),
        child.exited.then((exit) => {
          throw new Error(this.#exitMessage(exit, child, 'before it answered initialize'));
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`it did not answer initialize within ${Math.round(timeoutMs / 1000)} s`)),
            timeoutMs,
          );
        }),
      ]).then((result) => {
        child.connection.sendNotification('initialized', {}).catch(() => undefined);
        return result;
      });
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  #onExit(child: ServerProcess, exit: ServerExit): void {
    if (child.pid !== 0) {
      this.env.emit({
        type: 'lsp-server-exit',
        server: this.name,
        pid: child.pid,
        code: exit.code,
        signal: exit.signal,
        expected: this.#state === 'closed',
      });
    }
    const running = this.#running;
    if (running?.process !== child) return; // a failed start: #startOnce reports it
    this.#running = undefined;
    for (const fail of [...running.pending]) fail(this.#crashedError());
    if (this.#state === 'closed') return;
    // What the dead server spawned (tsserver's processes) goes with it.
    child.kill('SIGKILL');
    let delayMs: number;
    try {
      delayMs = this.#failed(this.#exitMessage(exit, child, 'unexpectedly'));
    } catch {
      return; // degraded
    }
    // Restart at once (after the delay), so diagnostics of open files come back without waiting for a call.
    this.#starting = this.#startLoop(delayMs);
    this.#starting.catch(() => undefined);
  }

  /** Counts a failure; returns the delay before the next start, or throws when the server is now degraded. */
  #failed(reason: string): number {
    this.#failures++;
    this.#lastFailure = reason;
    if (this.#failures > this.env.options.maxRestarts) {
      this.#state = 'degraded';
      const error = this.#degradedError();
      this.env.emit({ type: 'lsp-server-degraded', server: this.name, reason: error.message });
      throw error;
    }
    this.#state = 'restarting';
    const delayMs = Math.min(this.env.options.restartDelayMs * 2 ** (this.#failures - 1), MAX_RESTART_DELAY_MS);
    this.env.emit({ type: 'lsp-server-restart', server: this.name, attempt: this.#failures, delayMs });
    return delayMs;
  }

  async #closeNow(): Promise<void> {
    const graceful = this.#running?.process;
    this.#state = 'closed';
    this.#wake.abort();
    const child = this.#current;
    if (!child || child.hasExited()) return;
    if (graceful === child) {
      await within(child.connection.sendRequest('shutdown'), CLOSE_STEP_MS);
      child.connection.sendNotification('exit').catch(() => undefined);
    } else {
      child.kill('SIGTERM');
    }
    if (!(await within(child.exited, CLOSE_STEP_MS))) {
      child.kill('SIGKILL');
      await within(child.exited, CLOSE_STEP_MS);
    }
    // Helpers the server spawned and left behind go with it.
    child.kill('SIGKILL');
  }

  #requestError(method: string, error: unknown, running: Running): Error {
    if (running.process.hasExited() || this.#running !== running) return this.#crashedError(method);
    const response = error as Partial<ResponseError> | null;
    if (response?.code === -32601) {
      return new LspError('unsupported', `The ${this.name} language server does not support ${method}.`);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`The ${this.name} language server failed ${method}: ${message}`);
  }

  #exitMessage(exit: ServerExit, child: ServerProcess, when: string): string {
    const how = exit.error
      ? `could not be started (${exit.error.message})`
      : `exited ${when} (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`;
    const stderr = child.stderrTail().split('\n').slice(-3).join(' | ');
    return stderr ? `${how}; stderr: ${stderr}` : how;
  }

  #crashedError(method?: string): LspError {
    return new LspError(
      'crashed',
      `The ${this.name} language server stopped${method ? ` during ${method}` : ''}; it is being restarted.`,
    );
  }

  #degradedError(): LspError {
    return new LspError(
      'degraded',
      `The ${this.name} language server is unavailable: it failed ${this.#failures} times in a row (last: ${this.#lastFailure}). LSP tools for ${this.config.languages.map((e) => `.${e}`).join(', ')} files do not work in this session; use read and grep instead.`,
    );
  }

  // A method, so the compiler does not narrow the state across the awaits that can change it.
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #closedError(): LspError {
    return new LspError('closed', `The ${this.name} language server was closed.`);
  }
}

/** Whether `promise` settles within `ms` (its outcome is ignored). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
