import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lspTools, type LspEvent, type LspToolsOptions } from '../../src/lsp/index.js';
import { A_TS, alive, B_TS, callTool, PATIENT, scriptedServer, tsProject, typescriptServer, until } from './helpers.js';
import { TypeScriptOracle } from './typescript-oracle.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A project and a toolset on it that records its events. */
async function setup(files: Record<string, string>, options: Omit<LspToolsOptions, 'root'>) {
  const project = await tsProject(files);
  const events: LspEvent[] = [];
  const lsp = lspTools({ ...PATIENT, ...options, root: project.root, onEvent: (event) => events.push(event) });
  cleanups.push(project.cleanup, () => lsp.close());
  return { root: project.root, lsp, tools: await lsp.tools(), events };
}

const ofType = <T extends LspEvent['type']>(events: readonly LspEvent[], type: T) =>
  events.filter((event): event is Extract<LspEvent, { type: T }> => event.type === type);

describe('language server lifecycle', () => {
  it(
    'restarts typescript-language-server killed during a call, and the call still answers',
    { timeout: 240_000 },
    async () => {
      const { root, tools, events, lsp } = await setup(
        { 'a.ts': A_TS, 'b.ts': B_TS },
        { servers: { typescript: typescriptServer() } },
      );
      const oracle = new TypeScriptOracle(root);
      expect(await callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'add' })).toContain(
        oracle.hover('a.ts', 1, 17),
      );
      const [first] = ofType(events, 'lsp-server-ready');
      const pending = callTool(tools, 'lsp_references', { file_path: 'b.ts', symbol: 'four' });
      process.kill(first!.pid, 'SIGKILL');
      const output = await pending;
      const expected = oracle.references('b.ts', 3, 14);
      expect(output).toMatch(new RegExp(`^${expected.length} references to four`));
      for (const where of expected) expect(output).toContain(`${where.file}:${where.line}:${where.column}`);
      expect(ofType(events, 'lsp-server-exit')[0]).toMatchObject({
        pid: first!.pid,
        signal: 'SIGKILL',
        expected: false,
      });
      expect(ofType(events, 'lsp-server-restart')).toHaveLength(1);
      const restarted = ofType(events, 'lsp-server-start');
      expect(restarted.map((event) => event.attempt)).toEqual([1, 2]);
      expect(lsp.status()).toEqual({ typescript: 'ready' });
      // The restarted server has the files open again and answers about them.
      expect(await callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'Counter' })).toContain(
        oracle.hover('a.ts', 5, 14),
      );
    },
  );

  it(
    'answers a request that was in flight when the server died, on the restarted server',
    { timeout: 120_000 },
    async () => {
      const { root, tools, events } = await setup(
        { 'x.fx': 'first line\nHANG here\n' },
        { servers: { scripted: scriptedServer({ FIXTURE_HANG_ONCE: '1' }) }, restartDelayMs: 10 },
      );
      const pending = callTool(tools, 'lsp_hover', { file_path: 'x.fx', line: 2, column: 6 });
      const marker = path.join(root, 'hover-received');
      await until(() => existsSync(marker));
      const [started] = ofType(events, 'lsp-server-start');
      process.kill(started!.pid, 'SIGKILL');
      expect(await pending).toBe('x.fx:2:6\nword here');
      expect(ofType(events, 'lsp-server-start').map((event) => event.attempt)).toEqual([1, 2]);
    },
  );

  it(
    'is degraded after repeated failed starts, with a clear tool error and an event',
    { timeout: 120_000 },
    async () => {
      const { tools, events, lsp } = await setup(
        { 'a.ts': A_TS },
        {
          servers: {
            typescript: {
              command: process.execPath,
              args: ['-e', 'console.error("no license"); process.exit(3)'],
              languages: ['ts'],
            },
          },
          maxRestarts: 2,
          restartDelayMs: 10,
        },
      );
      const attempt = callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'add' });
      await expect(attempt).rejects.toThrow(
        /^The typescript language server is unavailable: it failed 3 times in a row \(last: exited before it answered initialize \(code 3\); stderr: no license\)\. LSP tools for \.ts files do not work in this session; use read and grep instead\.$/,
      );
      expect(ofType(events, 'lsp-server-start')).toHaveLength(3);
      expect(ofType(events, 'lsp-server-restart').map((event) => event.delayMs)).toEqual([10, 20]);
      expect(ofType(events, 'lsp-server-degraded')).toHaveLength(1);
      expect(lsp.status()).toEqual({ typescript: 'degraded' });
      // Later calls fail at once, without starting it again.
      await expect(callTool(tools, 'lsp_diagnostics', { file_path: 'a.ts' })).rejects.toThrow('is unavailable');
      expect(ofType(events, 'lsp-server-start')).toHaveLength(3);
    },
  );

  it('is degraded when the program cannot be started at all', { timeout: 60_000 }, async () => {
    const { tools, events } = await setup(
      { 'a.ts': A_TS },
      {
        servers: { typescript: { command: '/nonexistent/language-server', languages: ['ts'] } },
        maxRestarts: 1,
        restartDelayMs: 1,
      },
    );
    await expect(callTool(tools, 'lsp_hover', { file_path: 'a.ts', line: 1, column: 1 })).rejects.toThrow(
      /failed 2 times in a row \(last: could not be started \(spawn \/nonexistent\/language-server ENOENT\)\)/,
    );
    expect(ofType(events, 'lsp-server-start')).toHaveLength(0);
    expect(ofType(events, 'lsp-server-degraded')).toHaveLength(1);
  });

  it('times a request out, and restarts a server that keeps not answering', { timeout: 120_000 }, async () => {
    const { tools, events } = await setup(
      { 'x.fx': 'HANG\n' },
      { servers: { scripted: scriptedServer() }, requestTimeoutMs: 500, restartDelayMs: 10 },
    );
    const hover = { file_path: 'x.fx', line: 1, column: 1 };
    await expect(callTool(tools, 'lsp_hover', hover)).rejects.toThrow(
      'The scripted language server did not answer textDocument/hover within 1 s.',
    );
    expect(ofType(events, 'lsp-request-timeout')).toEqual([
      { type: 'lsp-request-timeout', server: 'scripted', method: 'textDocument/hover', timeoutMs: 500 },
    ]);
    await expect(callTool(tools, 'lsp_hover', hover)).rejects.toThrow('did not answer');
    // Two timeouts in a row: the server is taken for hung, killed and started again.
    await until(() => ofType(events, 'lsp-server-ready').length === 2);
    expect(ofType(events, 'lsp-server-exit')[0]).toMatchObject({ signal: 'SIGKILL', expected: false });
  });

  it(
    'uses pull diagnostics where the server offers them, also for the after-edit feedback',
    { timeout: 120_000 },
    async () => {
      const { root, tools, lsp } = await setup(
        { 'x.fx': 'fine\nERROR here\n' },
        { servers: { scripted: scriptedServer() } },
      );
      expect(await callTool(tools, 'lsp_diagnostics', { file_path: 'x.fx' })).toBe(
        'x.fx: 1 error\nx.fx:2:1 error fixture(E1): ERROR found',
      );
      const { localSandbox } = await import('../../src/sandbox/index.js');
      const { codingTools } = await import('../../src/tools/builtin/index.js');
      const sandbox = localSandbox({ root });
      const coding = lsp.withFeedback(codingTools({ sandbox }));
      const { toolContext } = await import('./helpers.js');
      const ctx = toolContext(sandbox);
      await callTool(coding, 'read', { file_path: 'x.fx' }, ctx);
      const edited = await callTool(
        coding,
        'edit',
        { file_path: 'x.fx', old_string: 'fine', new_string: 'fine ERROR' },
        ctx,
      );
      expect(edited).toContain('\n\nLSP: 1 new error after this change:\nx.fx:1:6 error fixture(E1): ERROR found');
      expect(edited).not.toContain('x.fx:2:1');
    },
  );

  it('shuts servers down on close, killing one that ignores shutdown', { timeout: 120_000 }, async () => {
    const { tools, events, lsp } = await setup(
      { 'a.ts': A_TS, 'x.fx': 'fine\n' },
      { servers: { typescript: typescriptServer(), scripted: scriptedServer({ FIXTURE_STUBBORN: '1' }) } },
    );
    await callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'add' });
    await callTool(tools, 'lsp_hover', { file_path: 'x.fx', line: 1, column: 1 });
    const pids = ofType(events, 'lsp-server-ready').map((event) => event.pid);
    expect(pids).toHaveLength(2);
    await lsp.close();
    expect(lsp.status()).toEqual({ typescript: 'closed', scripted: 'closed' });
    const exits = ofType(events, 'lsp-server-exit');
    expect(exits.find((event) => event.server === 'typescript')).toMatchObject({ code: 0, expected: true });
    expect(exits.find((event) => event.server === 'scripted')).toMatchObject({ signal: 'SIGKILL', expected: true });
    // Nothing of either server is left, tsserver's own processes included.
    for (const pid of pids) await until(() => !alive(-pid), 10_000);
    await expect(callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'add' })).rejects.toThrow(
      'The typescript language server was closed.',
    );
    await lsp.close();
  });

  it('kills its servers when the process exits without closing them', { timeout: 120_000 }, async () => {
    const project = await tsProject({ 'a.ts': A_TS });
    cleanups.push(project.cleanup);
    await writeFile(path.join(project.root, 'a.ts'), A_TS);
    const { spawn } = await import('node:child_process');
    const script = new URL('./fixtures/exit-without-close.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', script, project.root], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const pid = Number(/server pid (\d+)/.exec(output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    await until(() => !alive(-pid), 10_000);
  });
});
