/**
 * No file tool can wedge the host on a FIFO, a socket or a device. Files are opened non-blocking and
 * judged on the handle: a background job swapping a file for a FIFO between a check and an open cannot
 * block libuv's thread pool (or the event loop), and FIFOs, sockets and links to devices met directly give
 * a clear error result.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { localSandbox, type Sandbox } from 'icode/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type Policy } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { mockProvider, type MockStep, type MockToolCall } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { fixedPolicy } from '../helpers/agent.js';
import { alive } from './helpers.js';

let root: string;
let base: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-fifo-')));
  root = path.join(base, 'ws');
  mkdirSync(root);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function spawnSyncOk(file: string, args: string[]): void {
  if (spawnSync(file, args, { stdio: 'ignore' }).status !== 0) throw new Error(`${file} ${args.join(' ')} failed`);
}

type ToolResult = Extract<AgentEvent, { type: 'tool-result' }>;

/** Runs a scripted agent with the coding tools (grep on its JavaScript engine) and returns its tool results. */
async function runAgent(
  sandbox: Sandbox,
  steps: MockStep[],
  policy: Policy = createPolicy({ mode: 'workspace-write', root: sandbox.root, approve: () => 'deny' }),
): Promise<{ results: ToolResult[]; status: string }> {
  const agent = createAgent({
    provider: mockProvider([...steps, { text: 'done' }]),
    tools: codingTools({ sandbox, exclude: ['web_fetch'], grep: { engine: 'js' } }),
    sandbox,
    policy,
    maxTurns: steps.length + 2,
  });
  const results: ToolResult[] = [];
  const run = agent.run('go');
  for await (const event of run) if (event.type === 'tool-result') results.push(event);
  return { results, status: (await run.result).status };
}

const text = (result: ToolResult): string =>
  typeof result.output === 'string' ? result.output : JSON.stringify(result.output);

/** The ids of every process in process group `pgid` (from /proc). */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(alive);
}

describe('a background job swapping a file for a FIFO', () => {
  it('1,000 reads through an agent: each returns content or a clear error, and the host stays responsive', async () => {
    writeFileSync(path.join(root, 'f.txt'), 'hello\n');
    // The swapper: a real bash loop, in its own process group, bounded in time and killed after.
    const job = spawn(
      'bash',
      [
        '-c',
        'end=$((SECONDS+120)); while [ $SECONDS -lt $end ]; do mkfifo p.tmp && mv -f p.tmp f.txt; printf "hello\\n" > r.tmp && mv -f r.tmp f.txt; done',
      ],
      { cwd: root, detached: true, stdio: 'ignore' },
    );
    const pgid = job.pid as number;
    const steps: MockStep[] = [];
    for (let turn = 0; turn < 10; turn++) {
      const toolCalls: MockToolCall[] = [];
      // Each call differs (limit), so the policy's guard against repeated identical calls stays out of it.
      for (let i = 0; i < 100; i++)
        toolCalls.push({ name: 'read', input: { file_path: 'f.txt', limit: turn * 100 + i + 1 } });
      toolCalls.push({ name: 'grep', input: { pattern: 'hello', output_mode: 'content', head_limit: turn + 1 } });
      toolCalls.push({ name: 'grep', input: { pattern: 'hello', path: 'f.txt', head_limit: turn + 1 } });
      toolCalls.push({ name: 'list', input: { ignore: [`none-${turn}`] } });
      steps.push({ toolCalls });
    }
    let outcome: Awaited<ReturnType<typeof runAgent>>;
    try {
      outcome = await runAgent(localSandbox({ root }), steps);
    } finally {
      process.kill(-pgid, 'SIGKILL');
    }
    expect(outcome.status).toBe('completed');
    const reads = outcome.results.filter((result) => result.name === 'read');
    expect(reads).toHaveLength(1000);
    let contents = 0;
    let refusals = 0;
    for (const result of reads) {
      if (!result.isError) {
        expect(text(result)).toBe('     1\thello');
        contents++;
      } else {
        expect(text(result)).toMatch(/not a regular file|does not exist|changed while/);
        refusals++;
      }
    }
    // The race was live: both states were seen.
    expect(contents).toBeGreaterThan(0);
    expect(refusals).toBeGreaterThan(0);
    for (const result of outcome.results.filter((entry) => entry.name !== 'read')) {
      expect(text(result)).not.toMatch(/EAGAIN|ETIMEDOUT/);
    }
    // libuv's thread pool is free: several reads at once (more than its four threads) answer at once.
    const started = performance.now();
    // (Not f.txt: the job may have been stopped with it a FIFO, and a plain read would then wait for a writer.)
    writeFileSync(path.join(root, 'plain.txt'), 'plain\n');
    await Promise.all(Array.from({ length: 8 }, () => readFile(path.join(root, 'plain.txt'))));
    expect(performance.now() - started).toBeLessThan(100);
    // No process of the job survives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(pgid)).toBe(false);
    expect(groupMembers(pgid)).toEqual([]);
  }, 120_000);
});

describe('FIFOs, sockets and links to devices met directly', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('every file tool gives a clear error result, and nothing blocks', async () => {
    spawnSyncOk('mkfifo', [path.join(root, 'pipe')]);
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(path.join(root, 'sock'), resolve));
    symlinkSync('/dev/zero', path.join(root, 'zero'));
    writeFileSync(path.join(root, 'a.txt'), 'needle\n');
    // An ignore file that is a FIFO: walking the workspace reads ignore files.
    spawnSyncOk('mkfifo', [path.join(root, '.gitignore')]);
    const calls: MockToolCall[] = [];
    for (const target of ['pipe', 'sock', 'zero']) {
      calls.push(
        { name: 'read', input: { file_path: target } },
        { name: 'write', input: { file_path: target, content: 'x' } },
        { name: 'edit', input: { file_path: target, old_string: 'a', new_string: 'b' } },
        { name: 'multi_edit', input: { file_path: target, edits: [{ old_string: 'a', new_string: 'b' }] } },
        { name: 'grep', input: { pattern: 'x', path: target } },
        { name: 'list', input: { path: target } },
      );
    }
    calls.push(
      { name: 'grep', input: { pattern: 'needle' } },
      { name: 'list', input: {} },
      { name: 'glob', input: { pattern: '**' } },
    );
    // A policy that allows everything: what is tested is the tools' own guard, whatever a policy says.
    const toolCalls = calls.map((call, index) => ({ ...call, id: `call-${index}` }));
    const { results, status } = await runAgent(localSandbox({ root }), [{ toolCalls }], fixedPolicy('allow'));
    expect(status).toBe('completed');
    expect(results).toHaveLength(calls.length);
    // Results arrive as calls finish: find each by its call's id.
    const byCall = (index: number): ToolResult => results.find((result) => result.id === `call-${index}`) as ToolResult;
    for (const [t, target] of ['pipe', 'sock', 'zero'].entries()) {
      const [read, write, edit, multi, grep, list] = Array.from({ length: 6 }, (_, i) => byCall(t * 6 + i));
      if (target === 'zero') {
        // A link to a device is a link out of the workspace.
        for (const result of [read, write, edit, multi, grep, list]) {
          expect(result, `${result?.name} ${target}`).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
        }
        continue;
      }
      for (const result of [read, write, edit, multi]) {
        expect(result, `${result?.name} ${target}`).toMatchObject({ isError: true });
        expect(text(result as ToolResult)).toMatch(/not a regular file/);
      }
      // grep says it searches files only; list says it is not a directory.
      expect(grep).toMatchObject({ isError: true });
      expect(text(grep as ToolResult)).toMatch(/not a regular file or a directory/);
      expect(list).toMatchObject({ isError: true });
    }
    const [grepAll, listAll, globAll] = [calls.length - 3, calls.length - 2, calls.length - 1].map(byCall);
    expect(text(grepAll as ToolResult)).toContain('a.txt');
    expect(text(listAll as ToolResult)).toContain('pipe');
    expect(text(globAll as ToolResult)).toContain('a.txt');
    // The FIFO is still a FIFO: nothing replaced it with a regular file.
    expect(readdirSync(root).sort()).toEqual(['.gitignore', 'a.txt', 'pipe', 'sock', 'zero']);
  });

  it('the sandbox methods refuse them too: readFile, writeFile, stat, readdir', async () => {
    spawnSyncOk('mkfifo', [path.join(root, 'pipe')]);
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(path.join(root, 'sock'), resolve));
    const sandbox = localSandbox({ root });
    for (const target of ['pipe', 'sock']) {
      await expect(sandbox.readFile(target)).rejects.toMatchObject({ code: 'EFTYPE' });
      await expect(sandbox.writeFile(target, 'x')).rejects.toMatchObject({ code: 'EFTYPE' });
      await expect(sandbox.readdir(target)).rejects.toMatchObject({ code: 'ENOTDIR' });
      expect(await sandbox.stat(target)).toMatchObject({ type: 'other' });
    }
    await expect(sandbox.readFile('pipe')).rejects.toThrow(/FIFO/);
    await expect(sandbox.readFile('sock')).rejects.toThrow(/socket/);
  });
});
