/**
 * MCP tool calls over stdio, through icode against the floor of a direct SDK client call:
 * - icode: the `mcp__e__<tool>` tool of `mcpServers(...)`, called as the agent calls it (readiness check,
 *   abortable, timeout reset by progress, result to text);
 * - floor: `callTool` on the same SDK `Client`, over the same pipe to the same server process (two
 *   processes of the same server differ by up to 30 % in round-trip time on a shared machine, which would
 *   swamp what is measured here), bare, and with what icode asks of the SDK for every call (an abort signal
 *   of its own and a timeout that progress notifications reset).
 * The server is `@modelcontextprotocol/server-everything`; the calls take turns so machine noise hits them
 * alike. Goal: ratio ≤ 1.2.
 *
 *   npx tsx bench/mcp.ts
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mcpServers } from '../src/mcp/index.js';
import type { ToolContext } from '../src/tools/tool.js';
import { table, timeRounds } from './stats.js';

const require = createRequire(import.meta.url);
const everything = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
);
const server = { command: process.execPath, args: [everything, 'stdio'] };

const context = {
  signal: new AbortController().signal,
  sessionId: 'bench',
  runId: 'bench',
  toolCallId: 'bench',
} as unknown as ToolContext;

export async function bench(): Promise<void> {
  const mcp = mcpServers({ servers: { e: server } });
  try {
    const tools = await mcp.tools();
    const client = mcp.client('e')!;
    const byName = (name: string) => tools.find((t) => t.name === `mcp__e__${name}`)!;
    const rows: (string | number)[][] = [];
    const cases = [
      { label: 'echo', tool: 'echo', args: { message: 'hello' } },
      { label: 'get-sum', tool: 'get-sum', args: { a: 2, b: 3 } },
      { label: 'get-structured-content', tool: 'get-structured-content', args: { location: 'Chicago' } },
    ];
    for (const { label, tool, args } of cases) {
      const icodeTool = byName(tool);
      const params = { name: tool, arguments: args };
      const [icode, bare, same] = await timeRounds(
        [
          () => Promise.resolve(icodeTool.execute(args, context)),
          () => client.callTool(params),
          () =>
            client.callTool(params, undefined, {
              signal: new AbortController().signal,
              timeout: 120_000,
              resetTimeoutOnProgress: true,
              onprogress: () => undefined,
            }),
        ],
        500,
        50,
      );
      rows.push([`tools/call ${label}`, icode!, bare!, icode! / bare!, same!, icode! / same!]);
    }
    console.log('\n## MCP\n');
    console.log(
      table(
        [
          'operation (stdio round trip)',
          'icode (ms)',
          'bare SDK call (ms)',
          'ratio',
          'SDK call, same options (ms)',
          'ratio',
        ],
        rows,
      ),
    );
    console.log(
      '\nFloors: `callTool` on the SDK client, over the same pipe to the same server-everything process, bare and with an abort signal and a progress-reset timeout (what icode passes). Node 20 spends several µs creating each AbortSignal; that and the progress handling are most of the gap to the bare call.',
    );
  } finally {
    await mcp.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await bench();
