/**
 * An agent as one MCP tool: `tools/list` offers it, `tools/call` runs it, with progress notifications
 * while it works and its final text as the result.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Agent } from '../agent/types.js';
import type { AgentEvent } from '../events/agent-event.js';
import type { RunResult } from '../events/run-result.js';
import type { McpServerSdk } from './sdk.js';

/** What the served tool is called and says about itself. */
export interface AgentToolInfo {
  readonly name: string;
  readonly description: string;
  readonly version: string;
}

const INPUT_SCHEMA = {
  type: 'object' as const,
  properties: {
    prompt: { type: 'string', description: 'The task or question for the agent.' },
    sessionId: {
      type: 'string',
      description: 'Continue the conversation of an earlier call (its result gives the sessionId).',
    },
  },
  required: ['prompt'],
};

/** A short line for a progress notification, or nothing for events not worth one. */
function progressMessage(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'turn-start':
      return `turn ${event.turn}`;
    case 'tool-call':
      return `calling ${event.name}`;
    case 'tool-result':
      return `${event.name} ${event.isError ? 'failed' : 'done'}`;
    case 'permission-request':
      return `waiting for approval of ${event.name}`;
    default:
      return undefined;
  }
}

function resultOf(result: RunResult): CallToolResult {
  const { status, sessionId, turns, usage } = result;
  const structuredContent = {
    status,
    sessionId,
    turns,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
  };
  if (status === 'paused') {
    const names = (result.pending ?? []).map((p) => p.name).join(', ');
    return {
      content: [
        { type: 'text', text: `The agent stopped: it needs approval for ${names}, which cannot be given here.` },
      ],
      structuredContent,
      isError: true,
    };
  }
  const note = status === 'completed' ? '' : `\n\n[the run ended with status ${status}]`;
  return {
    content: [{ type: 'text', text: `${result.text}${note}` }],
    structuredContent,
    isError: status !== 'completed' && status !== 'max-turns',
  };
}

/**
 * A low-level MCP server whose one tool runs `agent`. `sessions` holds the sessions this server created:
 * only those may be continued, so a client cannot reach another conversation in the agent's store.
 */
export function agentToolServer(agent: Agent, info: AgentToolInfo, sdk: McpServerSdk, sessions: Set<string>): Server {
  const { types } = sdk;
  const server = new sdk.Server({ name: info.name, version: info.version }, { capabilities: { tools: {} } });
  server.setRequestHandler(types.ListToolsRequestSchema, () => ({
    tools: [{ name: info.name, description: info.description, inputSchema: INPUT_SCHEMA }],
  }));
  server.setRequestHandler(types.CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const fail = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });
    if (request.params.name !== info.name) return fail(`Unknown tool "${request.params.name}".`);
    const { prompt, sessionId } = (request.params.arguments ?? {}) as { prompt?: unknown; sessionId?: unknown };
    if (typeof prompt !== 'string' || prompt.trim() === '') return fail('`prompt` must be a non-empty string.');
    if (sessionId !== undefined && (typeof sessionId !== 'string' || !sessions.has(sessionId))) {
      return fail('Unknown sessionId: pass one returned by an earlier call, or none to start anew.');
    }
    const run = agent.run(prompt, { signal: extra.signal, ...(sessionId !== undefined ? { sessionId } : {}) });
    sessions.add(run.sessionId);
    const token = request.params._meta?.progressToken;
    let progress = 0;
    try {
      for await (const event of run) {
        const message = token === undefined ? undefined : progressMessage(event);
        if (message === undefined) continue;
        await extra
          .sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token!, progress: ++progress, message },
          })
          .catch(() => undefined);
      }
      return resultOf(await run.result);
    } catch (error) {
      return fail(`The agent failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return server;
}
