import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { trackChild, untrackChild } from './exit-cleanup.js';
import type { ResolvedServer } from './resolve-options.js';
import type { McpClientSdk } from './sdk.js';

/** Characters of a server's stderr kept for error messages. */
const STDERR_TAIL = 2000;

/** What a client needs besides its server: who it is, what it can do, and its request handlers. */
export interface ClientSetup {
  readonly sdk: McpClientSdk;
  readonly clientInfo: { readonly name: string; readonly version: string };
  readonly capabilities: ClientCapabilities;
  /** Registers the handlers of server requests and notifications on a new client. */
  install(client: Client): void;
  readonly connectTimeoutMs: number;
}

/** A connected client and what is known of its other end. */
export interface OpenedClient {
  readonly client: Client;
  /** The child's process id, for a stdio server. */
  readonly pid?: number;
  /** The last lines the server wrote to stderr. */
  stderr(): string;
  close(): Promise<void>;
}

/** HTTP statuses by which an old server says it does not speak Streamable HTTP (the spec's fallback rule). */
const FALLBACK_STATUSES = new Set([400, 404, 405]);

/**
 * Starts a server (stdio) or reaches it (HTTP) and runs `initialize`. `onClose` is called once when the
 * connection ends for any reason; the caller tells its own closes apart.
 */
export async function openClient(
  server: ResolvedServer,
  setup: ClientSetup,
  onClose: (opened: OpenedClient) => void,
): Promise<OpenedClient> {
  if (server.kind === 'stdio') return connect(server, setup, onClose, stdioTransport(server, setup.sdk));
  const mode = server.config.transport ?? 'auto';
  if (mode === 'sse') return connect(server, setup, onClose, { transport: sseTransport(server, setup.sdk) });
  try {
    return await connect(server, setup, onClose, { transport: httpTransport(server, setup.sdk) });
  } catch (error) {
    const status = (error as { code?: unknown }).code;
    const old = error instanceof setup.sdk.StreamableHTTPError && FALLBACK_STATUSES.has(status as number);
    if (mode !== 'auto' || !old) throw error;
    return connect(server, setup, onClose, { transport: sseTransport(server, setup.sdk) });
  }
}

interface PreparedTransport {
  readonly transport: Transport;
  readonly stderr?: () => string;
  readonly pid?: () => number | undefined;
}

async function connect(
  server: ResolvedServer,
  setup: ClientSetup,
  onClose: (opened: OpenedClient) => void,
  prepared: PreparedTransport,
): Promise<OpenedClient> {
  const { sdk } = setup;
  const client = new sdk.Client(
    { name: setup.clientInfo.name, version: setup.clientInfo.version },
    { capabilities: setup.capabilities },
  );
  setup.install(client);
  // Known once the process is spawned, after `opened` must exist for `onClose`.
  const child: { pid?: number } = {};
  const opened: OpenedClient = {
    client,
    get pid() {
      return child.pid;
    },
    stderr: prepared.stderr ?? (() => ''),
    close: async () => {
      await client.close().catch(() => undefined);
      if (child.pid !== undefined) untrackChild(child.pid);
    },
  };
  let closed = false;
  client.onclose = () => {
    if (closed) return;
    closed = true;
    if (child.pid !== undefined) untrackChild(child.pid);
    onClose(opened);
  };
  // Errors of the transport (a line that is not JSON, a dropped SSE stream) surface as failed requests
  // or a close; logging them here would only duplicate that.
  client.onerror = () => undefined;
  const timer = setTimeout(() => void client.close().catch(() => undefined), setup.connectTimeoutMs);
  try {
    await client.connect(prepared.transport, { timeout: setup.connectTimeoutMs });
  } catch (error) {
    closed = true;
    await client.close().catch(() => undefined);
    throw explain(error, sdk, prepared.stderr?.().trim());
  } finally {
    clearTimeout(timer);
  }
  child.pid = prepared.pid?.();
  if (child.pid !== undefined) trackChild(child.pid);
  if (server.kind === 'stdio' && closed) throw new Error('the server exited while starting');
  return opened;
}

/** A failed start, said so a person can act on it: the HTTP status, or what the server printed. */
function explain(error: unknown, sdk: McpClientSdk, stderr: string | undefined): unknown {
  if (!(error instanceof Error)) return error;
  const status = (error as { code?: unknown }).code;
  if (error instanceof sdk.UnauthorizedError || status === 401 || status === 403) {
    error.message = `the server refused the credentials (HTTP ${typeof status === 'number' ? status : 401}); check \`headers\` or \`authProvider\`: ${error.message}`;
  } else if (typeof status === 'number' && status >= 400 && status < 600) {
    error.message = `HTTP ${status}: ${error.message}`;
  }
  if (stderr) error.message += ` (stderr: ${stderr.slice(-500)})`;
  return error;
}

function stdioTransport(server: Extract<ResolvedServer, { kind: 'stdio' }>, sdk: McpClientSdk): PreparedTransport {
  const { command, args, env, cwd } = server.config;
  const transport = new sdk.StdioClientTransport({
    command,
    args: [...(args ?? [])],
    ...(env ? { env: { ...env } } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
    stderr: 'pipe',
  });
  // Kept (and drained, so a chatty server never blocks on a full pipe) for the message when it fails.
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  return { transport, stderr: () => tail, pid: () => transport.pid ?? undefined };
}

function requestInit(server: Extract<ResolvedServer, { kind: 'http' }>): { requestInit?: RequestInit } {
  return server.config.headers ? { requestInit: { headers: { ...server.config.headers } } } : {};
}

function httpTransport(server: Extract<ResolvedServer, { kind: 'http' }>, sdk: McpClientSdk): Transport {
  return new sdk.StreamableHTTPClientTransport(server.url, {
    ...requestInit(server),
    ...(server.config.authProvider ? { authProvider: server.config.authProvider } : {}),
  });
}

function sseTransport(server: Extract<ResolvedServer, { kind: 'http' }>, sdk: McpClientSdk): Transport {
  // The SDK sends `requestInit`'s headers on the event stream's GET as well as on each POST.
  return new sdk.SSEClientTransport(server.url, {
    ...requestInit(server),
    ...(server.config.authProvider ? { authProvider: server.config.authProvider } : {}),
  });
}
