import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as McpToolDefinition, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { JsonSchema } from '../model/language-model.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { callSignal } from './call-signal.js';
import type { McpClientSdk } from './sdk.js';
import type { ServerConnection } from './server-connection.js';
import { callResultText } from './tool-result.js';

/**
 * A tool of an MCP server, as the agent sees it. Its policy fields come from the server's annotations,
 * which are hints: `readOnly` only when the server says `readOnlyHint: true`, and every other tool needs
 * approval. A deny rule (`mcp__fs__write_file`, `mcp__fs__*`) refuses it whatever its annotations say.
 *
 * @example
 * ```ts
 * const tools = (await mcp.tools()) as McpTool[];
 * tools.filter((t) => t.mcp.annotations?.destructiveHint).map((t) => t.name);
 * ```
 */
export interface McpTool extends Tool<Record<string, unknown>> {
  /** `true` unless the server marks the tool `readOnlyHint: true`. */
  readonly needsApproval: boolean;
  /** Where the tool comes from: its server, its name there, and the server's annotations. */
  readonly mcp: {
    readonly server: string;
    readonly tool: string;
    readonly annotations?: ToolAnnotations;
  };
}

// Arguments are checked by the server against its own schema; here they need only be an object.
const ARGUMENTS = z.record(z.string(), z.unknown());

/** The server's input schema as a model takes it: an object schema, without `$schema`. */
function inputSchemaOf(definition: McpToolDefinition): JsonSchema {
  const { $schema: _drop, ...schema } = (definition.inputSchema ?? {}) as Record<string, unknown>;
  return { ...schema, type: 'object', properties: (schema.properties as JsonSchema | undefined) ?? {} } as JsonSchema;
}

/** Builds the agent's tool for one tool of a server. */
export function mcpTool(
  connection: ServerConnection,
  definition: McpToolDefinition,
  name: string,
  sdk: McpClientSdk,
): McpTool {
  const annotations = definition.annotations;
  const readOnly = annotations?.readOnlyHint === true;
  const description =
    definition.description ?? definition.title ?? `Tool "${definition.name}" of the MCP server "${connection.name}".`;
  return {
    name,
    description,
    input: ARGUMENTS,
    readOnly,
    needsApproval: !readOnly,
    inputSchema: inputSchemaOf(definition),
    mcp: { server: connection.name, tool: definition.name, ...(annotations ? { annotations } : {}) },
    execute: (input, ctx) => callTool(connection, definition.name, input, ctx, sdk),
  };
}

/**
 * Calls a tool and returns its result as text; an `isError` result or a failure throws, which the agent
 * turns into an error result the model can read. The call's timeout restarts with each progress
 * notification, so a long task that reports progress is not cut off.
 */
export async function callTool(
  connection: ServerConnection,
  tool: string,
  args: Record<string, unknown>,
  ctx: Pick<ToolContext, 'signal' | 'runId'>,
  sdk: McpClientSdk,
): Promise<string> {
  const { timeoutMs } = connection.server;
  // A ready server (the usual case) costs no wait.
  const client = connection.readyClient ?? (await connection.ready(ctx.signal, timeoutMs));
  const request = callSignal(ctx.signal);
  // Only sampling needs to know which run a call belongs to.
  const call = connection.trackCalls ? { runId: ctx.runId, signal: ctx.signal } : undefined;
  if (call) connection.calls.add(call);
  let result;
  try {
    result = await client.callTool({ name: tool, arguments: args }, undefined, {
      signal: request.signal,
      timeout: timeoutMs,
      resetTimeoutOnProgress: true,
      onprogress: () => undefined,
    });
  } catch (error) {
    throw callError(connection, client, error, ctx.signal, sdk);
  } finally {
    request.release();
    if (call) connection.calls.delete(call);
  }
  const text = callResultText(result);
  if (result.isError === true) throw new Error(text || 'the server reported an error without a message');
  return text;
}

/** A failed call as the model should read it; a lost connection also starts a restart. */
function callError(
  connection: ServerConnection,
  client: Client,
  error: unknown,
  signal: AbortSignal,
  sdk: McpClientSdk,
): unknown {
  // Aborted by the run or its tool timeout: the agent reports that itself.
  if (signal.aborted) return error;
  const { McpError, ErrorCode } = sdk.types;
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) {
      // A hung server is restarted; a slow call on a live one is only reported.
      void connection.probe(client);
      const ms = connection.server.timeoutMs;
      return new Error(`the MCP server "${connection.name}" did not answer within ${ms} ms`, { cause: error });
    }
    if (error.code !== ErrorCode.ConnectionClosed) return error;
    return new Error(
      `the MCP server "${connection.name}" stopped during the call, so it may or may not have taken effect; it is being restarted`,
      { cause: error },
    );
  }
  // No answer at all: the server went away (fetch failed, the process is gone), or dropped our HTTP session.
  const gone =
    error instanceof TypeError ||
    (error instanceof sdk.StreamableHTTPError && error.code === 404) ||
    (error instanceof Error && error.message === 'Not connected');
  if (gone) connection.lost(client, error);
  return error;
}
