/**
 * Proxies in front of a mock wire server, for what the server alone cannot show or send: a TCP proxy that
 * counts the client connections still open (to see a client close a stalled request), and an HTTP proxy
 * that rewrites responses (headers a provider adds, a body a gateway sends).
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MockServer } from '../../src/testing/mock-server/index.js';

/** A running proxy: `baseURL` stands in for the mock server's. */
export interface Proxy {
  readonly baseURL: string;
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const basePathOf = (target: MockServer): string => target.baseURL.slice(target.url.length);

/**
 * A TCP proxy to `target` that counts the client connections still open. A connection counts as closed only
 * when the client closes it: the proxy never closes a client connection itself.
 */
export async function connectionCounter(target: MockServer): Promise<Proxy & { open(): number }> {
  const { hostname, port } = new URL(target.url);
  const clients = new Set<Socket>();
  const server = createTcpServer((client) => {
    clients.add(client);
    const upstream = connect(Number(port), hostname);
    client.pipe(upstream).pipe(client);
    client.on('close', () => {
      clients.delete(client);
      upstream.destroy();
    });
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  const url = await listen(server);
  return {
    baseURL: `${url}${basePathOf(target)}`,
    open: () => clients.size,
    close: async () => {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A response as the proxy passes it on. */
export interface ProxiedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP proxy to `target` that passes each response through `rewrite` (bodies are read whole). */
export async function rewritingProxy(
  target: MockServer,
  rewrite: (response: ProxiedResponse, call: number) => ProxiedResponse,
): Promise<Proxy> {
  const { hostname, port } = new URL(target.url);
  let calls = 0;
  const server = createHttpServer((req, res) => {
    const call = ++calls;
    const upstream = httpRequest(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const out = rewrite(
            {
              status: response.statusCode ?? 502,
              headers: { ...response.headers },
              body: Buffer.concat(chunks).toString(),
            },
            call,
          );
          delete out.headers['content-length'];
          delete out.headers['transfer-encoding'];
          res.writeHead(out.status, out.headers);
          res.end(out.body);
        });
      },
    );
    req.pipe(upstream);
  });
  const url = await listen(server);
  return {
    baseURL: `${url}${basePathOf(target)}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs` (generous: the machine is shared). */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Still waiting after ${timeoutMs} ms for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
