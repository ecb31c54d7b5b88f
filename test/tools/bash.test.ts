import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { getEventListeners } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { Tool, ToolContext } from '../../src/tools/tool.js';
import { bashTool } from '../../src/tools/builtin/bash/bash.js';
import { bashTools } from '../../src/tools/builtin/bash/bash-tools.js';
import { alive, toolContext, waitFor } from '../sandbox/helpers.js';

let base: string;
let root: string;
let sandbox: Sandbox;
let cleanups: (() => void | Promise<void>)[];

function context(overrides: Partial<ToolContext> = {}): ToolContext {
  return toolContext(sandbox, { onRunEnd: (cleanup) => void cleanups.push(cleanup), ...overrides });
}

async function call(tool: Tool, raw: unknown, ctx: ToolContext = context()): Promise<string> {
  return (await tool.execute(tool.input.parse(raw), ctx)) as string;
}

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bash-')));
  root = path.join(base, 'ws');
  mkdirSync(root);
  sandbox = localSandbox({ root, killGraceMs: 300 });
  cleanups = [];
});

afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(base, { recursive: true, force: true });
});

describe('bash', () => {
  it('has the contract name, schema fields, and exec access', () => {
    const tool = bashTool();
    expect(tool.name).toBe('bash');
    expect(tool.readOnly).toBe(false);
    expect(Object.keys((tool.inputSchema as { properties: object }).properties)).toEqual([
      'command',
      'description',
      'timeout',
      'workdir',
      'run_in_background',
    ]);
    expect(tool.access?.(tool.input.parse({ command: 'ls', workdir: 'src' }))).toEqual([
      { kind: 'exec', command: 'ls', cwd: 'src' },
    ]);
    expect(tool.access?.(tool.input.parse({ command: 'ls' }))).toEqual([{ kind: 'exec', command: 'ls' }]);
  });

  it('refuses out-of-range limits, and describes the configured ones', () => {
    expect(() => bashTool({ defaultTimeoutMs: 0 })).toThrow(/defaultTimeoutMs must be at least 1/);
    expect(() => bashTool({ maxOutputChars: 10 })).toThrow(/maxOutputChars must be at least 100/);
    expect(bashTool({ defaultTimeoutMs: 30_000, maxOutputChars: 5_000 }).description).toMatch(
      /Default timeout 30 s[\s\S]*about 5000 characters/,
    );
  });

  it('accepts camelCase aliases', () => {
    const tool = bashTool();
    expect(tool.input.parse({ command: 'ls', runInBackground: true, timeoutMs: 5, cwd: 'x' })).toEqual({
      command: 'ls',
      run_in_background: true,
      timeout: 5,
      workdir: 'x',
    });
  });

  it('reports output, exit code and duration', async () => {
    const text = await call(bashTool(), { command: 'echo hello; echo oops >&2; exit 2', description: 'Say hello' });
    expect(text).toMatch(/^hello\noops\n\[Exit code 2, \d+ ms\]$/);
    expect(await call(bashTool(), { command: 'true' })).toMatch(/^\(no output\)\n\[Exit code 0/);
  });

  it('runs in workdir inside the sandbox and refuses one outside', async () => {
    mkdirSync(path.join(root, 'sub'));
    expect(await call(bashTool(), { command: 'pwd', workdir: 'sub' })).toContain(path.join(root, 'sub'));
    await expect(call(bashTool(), { command: 'pwd', workdir: '../' })).rejects.toMatchObject({
      code: 'WORKSPACE_ESCAPE',
    });
  });

  it('uses options.root over the agent sandbox', async () => {
    const other = path.join(base, 'other');
    mkdirSync(other);
    expect(await call(bashTool({ root: other }), { command: 'pwd' })).toContain(other);
  });

  it('says clearly that a command timed out, and kills it', async () => {
    // A timeout is the tool's failure (an error result in a run), whose message keeps the output so far.
    const failure = await call(bashTool(), { command: 'echo started; echo $$ > pid; sleep 600', timeout: 1_000 }).then(
      () => undefined,
      (error: unknown) => error as Error & { errorCode?: string },
    );
    expect(failure?.errorCode).toBe('TOOL_TIMEOUT');
    const text = failure!.message;
    expect(text).toContain('started');
    expect(text).toMatch(/Command timed out after 1\.0 s and was killed with its whole process group/);
    expect(alive(Number(readFileSync(path.join(root, 'pid'), 'utf8')))).toBe(false);
  });

  it('uses the configured default timeout', async () => {
    const tool = bashTool({ defaultTimeoutMs: 200 });
    await expect(call(tool, { command: 'sleep 5' })).rejects.toThrow(/timed out after 200 ms/);
  });

  it('cuts long output to head and tail and saves the full output in the workspace', async () => {
    const text = await call(bashTool({ maxOutputChars: 2_000 }), { command: 'seq 1 100000' });
    expect(text.startsWith('1\n2\n3\n')).toBe(true);
    expect(text).toContain('100000');
    expect(text.length).toBeLessThan(2_600);
    const saved = /Full output saved to (\S+):/.exec(text)?.[1];
    expect(saved).toMatch(/^\.icode\/outputs\/bash-.*\.log$/);
    const full = readFileSync(path.join(root, saved!), 'utf8');
    expect(full.split('\n')).toHaveLength(100_001);
    expect(text).toContain(`Output was ${full.length} characters`);
    expect(readFileSync(path.join(root, '.icode', 'outputs', '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('keeps no file when the output fits', async () => {
    await call(bashTool(), { command: 'echo small' });
    const dir = path.join(root, '.icode', 'outputs');
    expect(readdirSync(dir).filter((name) => name.endsWith('.log'))).toEqual([]);
  });

  it('does not save output through a planted symlink out of the workspace', async () => {
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, path.join(root, '.icode'));
    const text = await call(bashTool({ maxOutputChars: 100 }), { command: 'seq 1 10000' });
    expect(text).toMatch(/full output could not be saved/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('stops a command with endless output at the saved-output cap, with memory bounded', async () => {
    const rss = process.memoryUsage().rss;
    const text = await call(bashTool({ maxSavedOutputChars: 5_000_000 }), { command: 'yes' });
    expect(text).toMatch(/Command stopped: it produced more than 5000000 characters of output/);
    expect(text.length).toBeLessThan(31_000);
    const saved = /Full output saved to (\S+):/.exec(text)?.[1];
    expect(readFileSync(path.join(root, saved!), 'utf8').length).toBeLessThan(5_000_100);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
  });

  it('stops the command when the run is aborted', async () => {
    const controller = new AbortController();
    const pending = call(
      bashTool(),
      { command: 'echo $$ > pid.tmp; mv pid.tmp pid; sleep 600' },
      context({ signal: controller.signal }),
    );
    await waitFor(() => existsSync(path.join(root, 'pid')));
    controller.abort();
    const text = await pending;
    expect(text).toMatch(/aborted/);
    expect(alive(Number(readFileSync(path.join(root, 'pid'), 'utf8')))).toBe(false);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('background jobs', () => {
  const jobId = (text: string): string => /job (bash_\d+)/.exec(text)![1]!;
  const exists = (name: string) => (): boolean => existsSync(path.join(root, name));

  it('starts a job, reads new output incrementally, reports exit', async () => {
    const [bash, output] = bashTools();
    const started = await call(bash!, {
      command: 'echo one; while [ ! -f go ]; do sleep 0.02; done; echo two; echo skip; exit 4',
      runInBackground: true,
    });
    const id = jobId(started);
    let first = '';
    await waitFor(async () => (first = await call(output!, { bash_id: id })).includes('one'));
    expect(first).toContain('Status: running');
    writeFileSync(path.join(root, 'go'), '');
    // A poll may see the new lines before the exit, so gather every poll's lines: each
    // line is reported once, whichever poll it lands in.
    let second = '';
    const body: string[] = [];
    await waitFor(async () => {
      second = await call(output!, { bashId: id, filter: '^t' });
      body.push(...second.split('\n').slice(2));
      return second.includes('Status: finished');
    });
    expect(second).toContain('Status: finished, exit code 4');
    expect(body.filter((line) => line === 'two')).toHaveLength(1);
    expect(body).not.toContain('skip');
    expect(body).not.toContain('one');
    expect(await call(output!, { bash_id: id })).toContain('(no new output)');
  });

  it('kills a job and its whole group with bash_kill', async () => {
    const [bash, output, kill] = bashTools();
    const started = await call(bash!, {
      command: '(sleep 600 & echo $! > child.tmp; mv child.tmp child); sleep 600',
      run_in_background: true,
    });
    const id = jobId(started);
    await waitFor(exists('child'));
    const killed = await call(kill!, { shell_id: id });
    expect(killed).toMatch(/stopped\. Status: killed/);
    expect(alive(Number(readFileSync(path.join(root, 'child'), 'utf8')))).toBe(false);
    expect(await call(kill!, { bash_id: id })).toMatch(/already ended/);
    expect(await call(output!, { bash_id: id })).toMatch(/Status: killed/);
  });

  it('kills every job when the run ends', async () => {
    const [bash, output] = bashTools();
    for (const n of [1, 2]) {
      await call(bash!, {
        command: `echo $$ > pid${n}.tmp; mv pid${n}.tmp pid${n}; sleep 600`,
        run_in_background: true,
      });
    }
    await waitFor(() => exists('pid1')() && exists('pid2')());
    expect(cleanups).toHaveLength(2);
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const n of [1, 2]) expect(alive(Number(readFileSync(path.join(root, `pid${n}`), 'utf8')))).toBe(false);
    await expect(call(output!, { bash_id: 'bash_1' })).rejects.toThrow(/No background job/);
  });

  it('hides jobs of other sessions and lists known ids for a wrong one', async () => {
    const [bash, output] = bashTools();
    await call(bash!, { command: 'sleep 600', run_in_background: true });
    await expect(call(output!, { bash_id: 'bash_1' }, context({ sessionId: 'other' }))).rejects.toThrow(
      /No background job/,
    );
    await expect(call(output!, { bash_id: 'bash_9' })).rejects.toThrow(/Known jobs: bash_1/);
  });

  it('keeps unread output of a chatty job bounded', async () => {
    const [bash, output] = bashTools();
    const started = await call(bash!, { command: 'seq 1 200000; touch printed; sleep 600', run_in_background: true });
    const id = jobId(started);
    await waitFor(exists('printed'));
    // The output is drained by the pipe a moment after `touch`; wait until the reader has it all.
    let text = '';
    let seen = '';
    await waitFor(async () => {
      text = await call(output!, { bash_id: id });
      seen += text;
      return seen.includes('\n200000');
    });
    expect(seen.length).toBeLessThan(62_000);
    expect(seen).toMatch(/New output was \d+ characters/);
    const log = /Log: (\S+)/.exec(text)![1]!;
    expect(readFileSync(path.join(root, log), 'utf8')).toContain('\n100000\n');
  });

  it('refuses a bad filter and a workdir outside the workspace', async () => {
    const [bash, output] = bashTools();
    await call(bash!, { command: 'true', run_in_background: true });
    await expect(call(output!, { bash_id: 'bash_1', filter: '(' })).rejects.toThrow(/not a valid regular expression/);
    await expect(call(bash!, { command: 'true', run_in_background: true, workdir: '..' })).rejects.toMatchObject({
      code: 'WORKSPACE_ESCAPE',
    });
  });

  it('applies an explicit timeout to a background job', async () => {
    const [bash, output] = bashTools();
    await call(bash!, { command: 'sleep 600', run_in_background: true, timeout: 200 });
    await waitFor(async () => /timed out and killed/.test(await call(output!, { bash_id: 'bash_1' })));
  });
});
