/**
 * Remote servers: Streamable HTTP built in-process with the SDK's server classes, a bearer token passed
 * as a static header or through the SDK's OAuth client provider, the fallback to the old SSE transport,
 * and `notifications/tools/list_changed`.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mcpServers } from '../../src/mcp/index.js';
import type { Tool } from '../../src/index.js';
import { startHttpServer, type TestHttpServer } from './http-server.js';
import { cleanupAfterEach, eventually } from './servers.js';

const { cleanups, track } = cleanupAfterEach();

async function serve(options: Parameters<typeof startHttpServer>[0]): Promise<TestHttpServer> {
  const server = await startHttpServer(options);
  cleanups.push(() => server.close());
  return server;
}

const callCtx = () =>
  ({
    signal: new AbortController().signal,
    runId: 'run_1',
    sessionId: 'ses_1',
    toolCallId: 'call_1',
  }) as never;

const find = (tools: readonly Tool[], name: string): Tool => {
  const found = tools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name} in ${tools.map((t) => t.name).join(', ')}`);
  return found;
};

function addTool(server: McpServer): void {
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      annotations: { readOnlyHint: true },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
}

describe('MCP over Streamable HTTP', () => {
  it('sends a static bearer token with every request and calls a tool', async () => {
    const http = await serve({ token: 'secret-1', setup: addTool });
    const mcp = track(
      mcpServers({ servers: { calc: { url: http.url, headers: { Authorization: 'Bearer secret-1' } } } }),
    );
    const tools = await mcp.tools();
    const add = find(tools, 'mcp__calc__add');
    expect(add.readOnly).toBe(true);
    expect(add.inputSchema).toMatchObject({ type: 'object', required: ['a', 'b'] });
    expect(await add.execute({ a: 2, b: 40 }, callCtx())).toBe('42');
    expect(http.authorizations.length).toBeGreaterThan(1);
    expect(new Set(http.authorizations)).toEqual(new Set(['Bearer secret-1']));
  });

  it('reports a server that refuses the token as degraded, with the reason, and offers none of its tools', async () => {
    const http = await serve({ token: 'right', setup: addTool });
    const mcp = track(
      mcpServers({
        servers: { calc: { url: http.url, headers: { Authorization: 'Bearer wrong' } } },
        restart: { maxRestarts: 1, initialDelayMs: 10 },
      }),
    );
    const statuses: string[] = [];
    mcp.onStatus((s) => statuses.push(s.status));
    expect(await mcp.tools()).toEqual([]);
    await eventually(() => (mcp.status().calc!.state === 'degraded' ? true : undefined));
    expect(mcp.status().calc!.lastError).toMatch(/401|nauthorized/);
    expect(statuses).toEqual(['restarting', 'degraded']);
    expect(await mcp.tools()).toEqual([]);
  });

  it("passes the SDK's OAuth client provider to the transport, which sends its access token", async () => {
    const http = await serve({ token: 'oauth-access-token', setup: addTool });
    const provider: OAuthClientProvider = {
      redirectUrl: 'http://127.0.0.1/callback',
      clientMetadata: { redirect_uris: ['http://127.0.0.1/callback'], client_name: 'icode-test' },
      clientInformation: () => ({ client_id: 'icode-test' }),
      tokens: () => ({ access_token: 'oauth-access-token', token_type: 'Bearer' }),
      saveTokens: () => undefined,
      redirectToAuthorization: () => {
        throw new Error('no interactive authorization in tests');
      },
      saveCodeVerifier: () => undefined,
      codeVerifier: () => 'verifier',
    };
    const mcp = track(mcpServers({ servers: { calc: { url: http.url, authProvider: provider } } }));
    expect(await find(await mcp.tools(), 'mcp__calc__add').execute({ a: 1, b: 1 }, callCtx())).toBe('2');
    expect(http.authorizations.every((header) => header === 'Bearer oauth-access-token')).toBe(true);
  });

  it('falls back to the HTTP+SSE transport for a server that does not speak Streamable HTTP', async () => {
    const http = await serve({ mode: 'sse', setup: addTool });
    const mcp = track(mcpServers({ servers: { old: { url: http.url } } }));
    expect(await find(await mcp.tools(), 'mcp__old__add').execute({ a: 3, b: 4 }, callCtx())).toBe('7');
    expect(mcp.status().old!.state).toBe('ready');
  });

  it('follows notifications/tools/list_changed: added tools appear, removed ones go', async () => {
    const http = await serve({ setup: addTool });
    const mcp = track(mcpServers({ servers: { live: { url: http.url } } }));
    const first = await mcp.tools();
    expect(first.map((t) => t.name)).toEqual(['mcp__live__add']);
    let changes = 0;
    mcp.onToolsChanged(() => changes++);

    const registered = http.servers[0]!.registerTool(
      'shout',
      { description: 'Upper-cases text', inputSchema: { text: z.string() } },
      async ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }),
    );
    const second = await eventually(async () => {
      const tools = await mcp.tools();
      return tools.some((t) => t.name === 'mcp__live__shout') ? tools : undefined;
    });
    expect(changes).toBeGreaterThan(0);
    expect(await find(second, 'mcp__live__shout').execute({ text: 'hi' }, callCtx())).toBe('HI');
    expect(await find(second, 'mcp__live__add').execute({ a: 1, b: 2 }, callCtx())).toBe('3');

    registered.remove();
    await eventually(async () => ((await mcp.tools()).some((t) => t.name === 'mcp__live__shout') ? undefined : true));
  });

  it('turns an isError result and a protocol error into thrown errors the agent reports', async () => {
    const http = await serve({
      setup: (server) => {
        addTool(server);
        server.registerTool('fail', { description: 'Always fails' }, async () => ({
          content: [{ type: 'text', text: 'disk full' }],
          isError: true,
        }));
      },
    });
    const mcp = track(mcpServers({ servers: { s: { url: http.url } } }));
    const tools = await mcp.tools();
    const without = track(mcpServers({ servers: { s: { url: http.url, excludeTools: ['fail'] } } }));
    expect((await without.tools()).map((t) => t.name)).toEqual(['mcp__s__add']);
    await expect(find(tools, 'mcp__s__fail').execute({}, callCtx())).rejects.toThrow('disk full');
    await expect(find(tools, 'mcp__s__add').execute({ a: 'x', b: 1 }, callCtx())).rejects.toThrow(
      /Input validation error|Invalid/,
    );
  });

  it('follows tools/list pages to the end, and stops at a cursor that comes back', async () => {
    const pages: Record<string, { names: string[]; next?: string }> = {
      start: { names: ['t0', 't1'], next: 'p1' },
      p1: { names: ['t2', 't3'], next: 'p2' },
      p2: { names: ['t4'], next: 'p1' }, // a server bug: back to an earlier page
    };
    const cursors: (string | undefined)[] = [];
    const http = await serve({
      setup: (server) => {
        server.server.setRequestHandler(ListToolsRequestSchema, (request) => {
          cursors.push(request.params?.cursor);
          const page = pages[request.params?.cursor ?? 'start']!;
          return {
            tools: page.names.map((name) => ({ name, inputSchema: { type: 'object' as const } })),
            ...(page.next ? { nextCursor: page.next } : {}),
          };
        });
        server.server.setRequestHandler(CallToolRequestSchema, (request) => ({
          content: [{ type: 'text', text: `called ${request.params.name}` }],
        }));
      },
    });
    const mcp = track(mcpServers({ servers: { paged: { url: http.url } } }));
    const tools = await mcp.tools();
    expect(tools.map((t) => t.name)).toEqual(['t0', 't1', 't2', 't3', 't4'].map((n) => `mcp__paged__${n}`));
    expect(cursors).toEqual([undefined, 'p1', 'p2']);
    expect(find(tools, 'mcp__paged__t4').inputSchema).toEqual({ type: 'object', properties: {} });
    expect(await find(tools, 'mcp__paged__t4').execute({}, callCtx())).toBe('called t4');
  });

  it('fails a call at once when the remote server goes away, then gives the server up', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const http = await startHttpServer({
      setup: (server) =>
        server.registerTool('slow', { description: 'Never answers' }, async () => {
          started();
          return new Promise(() => undefined);
        }),
    });
    // A call timeout far past the test's own: the failure must come from noticing the server is gone.
    const mcp = track(
      mcpServers({
        servers: { s: { url: http.url, timeoutMs: 600_000 } },
        restart: { maxRestarts: 1, initialDelayMs: 10 },
      }),
    );
    const call = find(await mcp.tools(), 'mcp__s__slow').execute({}, callCtx());
    await running;
    await http.close();
    await expect(call).rejects.toThrow(/stopped during the call/);
    await eventually(() => (mcp.status().s!.state === 'degraded' ? true : undefined));
    expect(await mcp.tools()).toEqual([]);
  });
});
