/**
 * An agent that works on files through the MCP filesystem server (`@modelcontextprotocol/server-filesystem`),
 * on the scripted mock model (no API key needed). The server is started over stdio when the agent first
 * needs its tools, its tools are named `mcp__fs__<tool>`, the policy's rules apply to them by that name,
 * and `agent.close()` stops the server. Swap `mockProvider([...])` for a real provider to run it for real.
 *
 *   npx tsx examples/mcp-filesystem.ts
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createAgent, type AgentEvent } from 'icode';
import { mcpServers } from 'icode/mcp';
import { mockProvider } from 'icode/testing';

const root = await mkdtemp(join(tmpdir(), 'icode-mcp-example-'));
await writeFile(join(root, 'shopping.md'), '# Shopping\n- milk\n');

// The installed server, run with this Node (no `npx` download). With `npx` on your PATH you could write
// { command: 'npx', args: ['@modelcontextprotocol/server-filesystem', root] } instead.
const require = createRequire(import.meta.url);
const server = join(dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist/index.js');
const mcp = mcpServers({ servers: { fs: { command: process.execPath, args: [server, root] } } });

const file = join(root, 'shopping.md');
const provider = mockProvider([
  { text: 'Let me look at the list.', toolCalls: [{ name: 'mcp__fs__read_text_file', input: { path: file } }] },
  {
    text: 'Adding bread.',
    toolCalls: [
      { name: 'mcp__fs__edit_file', input: { path: file, edits: [{ oldText: '- milk', newText: '- milk\n- bread' }] } },
    ],
  },
  {
    text: 'Trying to tidy up too.',
    toolCalls: [{ name: 'mcp__fs__move_file', input: { source: file, destination: join(root, 'old.md') } }],
  },
  { text: 'Bread is on the list. I was not allowed to move the file, so it stays where it is.' },
]);

const agent = createAgent({
  provider,
  instructions: 'You keep the shopping list up to date.',
  tools: [mcp],
  policy: {
    mode: 'workspace-write',
    // Reads run (the server marks them readOnlyHint), this rule forbids moves, and other writes are asked.
    deny: ['mcp__fs__move_file'],
    approve: () => 'allow', // a real app asks a person here
  },
});

let midLine = false; // model text was printed without a line end yet
const line = (text: string): void => {
  console.log(`${midLine ? '\n' : ''}${text}`);
  midLine = false;
};
const print = (event: AgentEvent): void => {
  if (event.type === 'text-delta') {
    process.stdout.write(event.text);
    midLine = true;
  } else if (event.type === 'tool-call') line(`  -> ${event.name}(${JSON.stringify(event.input)})`);
  else if (event.type === 'tool-result') {
    const output = String(event.output).trim().split('\n')[0]!.slice(0, 100);
    line(`  <- ${event.name}: ${event.isError ? `error (${event.errorCode}) ` : ''}${output}`);
  } else if (event.type === 'permission-request') line(`  ?? ${event.name}: ${event.reason}`);
  else if (event.type === 'toolset-status') line(`  [${event.server}] ${event.status}: ${event.message}`);
};

try {
  const run = agent.run('Add bread to my shopping list.');
  for await (const event of run) print(event);
  const result = await run.result;
  line('');
  console.log(`status: ${result.status}, turns: ${result.turns}`);
  console.log(`shopping.md now reads:\n${await readFile(file, 'utf8')}`);
} finally {
  await agent.close(); // stops the MCP server
  await rm(root, { recursive: true, force: true });
}
