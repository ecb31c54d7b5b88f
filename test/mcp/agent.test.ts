/**
 * A whole agent on MCP tools, as users build one: `createAgent` with the filesystem server next to its own
 * tools, a real policy, a scripted model; and a run that goes on when a server it uses degrades.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type AgentEvent, type ApprovalRequest } from '../../src/index.js';
import { mcpServers } from '../../src/mcp/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { eventually, filesystem, switchableServer, tempDir } from './servers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function collect(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('an agent with MCP tools', () => {
  it('lists, reads and edits files through the filesystem server under a policy, then closes it', async () => {
    const { path: root, remove } = await tempDir('icode-mcp-agent-');
    cleanups.push(remove);
    await writeFile(join(root, 'todo.md'), '- buy milk\n');
    const mcp = mcpServers({ servers: { fs: filesystem(root) } });
    const file = join(root, 'todo.md');
    const model = mockProvider([
      { text: 'Looking around.', toolCalls: [{ name: 'mcp__fs__list_directory', input: { path: root } }] },
      { toolCalls: [{ name: 'mcp__fs__read_text_file', input: { path: file } }] },
      {
        toolCalls: [
          {
            name: 'mcp__fs__edit_file',
            input: { path: file, edits: [{ oldText: '- buy milk', newText: '- buy milk\n- buy bread' }] },
          },
          { name: 'mcp__fs__move_file', input: { source: file, destination: join(root, 'done.md') } },
        ],
      },
      { text: 'Added bread to the list.' },
    ]);
    const asked: ApprovalRequest[] = [];
    const agent = createAgent({
      provider: model,
      instructions: 'Keep the todo list.',
      tools: [
        tool({
          name: 'today',
          description: 'The date',
          input: z.object({}),
          readOnly: true,
          execute: () => '2025-01-01',
        }),
        mcp,
      ],
      sandbox: localSandbox({ root }),
      policy: createPolicy({
        root,
        mode: 'workspace-write',
        deny: ['mcp__fs__move_file'],
        approve: (request) => (asked.push(request), 'allow'),
      }),
    });
    const events = await collect(agent.run('Add bread to my todo list'));
    model.assertComplete();

    // Events come as calls finish; the two calls of the third turn run at once.
    const results = new Map(events.flatMap((e) => (e.type === 'tool-result' ? [[e.name, e] as const] : [])));
    expect([...results.values()].map((r) => [r.name, r.isError]).sort()).toEqual([
      ['mcp__fs__edit_file', false],
      ['mcp__fs__list_directory', false],
      ['mcp__fs__move_file', true],
      ['mcp__fs__read_text_file', false],
    ]);
    expect(results.get('mcp__fs__list_directory')!.output).toContain('[FILE] todo.md');
    expect(results.get('mcp__fs__move_file')).toMatchObject({ errorCode: 'PERMISSION_DENIED' });
    expect(asked.map((r) => r.name)).toEqual(['mcp__fs__edit_file']);
    expect(await readFile(file, 'utf8')).toBe('- buy milk\n- buy bread\n');
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['today', 'mcp__fs__read_text_file', 'mcp__fs__write_file']),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      result: { status: 'completed', text: 'Added bread to the list.' },
    });

    const pid = mcp.status().fs!.pid!;
    await agent.close();
    expect(mcp.status().fs!.state).toBe('closed');
    await eventually(() => (alive(pid) ? undefined : true));
  });

  it('goes on when a server degrades during the run: the event is emitted and its tools are gone', async () => {
    const server = await switchableServer();
    cleanups.push(server.remove);
    const mcp = mcpServers({ servers: { flaky: server.config }, restart: { maxRestarts: 1, initialDelayMs: 10 } });
    cleanups.push(() => mcp.close());
    // A tool of the app that breaks the server for good, then waits until the toolset has given up.
    const breakServer = tool({
      name: 'break_server',
      description: 'Breaks the MCP server',
      input: z.object({}),
      readOnly: true,
      execute: async () => {
        await writeFile(server.marker, '');
        process.kill(mcp.status().flaky!.pid!, 'SIGKILL');
        await eventually(() => (mcp.status().flaky!.state === 'degraded' ? true : undefined));
        return 'broken';
      },
    });
    const model = mockProvider([
      { toolCalls: [{ name: 'mcp__flaky__echo', input: { message: 'one' } }] },
      { toolCalls: [{ name: 'break_server', input: {} }] },
      { toolCalls: [{ name: 'mcp__flaky__echo', input: { message: 'two' } }] },
      { text: 'The server is gone; carrying on without it.' },
    ]);
    const agent = createAgent({ provider: model, tools: [breakServer, mcp], policy: { mode: 'full-access' } });
    const events = await collect(agent.run('Use the server'));
    model.assertComplete();

    expect(model.requests[0]!.tools.some((t) => t.name === 'mcp__flaky__echo')).toBe(true);
    expect(model.requests[2]!.tools.map((t) => t.name)).toEqual(['break_server']);
    const statuses = events.flatMap((e) => (e.type === 'toolset-status' ? [e] : []));
    expect(statuses.map((s) => [s.toolset, s.server, s.status])).toEqual([
      ['mcp', 'flaky', 'restarting'],
      ['mcp', 'flaky', 'degraded'],
    ]);
    expect(statuses[1]!.message).toContain('configuration broken');
    const results = events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    expect(results[0]).toMatchObject({ isError: false, output: 'Echo: one' });
    // The model called a tool that is no longer offered: an error result it can read, not a crash.
    expect(results[2]).toMatchObject({ isError: true, errorCode: 'TOOL_NOT_FOUND' });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { status: 'completed' } });
  });
});
