/**
 * A machine without bubblewrap: `autoSandbox` falls back to the host with one warning, and read-only
 * commands are refused rather than run writable. bubblewrap is taken off PATH for this file only (the
 * probe is cached per process, and each test file runs in its own).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type Policy } from '../../src/index.js';
import { autoSandbox, NO_OS_SANDBOX_WARNING } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let base: string;
let root: string;
const savedPath = process.env.PATH;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-auto-')));
  root = path.join(base, 'ws');
  const bin = path.join(base, 'bin');
  mkdirSync(root);
  mkdirSync(bin);
  // A PATH with the tools commands need, and no bwrap.
  for (const program of ['bash', 'sh', 'cat', 'echo', 'touch']) {
    for (const dir of ['/usr/bin', '/bin']) {
      if (existsSync(path.join(dir, program)) && !existsSync(path.join(bin, program))) {
        symlinkSync(path.join(dir, program), path.join(bin, program));
      }
    }
  }
  process.env.PATH = bin;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(base, { recursive: true, force: true });
});

describe('autoSandbox where bubblewrap does not work', () => {
  it('falls back to localSandbox and warns once, with a code', async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error): void => void warnings.push(warning);
    process.on('warning', listener);
    try {
      const first = autoSandbox({ root });
      const second = autoSandbox({ root });
      await new Promise((resolve) => setImmediate(resolve));
      expect(first.isolation).toBe('none');
      expect(second.isolation).toBe('none');
      const ours = warnings.filter((w) => (w as Error & { code?: string }).code === NO_OS_SANDBOX_WARNING);
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toMatch(/not contained/);
      const result = await first.exec('echo on the host > host.txt; cat host.txt');
      expect(result.output).toBe('on the host\n');
    } finally {
      process.off('warning', listener);
    }
  });

  it('refuses a command in read-only mode instead of running it writable', async () => {
    writeFileSync(path.join(root, 'a.txt'), 'original\n');
    const wrong: Policy = { mode: 'read-only', decide: async () => ({ decision: 'allow', reason: 'wrongly allowed' }) };
    const agent = createAgent({
      provider: mockProvider([
        { toolCalls: [{ name: 'bash', input: { command: 'echo forged > a.txt; touch b.txt' } }] },
        { text: 'done' },
      ]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: wrong,
    });
    const events: AgentEvent[] = [];
    const handle = agent.run('go');
    for await (const event of handle) events.push(event);
    expect((await handle.result).status).toBe('completed');
    const result = events.find((e) => e.type === 'tool-result');
    expect(result).toMatchObject({ isError: true });
    expect(String((result as { output: unknown }).output)).toMatch(/read-only OS sandbox/);
    expect(readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('original\n');
    expect(existsSync(path.join(root, 'b.txt'))).toBe(false);
  });
});
