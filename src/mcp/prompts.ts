/**
 * The servers' prompts: templates a person picks (slash commands), for the app rather than the model.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ImagePart, Message, TextPart } from '../model/message.js';
import { listAll } from './list-all.js';
import type { ServerConnection } from './server-connection.js';
import { contentText } from './tool-result.js';

/**
 * A prompt a server offers.
 *
 * @example
 * ```ts
 * const prompts = await mcp.listPrompts();
 * prompts.map((p) => `/${p.server}:${p.name}`);
 * ```
 */
export interface McpPrompt {
  readonly server: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly arguments: readonly { readonly name: string; readonly description?: string; readonly required?: boolean }[];
}

/**
 * A prompt filled in by its server, as messages an agent takes (`agent.run(messages[0].content)`).
 *
 * @example
 * ```ts
 * const { messages } = await mcp.getPrompt('everything', 'args-prompt', { city: 'Paris' });
 * ```
 */
export interface McpPromptMessages {
  readonly description?: string;
  readonly messages: readonly Message[];
}

async function clientOf(connection: ServerConnection): Promise<Client | undefined> {
  const client = await connection.ready(AbortSignal.timeout(connection.server.timeoutMs), connection.server.timeoutMs);
  return client.getServerCapabilities()?.prompts ? client : undefined;
}

/** Every prompt of the given servers (those without prompts add none). */
export async function listPrompts(connections: readonly ServerConnection[]): Promise<McpPrompt[]> {
  const lists = await Promise.all(
    connections.map(async (connection) => {
      const client = await clientOf(connection);
      if (!client) return [];
      const prompts = await listAll(async (cursor) => {
        const page = await client.listPrompts(cursor === undefined ? {} : { cursor });
        return { items: page.prompts, nextCursor: page.nextCursor };
      });
      return prompts.map((p): McpPrompt => ({
        server: connection.name,
        name: p.name,
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        arguments: (p.arguments ?? []).map((a) => ({
          name: a.name,
          ...(a.description !== undefined ? { description: a.description } : {}),
          ...(a.required !== undefined ? { required: a.required } : {}),
        })),
      }));
    }),
  );
  return lists.flat();
}

/** Fills in one prompt. */
export async function getPrompt(
  connection: ServerConnection,
  name: string,
  args: Readonly<Record<string, string>> = {},
): Promise<McpPromptMessages> {
  const client = await clientOf(connection);
  if (!client) throw new Error(`The MCP server "${connection.name}" has no prompts.`);
  const result = await client.getPrompt({ name, arguments: { ...args } });
  const messages = result.messages.map((message): Message => {
    const block = message.content;
    if (message.role === 'user') {
      const part: TextPart | ImagePart =
        block.type === 'image'
          ? { type: 'image', mediaType: block.mimeType, data: block.data }
          : { type: 'text', text: contentText(block) };
      return { role: 'user', content: [part] };
    }
    return { role: 'assistant', content: [{ type: 'text', text: contentText(block) }] };
  });
  return { ...(result.description !== undefined ? { description: result.description } : {}), messages };
}
