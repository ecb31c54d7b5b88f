/**
 * The life of a stdio server: lazy and eager start, a server killed in the middle of a call and restarted,
 * a server that keeps failing given up on (`degraded`) and brought back with `reconnect`, and no process
 * left behind after `close()` or after the app exits.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool, ToolContext, ToolsetStatus } from '../../src/index.js';
import { mcpServers } from '../../src/mcp/index.js';
import { cleanupAfterEach, eventually, everything, serverScript, switchableServer, tempDir } from './servers.js';

const { cleanups, track } = cleanupAfterEach();

const ctx = (): ToolContext =>
  ({
    signal: new AbortController().signal,
    runId: 'run_1',
    sessionId: 'ses_1',
    toolCallId: 'c',
  }) as unknown as ToolContext;

const find = (tools: readonly Tool[], name: string): Tool => tools.find((t) => t.name === name)!;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('server lifecycle', () => {
  it('starts a lazy server on first use and an eager one at once', async () => {
    const lazy = track(mcpServers({ servers: { e: everything() } }));
    const eager = track(mcpServers({ servers: { e: everything() }, startup: 'eager' }));
    expect(lazy.status().e!.state).toBe('idle');
    await eventually(() => (eager.status().e!.state === 'ready' ? true : undefined));
    expect(lazy.status().e!.state).toBe('idle');
    expect((await lazy.tools()).length).toBeGreaterThan(5);
    expect(lazy.status().e!.state).toBe('ready');
  });

  it('restarts a server killed in the middle of a call; the call fails, the next one works', async () => {
    const mcp = track(mcpServers({ servers: { e: everything() }, restart: { initialDelayMs: 20 } }));
    const statuses: ToolsetStatus[] = [];
    mcp.onStatus((s) => statuses.push(s));
    const tools = await mcp.tools();
    const pid = mcp.status().e!.pid!;
    const call = find(tools, 'mcp__e__trigger-long-running-operation').execute({ duration: 60, steps: 60 }, ctx());
    process.kill(pid, 'SIGKILL');
    await expect(call).rejects.toThrow(/stopped during the call|closed|Not connected/);

    await eventually(() => (mcp.status().e!.state === 'ready' && mcp.status().e!.pid !== pid ? true : undefined));
    expect(mcp.status().e).toMatchObject({ restarts: 1, failures: 1 });
    expect(statuses.map((s) => s.status)).toEqual(['restarting', 'ready']);
    expect(statuses[0]!.message).toMatch(/closed the connection/);
    // The tools survived the restart and reach the new process.
    expect(await find(await mcp.tools(), 'mcp__e__echo').execute({ message: 'back' }, ctx())).toBe('Echo: back');
  });

  it('restarts a server that hangs: a call times out, a ping finds it dead', async () => {
    const mcp = track(
      mcpServers({
        servers: { e: everything({ timeoutMs: 1000 }) },
        connectTimeoutMs: 2000,
        restart: { initialDelayMs: 10 },
      }),
    );
    const tools = await mcp.tools();
    const pid = mcp.status().e!.pid!;
    process.kill(pid, 'SIGSTOP'); // alive, but answering nothing
    cleanups.push(async () => void (alive(pid) && process.kill(pid, 'SIGKILL')));
    await expect(find(tools, 'mcp__e__echo').execute({ message: 'anyone?' }, ctx())).rejects.toThrow(/did not answer/);
    await eventually(() => (mcp.status().e!.state === 'ready' && mcp.status().e!.pid !== pid ? true : undefined));
    expect(mcp.status().e!.restarts).toBe(1);
    expect(await find(await mcp.tools(), 'mcp__e__echo').execute({ message: 'back' }, ctx())).toBe('Echo: back');
    await eventually(() => (alive(pid) ? undefined : true));
  });

  it('gives up on a server that keeps failing (degraded, tools removed) and brings it back on reconnect', async () => {
    const { config, marker, remove } = await switchableServer();
    cleanups.push(remove);
    const mcp = track(mcpServers({ servers: { flaky: config }, restart: { maxRestarts: 2, initialDelayMs: 10 } }));
    const statuses: string[] = [];
    mcp.onStatus((s) => statuses.push(s.status));
    const before = await mcp.tools();
    expect(before.some((t) => t.name === 'mcp__flaky__echo')).toBe(true);

    await writeFile(marker, '');
    process.kill(mcp.status().flaky!.pid!, 'SIGKILL');
    await eventually(() => (mcp.status().flaky!.state === 'degraded' ? true : undefined));
    // The crash, then two restarts that fail: maxRestarts is 2.
    expect(statuses).toEqual(['restarting', 'restarting', 'degraded']);
    expect(mcp.status().flaky).toMatchObject({ failures: 3, tools: 0 });
    expect(mcp.status().flaky!.lastError).toContain('configuration broken');
    expect((await mcp.tools()).some((t) => t.name.startsWith('mcp__flaky__'))).toBe(false);
    // A call through a tool object kept from before fails fast with the reason.
    await expect(find(before, 'mcp__flaky__echo').execute({ message: 'x' }, ctx())).rejects.toThrow(/degraded/);

    await rm(marker);
    await mcp.reconnect('flaky');
    expect(mcp.status().flaky!.state).toBe('ready');
    expect(await find(await mcp.tools(), 'mcp__flaky__echo').execute({ message: 'again' }, ctx())).toBe('Echo: again');
  });

  it('degrades a command that cannot start, without throwing from tools()', async () => {
    const mcp = track(
      mcpServers({
        servers: { missing: { command: join(process.cwd(), 'no-such-mcp-server') } },
        restart: { maxRestarts: 1, initialDelayMs: 10 },
      }),
    );
    expect(await mcp.tools()).toEqual([]);
    await eventually(() => (mcp.status().missing!.state === 'degraded' ? true : undefined));
    expect(mcp.status().missing!.lastError).toMatch(/ENOENT/);
  });

  it('stops the server process on close()', async () => {
    const mcp = mcpServers({ servers: { e: everything() } });
    await mcp.tools();
    const pid = mcp.status().e!.pid!;
    expect(alive(pid)).toBe(true);
    await mcp.close();
    await mcp.close(); // a second close is harmless
    await eventually(() => (alive(pid) ? undefined : true));
    expect(mcp.status().e!.state).toBe('closed');
    expect(await mcp.tools()).toEqual([]);
  });

  it('stops the server processes when the app exits without closing them', async () => {
    const dir = await tempDir('icode-mcp-exit-');
    cleanups.push(dir.remove);
    // A server that does not exit when its stdin closes (it has work of its own scheduled), as many don't.
    const stubborn = join(dir.path, 'stubborn.mjs');
    await writeFile(
      stubborn,
      `setInterval(() => {}, 1000);\nawait import(${JSON.stringify(`file://${serverScript('@modelcontextprotocol/server-everything')}`)});\n`,
    );
    const script = join(dir.path, 'app.mts');
    const source = join(process.cwd(), 'src', 'mcp', 'index.ts');
    const server = { command: process.execPath, args: [stubborn, 'stdio'] };
    await writeFile(
      script,
      [
        `import { mcpServers } from ${JSON.stringify(source)};`,
        `const mcp = mcpServers({ servers: { e: ${JSON.stringify(server)} } });`,
        `await mcp.tools();`,
        `console.log(String(mcp.status().e.pid));`,
        `process.exit(0);`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    cleanups.push(async () => void (alive(pid) && process.kill(pid, 'SIGKILL')));
    await eventually(() => (alive(pid) ? undefined : true), 10_000);
  });
});
