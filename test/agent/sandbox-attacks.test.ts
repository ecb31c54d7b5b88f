/**
 * The sandbox under attack, through a whole agent: a scripted malicious model, the real coding tools,
 * the real policy, real bash, real git and real bubblewrap. Each attack here worked before the sandbox
 * held protected paths whether or not they existed, hid the session store, limited commands and gave git a
 * safe environment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScratch, requireBubblewrap } from '../sandbox/helpers.js';
import { createAgent, type AgentEvent, type Policy } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { bubblewrapSandbox, localSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

await requireBubblewrap();

let base: string;
let root: string;

beforeEach(() => void ({ base, root } = makeScratch('icode-attack-')));

afterEach(() => rmSync(base, { recursive: true, force: true }));

/** The host user's environment, as a developer's shell would have it (no git overrides). */
function hostEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));
  return { ...env, ...extra };
}

/** Runs git on the host, as the user would after the agent; its failure does not matter, what it runs does. */
function hostGit(cwd: string, args: string[], extra: Record<string, string> = {}): void {
  try {
    execFileSync('git', args, { cwd, env: hostEnv(extra), stdio: 'ignore', timeout: 20_000 });
  } catch {
    // "not a git repository" and the like.
  }
}

function gitRepo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const env = hostEnv({
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  });
  execFileSync('git', ['init', '-q', '.'], { cwd: dir, env });
  writeFileSync(path.join(dir, 'README'), 'hello\n');
  execFileSync('git', ['add', 'README'], { cwd: dir, env });
  execFileSync('git', ['commit', '-qm', 'init'], { cwd: dir, env });
}

/** A policy that lets every call through: what the sandbox holds must not depend on the policy's verdict. */
function allowAll(mode: Policy['mode'] = 'full-access'): Policy {
  return { mode, decide: async () => ({ decision: 'allow', reason: 'test: the policy let it through' }) };
}

const bash = (command: string, extra: Record<string, unknown> = {}): MockStep => ({
  toolCalls: [{ name: 'bash', input: { command, description: 'attack', ...extra } }],
});
const done: MockStep = { text: 'done' };

async function run(agent: ReturnType<typeof createAgent>, input: string, sessionId?: string) {
  const events: AgentEvent[] = [];
  const handle = agent.run(input, sessionId ? { sessionId } : {});
  for await (const event of handle) events.push(event);
  const result = await handle.result;
  return {
    result,
    outputs: events.flatMap((e) => (e.type === 'tool-result' ? [String(e.output)] : [])),
    asked: events.some((e) => e.type === 'permission-request'),
  };
}

/** Processes whose command line carries `tag`. */
function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(tag)) found.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

describe.runIf(process.platform === 'linux')('a malicious model against the default sandbox (bubblewrap)', () => {
  it('cannot plant .git/config with core.fsmonitor in a workspace without .git, even through Bash(npm test:*)', async () => {
    const marker = path.join(base, 'fsmonitor-ran');
    const script = [
      'echo tests-ran',
      'git init -q .',
      `git config core.fsmonitor "touch ${marker}"`,
      `mkdir -p .git; printf "[core]\\n\\tfsmonitor = touch ${marker}\\n" > .git/config`,
      'rmdir .git; echo "gitdir: evil" > .git',
      'mkdir -p sub/.git',
      'true',
    ].join('; ');
    const tools = codingTools({ root, exclude: ['web_fetch'] });
    expect((tools.find((t) => t.name === 'bash')!.sandbox as { isolation?: string }).isolation).toBe('bubblewrap');
    const agent = createAgent({
      provider: mockProvider([
        {
          toolCalls: [
            {
              name: 'write',
              input: {
                file_path: 'package.json',
                content: JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: script } }),
              },
            },
          ],
        },
        bash('npm test'),
        done,
      ]),
      tools,
      policy: createPolicy({ mode: 'workspace-write', allow: ['Bash(npm test:*)'], root }),
    });
    const { result, outputs, asked } = await run(agent, 'run the tests');
    expect(result.status).toBe('completed');
    expect(asked).toBe(false);
    expect(outputs[1]).toContain('tests-ran');
    expect(outputs[1]).toContain('Read-only file system');

    // The host's next git commands run nothing the command planted.
    hostGit(root, ['status']);
    hostGit(root, ['diff']);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(path.join(root, '.git'))).toBe(false);
    // A new nested directory is the command's to make; the workspace's own .git is gone with its placeholder.
    expect(readdirSync(root).sort()).toEqual(['.icode', 'package.json', 'sub']);
  });

  it('cannot write the hooks or config of a nested repository, nor move it away and replace it', async () => {
    const lib = path.join(root, 'vendor', 'lib');
    gitRepo(lib);
    const hooksBefore = readdirSync(path.join(lib, '.git', 'hooks')).sort();
    const configBefore = readFileSync(path.join(lib, '.git', 'config'), 'utf8');
    const marker = path.join(base, 'hook-ran');
    const hook = `#!/bin/sh\ntouch ${marker}\n`;
    const agent = createAgent({
      provider: mockProvider([
        bash(
          [
            `printf '${hook}' > vendor/lib/.git/hooks/pre-commit; chmod +x vendor/lib/.git/hooks/pre-commit`,
            `git -C vendor/lib config core.hooksPath /tmp`,
            `printf '[core]\\n\\tfsmonitor = touch ${marker}\\n' >> vendor/lib/.git/config`,
            'mv vendor vendor.old',
            'mv vendor/lib vendor/lib.old',
            'rm -rf vendor/lib/.git',
            'echo end',
          ].join('; '),
        ),
        bash(
          `cp -r vendor/lib vendor/copy && printf '${hook}' > vendor/copy/.git/hooks/pre-commit && chmod +x vendor/copy/.git/hooks/pre-commit && rm -rf vendor/lib; mv vendor/copy vendor/lib; echo end`,
        ),
        done,
      ]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: allowAll(),
    });
    const { outputs } = await run(agent, 'tidy up vendor');
    expect(outputs[0]).toContain('Read-only file system');
    expect(outputs[0]).toContain('Device or resource busy');
    expect(readdirSync(path.join(lib, '.git', 'hooks')).sort()).toEqual(hooksBefore);
    expect(readFileSync(path.join(lib, '.git', 'config'), 'utf8')).toBe(configBefore);
    // The user commits in the nested repository afterwards: no hook, no fsmonitor of the model's runs.
    hostGit(lib, ['status']);
    hostGit(lib, ['commit', '--allow-empty', '-qm', 'after'], {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot read or rewrite the session store in .icode/, and the next run sends the real first message', async () => {
    const store = sqliteStore({ path: path.join(root, '.icode', 'sessions.db') });
    const forge = [
      'import sqlite3, sys',
      'try:',
      '    c = sqlite3.connect(".icode/sessions.db")',
      "    n = c.execute(\"update entries set entry = replace(entry, 'REAL-FIRST', 'FORGED')\").rowcount",
      '    c.commit(); print("forged", n)',
      'except Exception as e: print("forge failed:", e)',
    ].join('\n');
    try {
      const first = createAgent({
        provider: mockProvider([
          bash(
            'ls -la .icode; grep -c REAL-FIRST .icode/sessions.db || echo unreadable; cat .icode/sessions.db | od -c | head -3',
          ),
          bash(
            `python3 - <<'EOF'\n${forge}\nEOF\nprintf x > .icode/sessions.db-journal; printf x > .icode/sessions.db-wal; rm -rf .icode; echo end`,
          ),
          done,
        ]),
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: allowAll(),
        store,
      });
      const { result, outputs } = await run(first, 'REAL-FIRST message: fix the bug');
      expect(result.status).toBe('completed');
      expect(outputs[0]).toContain('unreadable');
      expect(outputs[0]).not.toContain('REAL-FIRST');
      expect(outputs[1]).not.toMatch(/forged [1-9]/);

      const model = mockProvider([done]);
      const second = createAgent({ provider: model, tools: [], policy: allowAll(), store });
      await run(second, 'and now?', result.sessionId);
      const firstMessage = JSON.stringify(model.requests[0]!.messages[0]);
      expect(firstMessage).toContain('REAL-FIRST message: fix the bug');
      expect(firstMessage).not.toContain('FORGED');
    } finally {
      await store.close();
    }
  });

  it('caps a fork loop and a large file, and leaves no process behind', async () => {
    const tag = `icode-bomb-${process.pid}-${Date.now()}`;
    const fork = `perl -e '$0 = "${tag}"; for (1..600) { my $p = fork; if (!defined $p) { print "capped at $_\\n"; exit } if (!$p) { sleep 30; exit } } print "all 600 started\\n"'`;
    const agent = createAgent({
      provider: mockProvider([
        bash(fork),
        bash('dd if=/dev/zero of=big bs=1M count=8 2>&1 | tail -1; fallocate -l 8M big2; ls -l big*'),
        done,
      ]),
      tools: codingTools({ exclude: ['web_fetch'] }),
      sandbox: bubblewrapSandbox({ root, killGraceMs: 300, limits: { fileSizeBytes: 1024 * 1024 } }),
      policy: allowAll(),
    });
    const { outputs } = await run(agent, 'go');
    const capped = /capped at (\d+)/.exec(outputs[0]!);
    expect(capped, outputs[0]).not.toBeNull();
    expect(Number(capped![1])).toBeLessThanOrEqual(512);
    expect(statSync(path.join(root, 'big')).size).toBeLessThanOrEqual(1024 * 1024);
    expect(existsSync(path.join(root, 'big2')) ? statSync(path.join(root, 'big2')).size : 0).toBeLessThanOrEqual(
      1024 * 1024,
    );
    expect(processesTagged(tag)).toEqual([]);
  });

  it('caps the default sandbox too (codingTools({ root }))', async () => {
    const tag = `icode-bomb-default-${process.pid}-${Date.now()}`;
    const agent = createAgent({
      provider: mockProvider([
        bash(
          `perl -e '$0 = "${tag}"; for (1..600) { my $p = fork; if (!defined $p) { print "capped at $_\\n"; exit } if (!$p) { sleep 30; exit } } print "all 600 started\\n"'`,
        ),
        done,
      ]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: allowAll(),
    });
    const { outputs } = await run(agent, 'go');
    expect(outputs[0]).toMatch(/capped at \d+/);
    expect(processesTagged(tag)).toEqual([]);
  });
});

describe.each([
  ['localSandbox', (dir: string): Sandbox => localSandbox({ root: dir })],
  ['bubblewrapSandbox', (dir: string): Sandbox => bubblewrapSandbox({ root: dir })],
] as const)('git runs nothing a written file configures (%s)', (_name, makeSandbox) => {
  it.runIf(process.platform === 'linux' || _name === 'localSandbox')(
    'a written bare repository and a written .gitconfig behind HOME= run no program',
    async () => {
      gitRepo(root);
      const marker = (n: number): string => path.join(root, `pwned-${n}`);
      const files = [
        ['.gitconfig', `[core]\n\tfsmonitor = "touch ${marker(1)}; false"\n`],
        ['xdg/git/config', `[core]\n\tfsmonitor = "touch ${marker(2)}; false"\n`],
        ['bare/HEAD', 'ref: refs/heads/main\n'],
        ['bare/objects/.keep', ''],
        ['bare/refs/heads/.keep', ''],
        [
          'bare/config',
          `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = "touch ${marker(3)}; false"\n`,
        ],
      ] as const;
      const agent = createAgent({
        provider: mockProvider([
          { toolCalls: files.map(([file_path, content]) => ({ name: 'write', input: { file_path, content } })) },
          bash(
            'HOME=$PWD git status; XDG_CONFIG_HOME=$PWD/xdg git status; (cd bare && git status); git -C bare diff; echo end',
          ),
          done,
        ]),
        tools: codingTools({ exclude: ['web_fetch'] }),
        sandbox: makeSandbox(root),
        policy: allowAll('workspace-write'),
      });
      const { outputs } = await run(agent, 'look around');
      expect(outputs.at(-1)).toContain('end');
      expect([1, 2, 3].filter((n) => existsSync(marker(n)))).toEqual([]);

      // The same commands with the host's plain git environment do run them: the attack is real.
      hostGit(root, ['status'], { HOME: root });
      hostGit(path.join(root, 'bare'), ['status']);
      expect([1, 3].filter((n) => existsSync(marker(n)))).toEqual([1, 3]);
    },
  );

  it.runIf(process.platform === 'linux')(
    'read-only mode: a command the policy wrongly allows still cannot write',
    async () => {
      writeFileSync(path.join(root, 'a.txt'), 'original\n');
      writeFileSync(path.join(root, 'b.txt'), 'keep\n');
      const real = createPolicy({ mode: 'read-only', root });
      const wrong: Policy = {
        mode: 'read-only',
        decide: async (check) =>
          check.name === 'bash' ? { decision: 'allow', reason: 'wrongly judged read-only' } : real.decide(check),
      };
      const agent = createAgent({
        provider: mockProvider([
          bash('echo forged > a.txt; rm -f b.txt; touch new.txt; mkdir -p .git/hooks; echo end'),
          bash('echo bg > bg.txt; echo bg-done', { run_in_background: true }),
          bash('sleep 0.5; echo waited'),
          done,
        ]),
        tools: codingTools({ exclude: ['web_fetch'] }),
        sandbox: makeSandbox(root),
        policy: wrong,
      });
      const { outputs } = await run(agent, 'look');
      expect(outputs[0]).toContain('Read-only file system');
      expect(readFileSync(path.join(root, 'a.txt'), 'utf8')).toBe('original\n');
      expect(existsSync(path.join(root, 'b.txt'))).toBe(true);
      expect(existsSync(path.join(root, 'new.txt'))).toBe(false);
      expect(existsSync(path.join(root, 'bg.txt'))).toBe(false);
      expect(existsSync(path.join(root, '.git'))).toBe(false);
    },
  );
});
