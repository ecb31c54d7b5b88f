import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import type { ToolsetStatus } from '../tools/toolset.js';
import { listAll } from './list-all.js';
import { openClient, type ClientSetup, type OpenedClient } from './open-client.js';
import type { ResolvedServer, ResolvedSettings } from './resolve-options.js';

/**
 * Where a server is in its life: `idle` before it is first needed, `starting`, `ready`, `restarting` after
 * a failure (waiting out its backoff or reconnecting), `degraded` after too many failures in a row (its
 * tools are removed until `reconnect`), `closed`. *
 * @example
 * ```ts
 * const state: McpServerState = mcp.status().fs.state; // 'ready'
 * ```
 */
export type McpServerState = 'idle' | 'starting' | 'ready' | 'restarting' | 'degraded' | 'closed';

/** What the toolset hears from a connection. */
export interface ConnectionEvents {
  /** The tool list or the state changed. */
  changed(): void;
  status(status: ToolsetStatus): void;
}

/** A tool call in progress, so a server request made meanwhile (sampling) can be tied to its run. */
export interface CallInProgress {
  readonly runId: string;
  readonly signal: AbortSignal;
}

/** How long a liveness ping may take. */
const PROBE_TIMEOUT_MS = 10_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One MCP server: starts it, lists its tools, restarts it with backoff when it dies or cannot be reached,
 * and gives up (`degraded`) after `maxRestarts` failures in a row. Calls made while it restarts wait for it.
 */
export class ServerConnection {
  state: McpServerState = 'idle';
  /** The server's tools (after `includeTools`/`excludeTools`), as it listed them last. */
  definitions: readonly McpToolDefinition[] = [];
  failures = 0;
  restarts = 0;
  lastError: string | undefined;
  /** Whether the server offered resources when it last started (and its options let the model reach them). */
  resources = false;
  /** The tool calls in progress, kept only when `trackCalls` (sampling needs them). */
  readonly calls = new Set<CallInProgress>();
  trackCalls = false;
  #opened: OpenedClient | undefined;
  #attempt: Promise<void> | undefined;
  #readySince = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  #definitionsKey = '';
  #probing = false;

  constructor(
    readonly server: ResolvedServer,
    private readonly settings: ResolvedSettings,
    private readonly setup: () => Promise<ClientSetup>,
    private readonly events: ConnectionEvents,
  ) {}

  get name(): string {
    return this.server.name;
  }

  /** The connected client, while `ready`. */
  get client(): Client | undefined {
    return this.#opened?.client;
  }

  /** The client when the server is ready, else undefined: the check of the hot path, without a promise. */
  get readyClient(): Client | undefined {
    return this.state === 'ready' ? this.#opened?.client : undefined;
  }

  get pid(): number | undefined {
    return this.#opened?.pid;
  }

  /** Starts the server if it is idle; settles (never rejects) when that first attempt is over. */
  start(): Promise<void> {
    if (this.state === 'idle') this.#attempt = this.#connect();
    return this.state === 'starting' ? (this.#attempt ?? Promise.resolve()) : Promise.resolve();
  }

  /** The client, once the server is ready: waits while it starts or restarts, up to `timeoutMs`. */
  async ready(signal: AbortSignal, timeoutMs: number): Promise<Client> {
    void this.start();
    const client = this.client;
    if (this.state === 'ready' && client) return client;
    if (this.state === 'degraded' || this.state === 'closed') throw this.#unavailable();
    await new Promise<void>((resolve, reject) => {
      const waiter = { resolve: () => done(resolve), reject: (error: Error) => done(() => reject(error)) };
      const onAbort = (): void => done(() => reject(signal.reason));
      const timer = setTimeout(
        () => done(() => reject(new Error(`MCP server "${this.name}" did not come back within ${timeoutMs} ms.`))),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
        settle();
      };
      this.#waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
    return this.ready(signal, timeoutMs);
  }

  /**
   * Called when a request failed in a way that says the connection is gone (an HTTP server that went
   * away): the client is dropped and the server restarted, as for a stdio server that exited.
   */
  lost(client: Client, error: unknown): void {
    const opened = this.#opened;
    if (opened?.client !== client) return;
    this.#opened = undefined;
    void opened.close();
    this.#failed(error);
  }

  /**
   * Checks that a server still answers, after a sign that it may not (a broken HTTP stream, a call that
   * timed out): a ping that fails or times out counts as a lost connection, so the server is restarted
   * and the calls waiting on it fail now rather than at their timeout.
   */
  async probe(client: Client): Promise<void> {
    if (this.#probing || this.readyClient !== client) return;
    this.#probing = true;
    try {
      await client.ping({ timeout: Math.min(this.settings.connectTimeoutMs, PROBE_TIMEOUT_MS) });
    } catch (error) {
      this.lost(client, new Error(`the server stopped answering (${message(error)})`));
    } finally {
      this.#probing = false;
    }
  }

  /** Lists the tools again (on `notifications/tools/list_changed`). */
  async relist(): Promise<void> {
    const client = this.client;
    if (!client || this.state !== 'ready') return;
    try {
      this.#setDefinitions(await this.#listTools(client));
    } catch (error) {
      this.lastError = `listing tools after a change failed: ${message(error)}`;
    }
  }

  /** Gives a degraded server another chance. */
  async reconnect(): Promise<void> {
    if (this.state !== 'degraded') return this.start();
    this.failures = 0;
    this.state = 'restarting';
    this.#attempt = this.#connect();
    return this.#attempt;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.#timer);
    this.#rejectWaiters();
    const opened = this.#opened;
    this.#opened = undefined;
    this.definitions = [];
    this.resources = false;
    await opened?.close();
  }

  /** The last lines the server wrote to stderr (stdio servers). */
  stderr(): string {
    return this.#opened?.stderr() ?? '';
  }

  async #connect(): Promise<void> {
    const restarting = this.state !== 'idle';
    if (!restarting) this.state = 'starting';
    let opened: OpenedClient | undefined;
    try {
      const setup = await this.setup();
      opened = await openClient(this.server, setup, (closed) => this.#closed(closed));
      const definitions = await this.#listTools(opened.client);
      if ((this.state as McpServerState) === 'closed') {
        await opened.close();
        return;
      }
      this.#opened = opened;
      const client = opened.client;
      // An HTTP transport reports a broken stream only as an error: check whether the server is still there.
      if (this.server.kind === 'http') client.onerror = () => void this.probe(client);
      this.resources =
        this.server.config.resources !== false && Boolean(opened.client.getServerCapabilities()?.resources);
      this.#readySince = Date.now();
      this.state = 'ready';
      this.#setDefinitions(definitions, true);
      for (const waiter of [...this.#waiters]) waiter.resolve();
      if (restarting) this.events.status({ server: this.name, status: 'ready', message: 'The server is back.' });
    } catch (error) {
      if (opened && this.#opened !== opened) await opened.close();
      this.#failed(error);
    }
  }

  async #listTools(client: Client): Promise<McpToolDefinition[]> {
    if (!client.getServerCapabilities()?.tools) return [];
    const timeout = this.settings.connectTimeoutMs;
    const all = await listAll(async (cursor) => {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout });
      return { items: page.tools, nextCursor: page.nextCursor };
    });
    const { includeTools, excludeTools } = this.server;
    return all.filter((tool) => (!includeTools || includeTools.has(tool.name)) && !excludeTools.has(tool.name));
  }

  /** Keeps the same array when nothing changed, so the tools built from it are reused. */
  #setDefinitions(definitions: McpToolDefinition[], stateChanged = false): void {
    const key = JSON.stringify(definitions);
    if (key !== this.#definitionsKey) {
      this.#definitionsKey = key;
      this.definitions = definitions;
    } else if (!stateChanged) return;
    this.events.changed();
  }

  /** The connection ended: ours to ignore when we closed it, a failure otherwise. */
  #closed(opened: OpenedClient): void {
    if (this.#opened !== opened) return;
    this.#opened = undefined;
    const tail = opened.stderr().trim();
    this.#failed(new Error(`the server closed the connection${tail ? ` (stderr: ${tail.slice(-500)})` : ''}`));
  }

  #failed(error: unknown): void {
    if (this.state === 'closed') return;
    this.lastError = message(error);
    if (this.#readySince > 0 && Date.now() - this.#readySince >= this.settings.stableAfterMs) this.failures = 0;
    this.#readySince = 0;
    this.failures++;
    if (this.failures > this.settings.maxRestarts) {
      this.state = 'degraded';
      this.definitions = [];
      this.resources = false;
      this.#definitionsKey = '';
      this.#rejectWaiters();
      this.events.status({
        server: this.name,
        status: 'degraded',
        message: `Gave up after ${this.failures} failures in a row; its tools are removed. Last error: ${this.lastError}`,
      });
      this.events.changed();
      return;
    }
    this.state = 'restarting';
    const { initialDelayMs, maxDelayMs } = this.settings;
    const delay = Math.min(initialDelayMs * 2 ** (this.failures - 1), maxDelayMs);
    this.events.status({
      server: this.name,
      status: 'restarting',
      message: `Restarting in ${delay} ms (failure ${this.failures} of at most ${this.settings.maxRestarts + 1}): ${this.lastError}`,
    });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.state !== 'restarting') return;
      this.restarts++;
      this.#attempt = this.#connect();
    }, delay);
    // A pending restart never keeps the process alive on its own.
    this.#timer.unref?.();
  }

  #unavailable(): Error {
    return new Error(
      this.state === 'closed'
        ? `MCP server "${this.name}" is closed.`
        : `MCP server "${this.name}" is degraded after repeated failures (${this.lastError ?? 'unknown error'}).`,
    );
  }

  #rejectWaiters(): void {
    for (const waiter of [...this.#waiters]) waiter.reject(this.#unavailable());
  }
}
