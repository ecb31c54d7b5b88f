/**
 * Git prints stored content in many ways besides `git show REV:path`: an object by its hash, a stash's patch,
 * an abbreviated `--patch`, patches and archives for export. A `Read(…)` deny rule binds them all, in
 * full-access mode too: through the whole agent with real git, each asks (the approver says no) and the secret
 * never reaches the model. Without the rule, the same commands do print it: the attacks are real.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type ToolResultEvent } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const SECRET = 'topsecret-2718';
let root: string;
let blob: string;

const git = (...args: string[]): string =>
  spawnSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', ...args], { cwd: root, encoding: 'utf8' }).stdout;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-git-reads-'));
  await writeFile(join(root, '.env'), `TOKEN=${SECRET}\n`);
  await writeFile(join(root, 'a.txt'), 'a\n');
  git('init', '-q', '.');
  git('add', '.');
  git('commit', '-qm', 'init');
  blob = git('rev-parse', 'HEAD:.env').trim();
  // A stash whose patch holds the secret.
  await writeFile(join(root, '.env'), `TOKEN=${SECRET}-2\n`);
  git('stash', '-q');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const commands = (): string[] => [
  `git cat-file -p ${blob}`,
  `git cat-file blob ${blob}`,
  'git stash show -p',
  'git log -u',
  'git log --ext-diff -p --no-textconv',
  'git format-patch --stdout --root',
  'git reflog -p',
];

async function run(deny: string[]): Promise<{ results: ToolResultEvent[]; asked: number }> {
  let asked = 0;
  const agent = createAgent({
    provider: mockProvider([
      ...commands().map((command) => ({ toolCalls: [{ name: 'bash', input: { command, description: 'x' } }] })),
      { text: 'done' },
    ]),
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy: createPolicy({ mode: 'full-access', deny, approve: () => (asked++, 'deny') }),
  });
  const results: ToolResultEvent[] = [];
  for await (const event of agent.run('look')) if (event.type === 'tool-result') results.push(event);
  return { results, asked };
}

describe('a Read deny rule binds what git prints', () => {
  it('asks before each way git prints a denied file, and the secret never reaches the model', async () => {
    const { results, asked } = await run(['Read(./.env)']);
    expect(results).toHaveLength(commands().length);
    results.forEach((result, i) => {
      expect(result.isError, commands()[i]).toBe(true);
      expect(JSON.stringify(result.output)).not.toContain(SECRET);
    });
    expect(asked).toBe(commands().length);
  });

  it('without the rule the same commands print the secret (the attacks are real)', async () => {
    const { results } = await run([]);
    results.forEach((result, i) => {
      expect(result.isError, commands()[i]).toBe(false);
      expect(JSON.stringify(result.output), commands()[i]).toContain(SECRET);
    });
  });
});
