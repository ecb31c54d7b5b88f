/**
 * An MCP server over HTTP, in this process, built with the SDK's own server classes: Streamable HTTP with
 * sessions (so the server can notify the client on its GET stream), or the old HTTP+SSE transport only.
 * It can demand a bearer token, and it records the Authorization header of every request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export interface TestHttpServer {
  readonly url: string;
  /** Every MCP server made so far (one per client session). */
  readonly servers: McpServer[];
  /** The Authorization header of every request, in order. */
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

export interface TestHttpServerOptions {
  /** Registers tools, resources and prompts on each new server. */
  readonly setup: (server: McpServer) => void;
  /** Requests without `Authorization: Bearer <token>` get 401. */
  readonly token?: string;
  /** `sse` serves only the old transport: GET opens the stream, POSTs go to /messages. */
  readonly mode?: 'streamable' | 'sse';
}

export async function startHttpServer(options: TestHttpServerOptions): Promise<TestHttpServer> {
  const servers: McpServer[] = [];
  const authorizations: (string | undefined)[] = [];
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();

  const newServer = (): McpServer => {
    const server = new McpServer(
      { name: 'test-http', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true } } },
    );
    options.setup(server);
    servers.push(server);
    return server;
  };

  const handleStreamable = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? streamable.get(id) : undefined;
    if (existing) return existing.handleRequest(req, res);
    if (req.method !== 'POST' || id !== undefined) return void res.writeHead(404).end();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void streamable.set(sessionId, transport),
    });
    await newServer().connect(transport);
    await transport.handleRequest(req, res);
  };

  const handleSse = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET' && url.pathname === '/mcp') {
      const transport = new SSEServerTransport('/messages', res);
      sse.set(transport.sessionId, transport);
      res.on('close', () => sse.delete(transport.sessionId));
      await newServer().connect(transport);
      return;
    }
    const transport = sse.get(url.searchParams.get('sessionId') ?? '');
    if (req.method === 'POST' && url.pathname === '/messages' && transport)
      return transport.handlePostMessage(req, res);
    // What an old server answers to the Streamable HTTP client's first POST.
    res.writeHead(405, { allow: 'GET' }).end();
  };

  const http = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'application/json' });
      return void res.end('{"error":"invalid_token"}');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handled = options.mode === 'sse' ? handleSse(req, res, url) : handleStreamable(req, res);
    handled.catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    servers,
    authorizations,
    close: async () => {
      await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
