/**
 * `list_mcp_resources` and `read_mcp_resource`: the servers' resources and resource templates, for the
 * model. Both only read, so they run in `read-only` mode. Rules on `mcp__<server>__*` do not cover them:
 * deny them by name, or set `resources: false` on a server, to keep its resources away from the model.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import { tool } from '../tools/define-tool.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { callSignal } from './call-signal.js';
import { listAll } from './list-all.js';
import type { ServerConnection } from './server-connection.js';
import { readResultText } from './tool-result.js';

/** Entries listed per server and kind, so one server with thousands of files cannot flood the context. */
const MAX_ENTRIES = 200;

async function serverClient(
  connections: () => readonly ServerConnection[],
  name: string,
  ctx: ToolContext,
): Promise<{ connection: ServerConnection; client: Client }> {
  const connection = connections().find((c) => c.name === name);
  if (!connection) {
    const known = connections().map((c) => c.name);
    throw new Error(`There is no MCP server "${name}". Servers: ${known.join(', ') || 'none'}.`);
  }
  const client = await connection.ready(ctx.signal, connection.server.timeoutMs);
  if (!connection.resources) throw new Error(`The MCP server "${name}" offers no resources here.`);
  return { connection, client };
}

function line(uri: string, name: string | undefined, mimeType: string | undefined, description?: string): string {
  const about = [mimeType, description].filter(Boolean).join('; ');
  return `- ${uri}${name && name !== uri ? ` (${name})` : ''}${about ? `: ${about}` : ''}`;
}

async function describeServer(connection: ServerConnection, client: Client, ctx: ToolContext): Promise<string> {
  const request = callSignal(ctx.signal);
  try {
    return await listServer(connection, client, { signal: request.signal, timeout: connection.server.timeoutMs });
  } finally {
    request.release();
  }
}

async function listServer(
  connection: ServerConnection,
  client: Client,
  options: { signal: AbortSignal; timeout: number },
): Promise<string> {
  const [resources, templates] = await Promise.all([
    listAll(async (cursor) => {
      const page = await client.listResources(cursor === undefined ? {} : { cursor }, options);
      return { items: page.resources, nextCursor: page.nextCursor };
    }),
    listAll(async (cursor) => {
      const page = await client.listResourceTemplates(cursor === undefined ? {} : { cursor }, options);
      return { items: page.resourceTemplates, nextCursor: page.nextCursor };
    }).catch(() => []),
  ]);
  const out = [`Resources of "${connection.name}" (${resources.length}):`];
  for (const r of resources.slice(0, MAX_ENTRIES)) out.push(line(r.uri, r.name, r.mimeType, r.description));
  if (resources.length > MAX_ENTRIES) out.push(`… and ${resources.length - MAX_ENTRIES} more`);
  if (templates.length > 0) {
    out.push(`Resource templates of "${connection.name}" (fill in the {placeholders}, then read the URI):`);
    for (const t of templates.slice(0, MAX_ENTRIES)) out.push(line(t.uriTemplate, t.name, t.mimeType, t.description));
  }
  return out.join('\n');
}

/** The two resource tools over the toolset's servers. */
export function resourceTools(connections: () => readonly ServerConnection[]): Tool[] {
  const list = tool({
    name: 'list_mcp_resources',
    description:
      'List the resources (files, records, documents) and resource templates the MCP servers offer, with their URIs. Read one with read_mcp_resource.',
    input: z.object({ server: z.string().optional().describe('Only this server; all servers when left out.') }),
    readOnly: true,
    execute: async ({ server }, ctx) => {
      if (server !== undefined) {
        const { connection, client } = await serverClient(connections, server, ctx);
        return describeServer(connection, client, ctx);
      }
      const ready = connections().flatMap((connection) => {
        const client = connection.client;
        return client && connection.resources ? [{ connection, client }] : [];
      });
      if (ready.length === 0) return 'No MCP server that is running offers resources.';
      const parts = await Promise.all(
        ready.map(({ connection, client }) =>
          describeServer(connection, client, ctx).catch(
            (error: unknown) => `Resources of "${connection.name}": listing failed: ${(error as Error).message}`,
          ),
        ),
      );
      return parts.join('\n\n');
    },
  });
  const read = tool({
    name: 'read_mcp_resource',
    description: 'Read a resource of an MCP server by its URI (from list_mcp_resources, or a filled-in template).',
    input: z.object({
      server: z.string().describe('The server that offers the resource.'),
      uri: z.string().min(1).describe('The URI of the resource.'),
    }),
    readOnly: true,
    execute: async ({ server, uri }, ctx) => {
      const { connection, client } = await serverClient(connections, server, ctx);
      const request = callSignal(ctx.signal);
      try {
        const result = await client.readResource(
          { uri },
          { signal: request.signal, timeout: connection.server.timeoutMs },
        );
        return readResultText(result) || `The resource ${uri} is empty.`;
      } finally {
        request.release();
      }
    },
  });
  return [list, read];
}
