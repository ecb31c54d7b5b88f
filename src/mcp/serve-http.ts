/**
 * Serving an MCP server over Streamable HTTP with sessions: each client's `initialize` opens a session
 * (its own server and transport), later requests find it by the `mcp-session-id` header, so a
 * `notifications/cancelled` reaches the call it cancels.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServerSdk } from './sdk.js';

/** Where and how to listen. */
export interface HttpServeOptions {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Sessions with no request in progress for this long are closed when a new one opens. */
  readonly sessionIdleMs: number;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  lastSeen: number;
  inFlight: number;
}

function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** Listens on HTTP and serves a new `server()` per client session. Returns the URL and a closer. */
export async function serveHttp(
  sdk: McpServerSdk,
  server: () => Server,
  options: HttpServeOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const sessions = new Map<string, Session>();

  const sweep = (now: number): void => {
    for (const [id, session] of sessions) {
      if (session.inFlight === 0 && now - session.lastSeen > options.sessionIdleMs) {
        sessions.delete(id);
        void session.transport.close();
      }
    }
  };

  const open = async (): Promise<Session> => {
    sweep(Date.now());
    const transport: StreamableHTTPServerTransport = new sdk.StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, session),
    });
    const session: Session = { transport, server: server(), lastSeen: Date.now(), inFlight: 0 };
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void session.server.close();
    };
    await session.server.connect(transport);
    return session;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return reject(res, 404, 'Not found');
    if (options.authorize && !(await options.authorize(req))) {
      return reject(res, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
    }
    const id = req.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof id === 'string') {
      session = sessions.get(id);
      if (!session) return reject(res, 404, 'Session not found: initialize again.');
    } else if (req.method === 'POST') {
      session = await open();
    } else {
      return reject(res, 400, 'Missing mcp-session-id.');
    }
    const current = session;
    current.inFlight++;
    res.on('close', () => {
      current.inFlight--;
      current.lastSeen = Date.now();
    });
    await current.transport.handleRequest(req, res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reject(res, 500, error instanceof Error ? error.message : 'Internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, fail) => {
    http.once('error', fail);
    http.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}${options.path}`,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
        sessions.clear();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      })()),
  };
}
