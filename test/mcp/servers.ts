/**
 * The real MCP servers the tests start: the reference servers from npm, run with this Node over stdio.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { McpServers, McpStdioServer } from '../../src/mcp/index.js';

const require = createRequire(import.meta.url);

/** The entry script of an installed server package. */
export function serverScript(
  pkg: '@modelcontextprotocol/server-everything' | '@modelcontextprotocol/server-filesystem',
) {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'index.js');
}

/** server-everything over stdio. */
export function everything(extra: Partial<McpStdioServer> = {}): McpStdioServer {
  return {
    command: process.execPath,
    args: [serverScript('@modelcontextprotocol/server-everything'), 'stdio'],
    ...extra,
  };
}

/** server-filesystem over stdio, allowed to touch `root` only. */
export function filesystem(root: string, extra: Partial<McpStdioServer> = {}): McpStdioServer {
  return { command: process.execPath, args: [serverScript('@modelcontextprotocol/server-filesystem'), root], ...extra };
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * server-everything behind a switch: while the marker file exists the process exits at once, like a server
 * whose configuration broke.
 */
export async function switchableServer(): Promise<{
  config: McpStdioServer;
  marker: string;
  remove: () => Promise<void>;
}> {
  const dir = await tempDir('icode-mcp-switch-');
  const marker = join(dir.path, 'broken');
  const wrapper = join(dir.path, 'server.mjs');
  const target = `file://${serverScript('@modelcontextprotocol/server-everything')}`;
  await writeFile(
    wrapper,
    `import { existsSync } from 'node:fs';\nif (existsSync(${JSON.stringify(marker)})) { console.error('configuration broken'); process.exit(3); }\nawait import(${JSON.stringify(target)});\n`,
  );
  return { config: { command: process.execPath, args: [wrapper, 'stdio'] }, marker, remove: dir.remove };
}

/**
 * The clean-ups of a test file, run after each test, last registered first; `track` closes a toolset the
 * same way. Call once at the top of a test file.
 */
export function cleanupAfterEach(): {
  cleanups: (() => Promise<void>)[];
  track: (mcp: McpServers) => McpServers;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (mcp: McpServers): McpServers => {
    cleanups.push(() => mcp.close());
    return mcp;
  };
  return { cleanups, track };
}
