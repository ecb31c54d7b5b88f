/**
 * Names the JavaScript object model gives meaning to (`constructor`, `__proto__`, `hasOwnProperty`,
 * `toString`) are ordinary words to bash. Through the whole agent with real bash: used as programs, git
 * subcommands, options or find primaries, they never make the analysis throw, hide the commands that
 * follow, or fail the run; a dangerous command after them still asks in full-access mode.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { analyzeBash, createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const NAMES = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf', 'prototype'];

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-proto-'));
  await writeFile(join(root, 'f'), 'x\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('names of the JavaScript object model in commands', () => {
  it('are judged like any unknown word by the analysis', async () => {
    for (const name of NAMES) {
      for (const command of [`${name} x`, `git ${name} --xx`, `ls --${name}`, `find . -o ${name} -exec rm {} \\;`]) {
        const analysis = await analyzeBash(command);
        expect(analysis.readOnly, command).toBe(false);
      }
      // The command after them is still seen.
      expect((await analyzeBash(`git ${name} --xx; rm -rf ~`)).dangerous).toBe(true);
      expect((await analyzeBash(`find . -name x -o ${name} -exec rm -rf / \\;`)).dangerous).toBe(true);
    }
  });

  it('never hide a dangerous command from full-access mode, nor fail the run', async () => {
    const commands = NAMES.map((name) => `git ${name} --xx; touch M; git push --force origin main`);
    const asked: string[] = [];
    const agent = createAgent({
      provider: mockProvider([
        ...commands.map((command) => ({ toolCalls: [{ name: 'bash', input: { command, description: 'x' } }] })),
        { text: 'done' },
      ]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({
        mode: 'full-access',
        approve: (request) => (asked.push(String((request.input as { command: string }).command)), 'deny'),
      }),
    });
    const events: AgentEvent[] = [];
    const run = agent.run('go');
    for await (const event of run) events.push(event);
    expect((await run.result).status).toBe('completed');
    const results = events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));
    expect(results).toHaveLength(commands.length);
    for (const result of results) expect(result.isError).toBe(true);
    expect(asked).toEqual(commands);
    expect(existsSync(join(root, 'M'))).toBe(false);
  });
});
