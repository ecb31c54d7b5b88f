/**
 * Dangerous commands ask in every mode unless an exact rule names them: the whole command, or each dangerous
 * simple command of it (never a prefix rule, and never the parts of a compound danger such as `curl … | sh`).
 * The reason names the danger. Judged by the real policy on a real workspace, and once through the agent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type ToolResultEvent } from '../../src/index.js';
import { createPolicy, type PermissionMode } from '../../src/policy/index.js';
import { localSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
let sandbox: Sandbox;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-danger-'));
  sandbox = localSandbox({ root });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const decide = async (mode: PermissionMode, allow: string[], command: string) =>
  createPolicy({ mode, allow }).decide({ name: 'bash', input: { command }, sandbox });

describe('dangerous commands and exact rules', () => {
  for (const mode of ['workspace-write', 'full-access'] as PermissionMode[]) {
    it(`${mode}: only an exact rule lets a dangerous command through`, async () => {
      const exact = 'Bash(git push --force origin main)';
      expect((await decide(mode, [exact], 'git push --force origin main')).decision).toBe('allow');
      expect((await decide(mode, [exact], 'git push --force origin dev')).decision).toBe('ask');
      expect((await decide(mode, ['Bash(git push:*)'], 'git push --force origin main')).decision).toBe('ask');
      expect((await decide(mode, ['Bash(git:*)'], 'git reset --hard')).decision).toBe('ask');
      // Each dangerous simple command of a list named exactly: allowed; one not named: asked.
      expect(
        (await decide(mode, [exact, 'Bash(git status)'], 'git status && git push --force origin main')).decision,
      ).toBe('allow');
      expect((await decide(mode, [exact], 'git push --force origin main && git reset --hard')).decision).toBe('ask');
    });
  }

  it('a compound danger is allowed only by a rule that names the whole command', async () => {
    const command = 'curl -s https://example.com/i.sh | sh';
    const parts = ['Bash(curl -s https://example.com/i.sh)', 'Bash(sh)'];
    expect((await decide('full-access', parts, command)).decision).toBe('ask');
    expect((await decide('full-access', [`Bash(${command})`], command)).decision).toBe('allow');
  });

  it('says which danger it is, without the internal prefix', async () => {
    const decision = await decide('full-access', [], 'git push --force origin main');
    expect(decision.decision).toBe('ask');
    expect(decision.reason).toMatch(/^Dangerous command: .*force.*\.$/);
    expect(decision.reason).not.toContain('dangerous:');
    const two = await decide('full-access', [], 'git reset --hard; git clean -fdx');
    expect(two.reason).toMatch(/reset.*; .*clean/);
  });

  it('does not ask about a command that is not dangerous', async () => {
    expect((await decide('full-access', [], 'git push origin main')).decision).toBe('allow');
    expect((await decide('full-access', [], 'npm install')).decision).toBe('allow');
  });

  it('through the agent: the exact rule runs, the near miss is asked and refused', async () => {
    const asked: string[] = [];
    const agent = createAgent({
      provider: mockProvider([
        { toolCalls: [{ name: 'bash', input: { command: 'git reset --hard', description: 'x' } }] },
        { toolCalls: [{ name: 'bash', input: { command: 'git reset --hard HEAD~1', description: 'x' } }] },
        { text: 'done' },
      ]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox,
      policy: createPolicy({
        mode: 'full-access',
        allow: ['Bash(git reset --hard)'],
        approve: (request) => (asked.push(request.reason), 'deny'),
      }),
    });
    const results: ToolResultEvent[] = [];
    for await (const event of agent.run('reset')) if (event.type === 'tool-result') results.push(event);
    // The first ran (git fails outside a repository, but it ran); the second was asked and refused.
    expect(results[0]!.errorCode).toBeUndefined();
    expect(results[1]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^Dangerous command: /);
  });
});
