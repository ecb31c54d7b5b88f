import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError } from '../errors/config-error.js';
import type { Tool } from '../tools/tool.js';
import type { Toolset, ToolsetContext, ToolsetStatus } from '../tools/toolset.js';
import { answerElicitation } from './elicitation.js';
import { mcpTool, type McpTool } from './mcp-tool.js';
import type { McpSamplingOptions, McpServersOptions } from './options.js';
import type { ClientSetup } from './open-client.js';
import { getPrompt, listPrompts, type McpPrompt, type McpPromptMessages } from './prompts.js';
import { resolveOptions } from './resolve-options.js';
import { resourceTools } from './resource-tools.js';
import { serveSampling } from './sampling.js';
import { loadClientSdk, type McpClientSdk } from './sdk.js';
import { ServerConnection, type McpServerState } from './server-connection.js';
import { mcpToolName } from './tool-names.js';

const CLIENT_INFO = { name: 'icode', version: '0.1.0' };

/**
 * The health of one server, as {@link McpServers.status} reports it.
 *
 * @example
 * ```ts
 * const { fs } = mcp.status();
 * if (fs.state === 'degraded') console.warn(fs.lastError);
 * ```
 */
export interface McpServerStatus {
  readonly state: McpServerState;
  /** The process id of a running stdio server. */
  readonly pid?: number;
  /** Restarts so far. */
  readonly restarts: number;
  /** Failures in a row; the server is degraded past `restart.maxRestarts`. */
  readonly failures: number;
  readonly lastError?: string;
  /** Tools the server offers now. */
  readonly tools: number;
  /** The server's name and version, from `initialize`. */
  readonly serverInfo?: { readonly name: string; readonly version: string };
  /** The last lines it wrote to stderr (stdio). */
  readonly stderr?: string;
}

/**
 * MCP servers as a toolset for `createAgent({ tools })`, with what an app needs besides their tools.
 *
 * @example
 * ```ts
 * const mcp = mcpServers({ servers: { fs: { command: 'mcp-server-filesystem', args: [root] } } });
 * const agent = createAgent({ provider, tools: [mcp] });
 * await agent.run('List the files').result;
 * await agent.close(); // stops the servers
 * ```
 */
export interface McpServers extends Toolset {
  /** Calls `listener` when a server's tools changed; returns a function that unsubscribes. */
  onToolsChanged(listener: () => void): () => void;
  /** Calls `listener` when a server restarts, is back, or is degraded; returns a function that unsubscribes. */
  onStatus(listener: (status: ToolsetStatus) => void): () => void;
  /** Each server's health. */
  status(): Record<string, McpServerStatus>;
  /**
   * The SDK client of a ready server, for what icode does not wrap (subscriptions, completions). It is
   * the toolset's: do not close it (a closed client counts as a failed server and is restarted).
   */
  client(server: string): Client | undefined;
  /** Starts every server that has not started, and waits until each has started or failed. */
  start(): Promise<void>;
  /** Gives a degraded server another chance (its tools come back once it is up). */
  reconnect(server: string): Promise<void>;
  /** The prompts of every server, or of one. */
  listPrompts(server?: string): Promise<McpPrompt[]>;
  /** Fills in a prompt of a server. */
  getPrompt(server: string, name: string, args?: Readonly<Record<string, string>>): Promise<McpPromptMessages>;
}

/** Settles with `promise`, or as soon as `signal` fires (the work goes on, unwaited). */
function unlessAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done, done);
  });
}

class McpToolset implements McpServers {
  readonly kind = 'toolset' as const;
  readonly name: string;
  readonly #connections: ServerConnection[];
  readonly #options: McpServersOptions;
  readonly #sampling: McpSamplingOptions | undefined;
  readonly #toolListeners = new Set<() => void>();
  readonly #statusListeners = new Set<(status: ToolsetStatus) => void>();
  readonly #built = new WeakMap<ServerConnection, { definitions: unknown; tools: McpTool[] }>();
  readonly #resourceTools: Tool[];
  #tools: readonly Tool[] | undefined;
  #context: ToolsetContext | undefined;
  #sdk: McpClientSdk | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: McpServersOptions) {
    const { servers, settings } = resolveOptions(options);
    this.name = settings.name;
    this.#options = options;
    this.#sampling = options.sampling === true ? {} : options.sampling || undefined;
    if (options.onElicitation !== undefined && typeof options.onElicitation !== 'function') {
      throw new ConfigError('mcpServers: onElicitation must be a function.');
    }
    const events = {
      changed: () => {
        this.#tools = undefined;
        for (const listener of [...this.#toolListeners]) listener();
      },
      status: (status: ToolsetStatus) => {
        for (const listener of [...this.#statusListeners]) listener(status);
      },
    };
    this.#connections = servers.map((server) => {
      const connection: ServerConnection = new ServerConnection(
        server,
        settings,
        () => this.#setup(connection, settings.connectTimeoutMs),
        events,
      );
      connection.trackCalls = this.#sampling !== undefined;
      return connection;
    });
    this.#resourceTools = options.resourceTools === false ? [] : resourceTools(() => this.#connections);
    for (const connection of this.#connections) if (connection.server.startup === 'eager') void connection.start();
  }

  async tools(context?: ToolsetContext): Promise<readonly Tool[]> {
    if (this.#closing) return [];
    if (context) this.#context = context;
    // A missing SDK is the app's setup, not a server failure: say so (ConfigError) rather than retry.
    this.#sdk ??= await loadClientSdk();
    await unlessAborted(Promise.all(this.#connections.map((c) => c.start())), context?.signal);
    return (this.#tools ??= this.#assemble());
  }

  onToolsChanged(listener: () => void): () => void {
    this.#toolListeners.add(listener);
    return () => void this.#toolListeners.delete(listener);
  }

  onStatus(listener: (status: ToolsetStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  }

  status(): Record<string, McpServerStatus> {
    const out: Record<string, McpServerStatus> = {};
    for (const c of this.#connections) {
      const info = c.client?.getServerVersion();
      const stderr = c.stderr();
      out[c.name] = {
        state: c.state,
        restarts: c.restarts,
        failures: c.failures,
        tools: c.definitions.length,
        ...(c.pid !== undefined ? { pid: c.pid } : {}),
        ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
        ...(info ? { serverInfo: { name: info.name, version: info.version } } : {}),
        ...(stderr ? { stderr } : {}),
      };
    }
    return out;
  }

  client(server: string): Client | undefined {
    return this.#connection(server).readyClient;
  }

  async start(): Promise<void> {
    await Promise.all(this.#connections.map((c) => c.start()));
  }

  reconnect(server: string): Promise<void> {
    return this.#connection(server).reconnect();
  }

  listPrompts(server?: string): Promise<McpPrompt[]> {
    return listPrompts(server === undefined ? this.#connections : [this.#connection(server)]);
  }

  getPrompt(server: string, name: string, args?: Readonly<Record<string, string>>): Promise<McpPromptMessages> {
    return getPrompt(this.#connection(server), name, args);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#tools = [];
      await Promise.all(this.#connections.map((c) => c.close()));
      this.#toolListeners.clear();
      this.#statusListeners.clear();
    })();
    return this.#closing;
  }

  #connection(server: string): ServerConnection {
    const connection = this.#connections.find((c) => c.name === server);
    if (!connection) throw new ConfigError(`mcpServers: there is no server "${server}".`);
    return connection;
  }

  #assemble(): readonly Tool[] {
    const tools: Tool[] = [];
    for (const connection of this.#connections) {
      if (connection.definitions.length === 0 || !this.#sdk) continue;
      let built = this.#built.get(connection);
      if (built?.definitions !== connection.definitions) {
        const taken = new Set<string>();
        const sdk = this.#sdk;
        const made = connection.definitions.map((definition) => {
          const name = mcpToolName(connection.name, definition.name, taken);
          taken.add(name);
          return mcpTool(connection, definition, name, sdk);
        });
        built = { definitions: connection.definitions, tools: made };
        this.#built.set(connection, built);
      }
      tools.push(...built.tools);
    }
    if (this.#connections.some((c) => c.resources)) tools.push(...this.#resourceTools);
    return tools;
  }

  /** The client setup of one server: capabilities, and handlers that know which server asks. */
  async #setup(connection: ServerConnection, connectTimeoutMs: number): Promise<ClientSetup> {
    const sdk = (this.#sdk ??= await loadClientSdk());
    const onElicitation = this.#options.onElicitation;
    const sampling = this.#sampling;
    const capabilities: ClientCapabilities = {
      // Declared even without a callback, so servers ask and get a clear "declined".
      elicitation: onElicitation ? { form: {}, url: {} } : { form: {} },
      ...(sampling ? { sampling: {} } : {}),
    };
    const { types } = sdk;
    const install = (client: Client): void => {
      client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => connection.relist());
      client.setRequestHandler(types.ElicitRequestSchema, (request, extra) =>
        answerElicitation(connection.name, request.params, onElicitation, extra.signal),
      );
      if (!sampling) return;
      client.setRequestHandler(types.CreateMessageRequestSchema, (request, extra) => {
        const context = this.#context;
        return serveSampling(
          connection.name,
          request.params,
          sampling,
          {
            model: sampling.model ?? context?.provider,
            call: [...connection.calls].at(-1),
            recordUsage: context?.recordUsage,
          },
          extra.signal,
        );
      });
    };
    return { sdk, clientInfo: this.#options.clientInfo ?? CLIENT_INFO, capabilities, install, connectTimeoutMs };
  }
}

/**
 * MCP servers as a toolset: pass it in `createAgent({ tools })` next to other tools. Each server's tools
 * are named `mcp__<server>__<tool>`, with the server's JSON Schema; permission rules apply by that name
 * (`mcp__fs__write_file`, `mcp__fs__*`). Servers start when an agent first needs their tools (or at once
 * with `startup: 'eager'`), are restarted with backoff when they fail, and are `degraded` (their tools
 * removed, a `toolset-status` event emitted) after too many failures in a row. `agent.close()` or
 * `close()` stops them; so does the process exiting.
 *
 * Needs the optional peer `@modelcontextprotocol/sdk`, loaded when the first server starts.
 *
 * @example
 * ```ts
 * import { createAgent } from 'icode';
 * import { mcpServers } from 'icode/mcp';
 *
 * const mcp = mcpServers({
 *   servers: {
 *     fs: { command: 'npx', args: ['@modelcontextprotocol/server-filesystem', root] },
 *     docs: { url: 'https://docs.example.com/mcp', headers: { Authorization: `Bearer ${token}` } },
 *   },
 * });
 * const agent = createAgent({ provider, tools: [mcp], policy: { mode: 'workspace-write', deny: ['mcp__fs__write_file'] } });
 * ```
 * @throws ConfigError for a malformed server, name or option.
 */
export function mcpServers(options: McpServersOptions): McpServers {
  return new McpToolset(options);
}
