import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { Agent } from '../agent/types.js';
import { ConfigError } from '../errors/config-error.js';
import { agentToolServer, type AgentToolInfo } from './agent-tool-server.js';
import { loadServerSdk, type McpServerSdk } from './sdk.js';
import { serveHttp } from './serve-http.js';

/**
 * Options of {@link serveAgentOverMcp}.
 *
 * @example
 * ```ts
 * const options: ServeAgentOptions = { name: 'reviewer', transport: 'http', port: 3333 };
 * ```
 */
export interface ServeAgentOptions {
  /** The tool's name (and the server's): letters, digits, `_` and `-`. */
  readonly name: string;
  /** What the tool does, for the calling model. @defaultValue a generic line naming the agent */
  readonly description?: string;
  readonly version?: string;
  /** @defaultValue 'stdio' */
  readonly transport?: 'stdio' | 'http';
  /** stdio: where requests come from. @defaultValue process.stdin */
  readonly stdin?: Readable;
  /** stdio: where answers go. @defaultValue process.stdout */
  readonly stdout?: Writable;
  /** http: the port; 0 picks a free one. @defaultValue 0 */
  readonly port?: number;
  /** http: the address to listen on. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** http: the path of the endpoint. @defaultValue '/mcp' */
  readonly path?: string;
  /** http: checks each request before it is served (a bearer token, a client certificate). */
  readonly authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** http: a client session with no call in progress is closed after this long. @defaultValue 1800000 (30 min) */
  readonly sessionIdleMs?: number;
}

/**
 * A served agent: its URL (http) and how to stop serving.
 *
 * @example
 * ```ts
 * const served = await serveAgentOverMcp(agent, { name: 'coder', transport: 'http' });
 * console.log(served.url); // http://127.0.0.1:43121/mcp
 * await served.close();
 * ```
 */
export interface ServedAgent {
  readonly url?: string;
  close(): Promise<void>;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Exposes an agent as an MCP server with one tool, `name`, taking `{ prompt, sessionId? }`. Each call runs
 * the agent and answers with its final text (and `{ status, sessionId, turns, usage }` as structured
 * content), sending progress notifications (turns, tool calls) while it runs when the caller asked for
 * them. A cancelled call aborts the run. Over stdio it serves one client on this process's stdin/stdout;
 * over Streamable HTTP any number of clients, each in its own session.
 *
 * The agent's policy applies as it is: a call that needs approval cannot be approved through MCP, so
 * give the served agent an `approve` callback or rules that decide every call.
 *
 * @example
 * ```ts
 * // reviewer.ts, started by an MCP client as `node reviewer.js`
 * import { createAgent } from 'icode';
 * import { serveAgentOverMcp } from 'icode/mcp';
 *
 * const agent = createAgent({ provider, tools: codingTools({ root }), policy: { mode: 'read-only' } });
 * await serveAgentOverMcp(agent, { name: 'review', description: 'Reviews the code in this repository.' });
 * ```
 * @throws ConfigError for a bad name or transport, or when the MCP SDK is not installed.
 */
export async function serveAgentOverMcp(agent: Agent, options: ServeAgentOptions): Promise<ServedAgent> {
  if (!agent || typeof agent.run !== 'function') throw new ConfigError('serveAgentOverMcp needs an agent.');
  if (typeof options?.name !== 'string' || !NAME.test(options.name)) {
    throw new ConfigError(
      `serveAgentOverMcp: name must be 1-64 letters, digits, "_" or "-", got ${String(options?.name)}.`,
    );
  }
  const transport = options.transport ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new ConfigError(`serveAgentOverMcp: transport must be 'stdio' or 'http', got ${String(transport)}.`);
  }
  const info: AgentToolInfo = {
    name: options.name,
    description: options.description ?? `Runs the agent "${options.name}" on a task and answers with its final text.`,
    version: options.version ?? '1.0.0',
  };
  const sdk = await loadServerSdk();
  const sessions = new Set<string>();
  if (transport === 'stdio') return serveStdio(agent, info, sdk, sessions, options);
  return serveHttp(sdk, () => agentToolServer(agent, info, sdk, sessions), {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    path: options.path ?? '/mcp',
    sessionIdleMs: options.sessionIdleMs ?? 30 * 60_000,
    ...(options.authorize ? { authorize: options.authorize } : {}),
  });
}

async function serveStdio(
  agent: Agent,
  info: AgentToolInfo,
  sdk: McpServerSdk,
  sessions: Set<string>,
  options: ServeAgentOptions,
): Promise<ServedAgent> {
  const stdin = options.stdin ?? process.stdin;
  const server = agentToolServer(agent, info, sdk, sessions);
  await server.connect(new sdk.StdioServerTransport(stdin, options.stdout ?? process.stdout));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= server.close());
  // The client closing our stdin is the end of the session: stop serving, so the process can exit.
  stdin.once('end', () => void close());
  return { close };
}
