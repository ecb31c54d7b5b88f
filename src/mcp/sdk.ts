/**
 * The MCP SDK, an optional peer dependency, loaded on first use: importing `icode/mcp` costs nothing until a
 * server is started or served.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors/config-error.js';
import { lazySdk } from '../providers/shared/load-sdk.js';

const PACKAGE = '@modelcontextprotocol/sdk';

/** The client side: the client, its transports and the schemas of what servers send. */
async function importClient() {
  const [client, stdio, http, sse, auth, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/client/auth.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return {
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    StreamableHTTPError: http.StreamableHTTPError,
    SSEClientTransport: sse.SSEClientTransport,
    UnauthorizedError: auth.UnauthorizedError,
    types,
  };
}

/** The server side, for serving an agent. */
async function importServer() {
  const [server, stdio, http, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return {
    Server: server.Server,
    StdioServerTransport: stdio.StdioServerTransport,
    StreamableHTTPServerTransport: http.StreamableHTTPServerTransport,
    types,
  };
}

export type McpClientSdk = Awaited<ReturnType<typeof importClient>>;
export type McpServerSdk = Awaited<ReturnType<typeof importServer>>;

/** A missing SDK becomes a ConfigError that says what to install. */
function withAdvice<T>(load: () => Promise<T>): () => Promise<T> {
  const cached = lazySdk(PACKAGE, load);
  return () =>
    cached().catch((error: unknown) => {
      if (!ConfigError.isInstance(error)) throw error;
      throw new ConfigError(`icode/mcp needs the "${PACKAGE}" package: npm install ${PACKAGE}`, { cause: error });
    });
}

/** Loads the client side of the SDK once. */
export const loadClientSdk = withAdvice(importClient);

/** Loads the server side of the SDK once. */
export const loadServerSdk = withAdvice(importServer);
