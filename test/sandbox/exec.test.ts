import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, existsSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { localSandbox, scrubEnv } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { spawnProcess } from '../../src/sandbox/spawn-process.js';
import { alive } from './helpers.js';

let root: string;
let sandbox: Sandbox;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-exec-')));
  sandbox = localSandbox({ root, killGraceMs: 300 });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

async function pidsFrom(file: string): Promise<number[]> {
  return readFileSync(path.join(root, file), 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

describe('localSandbox.exec', () => {
  it('runs bash -c in the root with exit code, duration and combined output', async () => {
    const result = await sandbox.exec('pwd; echo err >&2; exit 3');
    expect(result.output).toBe(`${root}\nerr\n`);
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false, truncated: false });
    expect(result.totalChars).toBe(result.output.length);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs in a working directory resolved inside the root, and refuses one outside', async () => {
    mkdirSync(path.join(root, 'sub'));
    expect((await sandbox.exec('pwd', { cwd: 'sub' })).output.trim()).toBe(path.join(root, 'sub'));
    await expect(sandbox.exec('pwd', { cwd: '..' })).rejects.toThrow(WorkspaceEscapeError);
    await expect(sandbox.exec('pwd', { cwd: 'missing' })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('closes stdin, so a command reading it does not hang', async () => {
    const result = await sandbox.exec('cat; echo done', { timeoutMs: 5_000 });
    expect(result).toMatchObject({ output: 'done\n', exitCode: 0, timedOut: false });
  });

  it('is not a login shell and runs in its own process group', async () => {
    const result = await sandbox.exec(
      'shopt -q login_shell && echo login || echo plain; cut -d" " -f5 /proc/$$/stat; echo $$',
    );
    const [kind, pgid, pid] = result.output.trim().split(/\s+/);
    expect(kind).toBe('plain');
    expect(pgid).toBe(pid);
    expect(Number(pgid)).not.toBe(process.pid);
  });

  it('kills the whole group on timeout, grandchildren included', async () => {
    const started = Date.now();
    const result = await sandbox.exec('sleep 600 & echo $! > pids; (sleep 600 & echo $! >> pids; wait) & wait', {
      timeoutMs: 1_500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(5_000);
    const pids = await pidsFrom('pids');
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('kills grandchildren left behind when the command itself ends', async () => {
    const result = await sandbox.exec('nohup sleep 600 >/dev/null 2>&1 & echo $! > pids; echo ok');
    expect(result).toMatchObject({ exitCode: 0, output: 'ok\n' });
    for (const pid of await pidsFrom('pids')) expect(alive(pid)).toBe(false);
  });

  it('does not wait for a grandchild holding the output pipe', async () => {
    const started = Date.now();
    const result = await sandbox.exec('sleep 600 & echo $! > pids; echo ok');
    expect(result.output).toBe('ok\n');
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const pid of await pidsFrom('pids')) expect(alive(pid)).toBe(false);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const result = await sandbox.exec("trap '' TERM; echo $$ > pids; while :; do sleep 0.05; done", {
      timeoutMs: 1_500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    for (const pid of await pidsFrom('pids')) expect(alive(pid)).toBe(false);
  });

  it('stops on abort, and does not start when already aborted', async () => {
    const controller = new AbortController();
    const result = await sandbox.exec('echo $$ > pids; echo ready; sleep 600', {
      signal: controller.signal,
      onOutput: (chunk) => chunk.includes('ready') && controller.abort(),
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    for (const pid of await pidsFrom('pids')) expect(alive(pid)).toBe(false);

    const before = await sandbox.exec('touch should-not-exist', { signal: AbortSignal.abort() });
    expect(before.aborted).toBe(true);
    expect(existsSync(path.join(root, 'should-not-exist'))).toBe(false);
  });

  it('keeps endless output bounded: head and tail, exact total', async () => {
    const heapBefore = process.memoryUsage().rss;
    const result = await sandbox.exec('yes', { timeoutMs: 700, maxOutputChars: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.truncated).toBe(true);
    expect(result.totalChars).toBeGreaterThan(1_000_000);
    expect(result.output.length).toBeLessThan(1_200);
    expect(result.output).toMatch(/^y\ny\n[\s\S]*characters omitted[\s\S]*y\n$/);
    const omitted = Number(/\[(\d+) characters omitted\]/.exec(result.output)?.[1]);
    expect(omitted + 1_000).toBe(result.totalChars);
    expect(process.memoryUsage().rss - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it('keeps output exact when it fits, and streams it to onOutput', async () => {
    const chunks: string[] = [];
    const result = await sandbox.exec('for i in 1 2 3; do echo line $i; done; printf "é€"', {
      maxOutputChars: 100,
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(result.output).toBe('line 1\nline 2\nline 3\né€');
    expect(chunks.join('')).toBe(result.output);
    expect(result.truncated).toBe(false);
  });

  it('removes secret-looking variables, keeps the rest, adds extra env', async () => {
    process.env.ICODE_TEST_API_KEY = 'sk-secret';
    process.env.ICODE_TEST_GH_TOKEN = 'ghp';
    process.env.ICODE_TEST_PLAIN = 'visible';
    try {
      const result = await sandbox.exec(
        'echo "[$ICODE_TEST_API_KEY][$ICODE_TEST_GH_TOKEN][$ICODE_TEST_PLAIN][$EXTRA]"',
        {
          env: { EXTRA: 'x' },
        },
      );
      expect(result.output).toBe('[][][visible][x]\n');
      const keep = localSandbox({ root, scrubEnv: { keep: ['ICODE_TEST_GH_TOKEN'] } });
      expect((await keep.exec('echo "$ICODE_TEST_GH_TOKEN"')).output).toBe('ghp\n');
      const raw = localSandbox({ root, scrubEnv: false });
      expect((await raw.exec('echo "$ICODE_TEST_API_KEY"')).output).toBe('sk-secret\n');
    } finally {
      delete process.env.ICODE_TEST_API_KEY;
      delete process.env.ICODE_TEST_GH_TOKEN;
      delete process.env.ICODE_TEST_PLAIN;
    }
  });

  it('scrubEnv matches the usual secret names and takes custom patterns', () => {
    const env = {
      OPENAI_API_KEY: '1',
      AWS_SECRET_ACCESS_KEY: '2',
      PGPASSWORD: '3',
      DATABASE_URL: '4',
      GITHUB_TOKEN: '5',
      SSH_AUTH_SOCK: '6',
      PATH: '/bin',
      LANG: 'C',
    };
    expect(Object.keys(scrubEnv(env))).toEqual(['PATH', 'LANG']);
    expect(Object.keys(scrubEnv(env, { patterns: [/^PATH$/] }))).toEqual(
      Object.keys(env).filter((key) => key !== 'PATH'),
    );
  });

  it('leaves no timer or abort listener behind', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    await sandbox.exec('sleep 0.05 & echo done', { signal: controller.signal, timeoutMs: 60_000 });
    await sandbox.exec('sleep 5', { signal: controller.signal, timeoutMs: 100 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('rejects when the program cannot be started, leaving nothing behind', async () => {
    const controller = new AbortController();
    await expect(
      spawnProcess({
        file: path.join(root, 'no-such-program'),
        args: [],
        cwd: root,
        env: {},
        signal: controller.signal,
        timeoutMs: 60_000,
      }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects when the process cannot be started in a directory that vanished', async () => {
    const gone = localSandbox({ root });
    rmSync(root, { recursive: true });
    await expect(gone.exec('true')).rejects.toBeDefined();
  });
});
