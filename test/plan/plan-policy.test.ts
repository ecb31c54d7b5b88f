/**
 * `createPolicy({ mode: 'plan' })` on its own: exactly as strict as `read-only` on every shell command of
 * the corpora and on the file tools, `exit_plan_mode` always asked, `afterPlan` checked, bounded and merged.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type JsonValue } from '../../src/index.js';
import { createPolicy, mergePolicyOptions, type PermissionCheck } from '../../src/policy/index.js';
import { ATTACK_CORPUS } from '../policy/bash-attack-corpus.js';
import { BASH_CORPUS } from '../policy/bash-corpus.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-plan-policy-'));
  await writeFile(join(root, 'README.md'), 'hello\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const exit: PermissionCheck = { name: 'exit_plan_mode', input: { plan: 'Do it.' }, readOnly: true };

const FILE_CALLS: readonly PermissionCheck[] = [
  { name: 'read', input: { file_path: 'README.md' } },
  { name: 'grep', input: { pattern: 'x' } },
  { name: 'glob', input: { pattern: '**/*.md' } },
  { name: 'list', input: {} },
  { name: 'write', input: { file_path: 'new.txt', content: 'x' } },
  { name: 'edit', input: { file_path: 'README.md', old_string: 'hello', new_string: 'bye' } },
  { name: 'multi_edit', input: { file_path: 'README.md', edits: [] } },
  { name: 'apply_patch', input: { patch: '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch' } },
  { name: 'write', input: { file_path: '.git/hooks/pre-commit', content: 'x' } },
  { name: 'web_fetch', input: { url: 'https://example.com' } },
  { name: 'todo_write', input: { todos: [] } },
  { name: 'bash_kill', input: { bash_id: 'bash_1' } },
  { name: 'custom', input: {} },
  { name: 'custom', input: {}, readOnly: true },
  { name: 'custom', input: {}, readOnly: true, needsApproval: true },
];

describe('plan mode judges as read-only mode', () => {
  it('gives the same decision on every command of the shell corpora', async () => {
    const plan = createPolicy({ mode: 'plan', root });
    const readOnly = createPolicy({ mode: 'read-only', root });
    const commands = [...BASH_CORPUS, ...ATTACK_CORPUS].map((entry) => entry.command);
    const differ: string[] = [];
    for (const command of commands) {
      const check: PermissionCheck = { name: 'bash', input: { command } };
      const [a, b] = await Promise.all([plan.decide(check), readOnly.decide(check)]);
      if (a.decision !== b.decision || a.errorCode !== b.errorCode) differ.push(command);
    }
    expect(commands.length).toBeGreaterThan(500);
    expect(differ).toEqual([]);
  });

  it('gives the same decision on file, fetch and custom tools, with and without allow rules', async () => {
    for (const allow of [[], ['Edit(./new.txt)', 'custom']]) {
      const plan = createPolicy({ mode: 'plan', root, allow });
      const readOnly = createPolicy({ mode: 'read-only', root, allow });
      for (const check of FILE_CALLS) {
        const [a, b] = await Promise.all([plan.decide(check), readOnly.decide(check)]);
        expect([check.name, check.input, a.decision, a.errorCode]).toEqual([
          check.name,
          check.input,
          b.decision,
          b.errorCode,
        ]);
      }
    }
  });

  it('points a refused call to exit_plan_mode', async () => {
    const decision = await createPolicy({ mode: 'plan', root }).decide(FILE_CALLS[4]!);
    expect(decision).toMatchObject({ decision: 'deny', errorCode: 'PERMISSION_DENIED' });
    expect(decision.reason).toContain('propose your plan with exit_plan_mode');
  });
});

describe('exit_plan_mode in plan mode', () => {
  it('always asks, with no rule to allow the next plan, whatever the allow rules say', async () => {
    for (const allow of [[], ['exit_plan_mode'], ['exit_plan_mode(*)']]) {
      const decision = await createPolicy({ mode: 'plan', root, allow }).decide(exit);
      expect(decision.decision).toBe('ask');
      expect(decision.suggestedRule).toBeUndefined();
    }
  });

  it('is refused by a deny rule, and runs (as a read-only tool) in the other modes', async () => {
    expect((await createPolicy({ mode: 'plan', root, deny: ['exit_plan_mode'] }).decide(exit)).decision).toBe('deny');
    for (const mode of ['read-only', 'workspace-write', 'full-access'] as const) {
      expect((await createPolicy({ mode, root }).decide(exit)).decision).toBe('allow');
    }
  });
});

describe('afterPlan', () => {
  it('defaults to read-only and is exposed on the policy', () => {
    expect(createPolicy({ mode: 'plan' }).afterPlan).toBe('read-only');
    expect(createPolicy({ mode: 'plan', afterPlan: 'workspace-write' }).afterPlan).toBe('workspace-write');
    expect(createPolicy({ mode: 'read-only' }).afterPlan).toBeUndefined();
  });

  it('is refused with a ConfigError when it is not a mode a plan leads to, or the mode is not plan', () => {
    for (const options of [
      { mode: 'plan', afterPlan: 'plan' },
      { mode: 'plan', afterPlan: 'everything' },
      { mode: 'plan', afterPlan: 7 },
      { mode: 'workspace-write', afterPlan: 'full-access' },
      { mode: 'planning' },
    ]) {
      expect(() => createPolicy(options as never)).toThrow(ConfigError);
    }
  });

  it('is judged once granted, bounded by the narrower of the policy and the grant', async () => {
    const write = FILE_CALLS[4]!;
    const policy = createPolicy({ mode: 'plan', afterPlan: 'workspace-write', root });
    const judged = async (afterPlan: JsonValue) => (await policy.decide({ ...write, afterPlan } as never)).decision;
    expect(await judged('workspace-write')).toBe('allow');
    expect(await judged('full-access')).toBe('allow');
    expect(await judged('read-only')).toBe('deny');
    for (const bogus of ['plan', 'everything', 3, null]) expect(await judged(bogus)).toBe('deny');
    // Granted, exit_plan_mode no longer asks: the tool itself says plan mode is over.
    expect((await policy.decide({ ...exit, afterPlan: 'workspace-write' })).decision).toBe('allow');
    // Bash beyond workspace-write still asks: full-access in the check does not widen the policy.
    const push = { name: 'bash', input: { command: 'git push' }, afterPlan: 'full-access' } as const;
    expect((await policy.decide(push)).decision).toBe('ask');
  });

  it('is ignored by a policy that is not in plan mode', async () => {
    const decision = await createPolicy({ mode: 'read-only', root }).decide({
      ...FILE_CALLS[4]!,
      afterPlan: 'full-access',
    });
    expect(decision.decision).toBe('deny');
  });
});

describe('mergePolicyOptions with plan mode', () => {
  it('keeps plan as the narrowest mode and bounds afterPlan by every other mode given', () => {
    expect(mergePolicyOptions({ mode: 'read-only' }, { mode: 'plan', afterPlan: 'full-access' })).toMatchObject({
      mode: 'plan',
      afterPlan: 'read-only',
    });
    expect(
      mergePolicyOptions(
        { mode: 'full-access' },
        { mode: 'plan', afterPlan: 'workspace-write' },
        { afterPlan: 'full-access' },
      ),
    ).toMatchObject({ mode: 'plan', afterPlan: 'workspace-write' });
    expect(mergePolicyOptions({ mode: 'plan' }, { mode: 'workspace-write' })).toMatchObject({
      mode: 'plan',
      afterPlan: 'workspace-write',
    });
    expect(mergePolicyOptions({ mode: 'plan' }).afterPlan).toBeUndefined();
    expect(mergePolicyOptions({ mode: 'workspace-write' }, { afterPlan: 'full-access' }).afterPlan).toBeUndefined();
    expect(() => mergePolicyOptions({ mode: 'plan', afterPlan: 'plan' })).toThrow(ConfigError);
  });

  it('makes a policy that is never wider after the plan than any source', async () => {
    const merged = createPolicy({
      ...mergePolicyOptions({ mode: 'read-only' }, { mode: 'plan', afterPlan: 'full-access' }),
      root,
    });
    const decision = await merged.decide({ ...FILE_CALLS[4]!, afterPlan: 'full-access' });
    expect(decision.decision).toBe('deny');
  });
});
