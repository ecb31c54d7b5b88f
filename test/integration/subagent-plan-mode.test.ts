/**
 * Sub-agents under a parent in plan mode: a child that declares a writing policy of its own still cannot
 * write while its parent plans (narrowing), cannot leave plan mode to a mode wider than its parent's, and
 * the parent's approved plan decides what the child may do afterwards.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, subagent, type AgentEvent, type JsonValue, type RunResult } from '../../src/index.js';
import type { PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools, planTools } from '../../src/tools/builtin/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-plan-sub-'));
  await writeFile(join(root, 'notes.txt'), 'alpha\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const call = (id: string, name: string, input: JsonValue): MockStep => ({ toolCalls: [{ id, name, input }] });
const delegate = (id: string): MockStep => call(id, 'fixer', { prompt: 'Add TODO.md' });
const PLAN = '1. Add TODO.md.';
const tools = () => codingTools({ root, exclude: ['web_fetch'] });

/** A parent with the coding tools and a `fixer` sub-agent whose child has its own policy and tools. */
function tree(
  parentSteps: MockStep[],
  parentPolicy: PolicyOptions,
  childSteps: MockStep[],
  childPolicy: PolicyOptions,
  childExtra: { planTools?: boolean } = {},
) {
  const parentModel = mockProvider(parentSteps);
  const childModel = mockProvider(childSteps);
  const fixer = subagent({
    name: 'fixer',
    description: 'Edits files',
    options: {
      provider: childModel,
      tools: [...tools(), ...(childExtra.planTools ? planTools() : [])],
      policy: { ...childPolicy, root },
    },
  });
  const agent = createAgent({
    provider: parentModel,
    name: 'lead',
    tools: [...tools(), ...planTools(), fixer],
    sandbox: localSandbox({ root }),
    policy: { ...parentPolicy, root },
  });
  const models: MockProvider[] = [parentModel, childModel];
  return { agent, childModel, assertComplete: () => models.forEach((m) => m.assertComplete()) };
}

async function observe(run: AsyncIterable<AgentEvent> & { result: Promise<RunResult> }) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  const at = (path: readonly string[] | undefined) =>
    new Map(
      events.flatMap((e) =>
        e.type === 'tool-result' && JSON.stringify(e.path) === JSON.stringify(path) ? [[e.id, e] as const] : [],
      ),
    );
  return { events, result: await run.result, parent: at(undefined), child: at(['lead', 'fixer']) };
}

const writeTodo = (id: string, content = 'steps\n') => call(id, 'write', { file_path: 'TODO.md', content });

describe('a sub-agent of a parent in plan mode', () => {
  it('is not started when its tools can write: delegating counts as a write while the parent plans', async () => {
    const t = tree([delegate('d'), { text: 'Here is my plan.' }], { mode: 'plan', afterPlan: 'workspace-write' }, [], {
      mode: 'workspace-write',
      allow: ['Write(**)'],
    });
    const { parent, child } = await observe(t.agent.run('add a TODO'));
    expect(parent.get('d')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(String(parent.get('d')!.output)).toContain('Plan mode allows only reads');
    expect(child.size).toBe(0);
    t.assertComplete();
  });

  it('cannot write when the parent lets the delegation through: the child plans too', async () => {
    const t = tree(
      [delegate('d'), { text: 'Here is my plan.' }],
      // The parent allows the delegation itself, not what the child does with it.
      { mode: 'plan', afterPlan: 'workspace-write', allow: ['fixer'] },
      [
        {
          toolCalls: [
            { id: 'w', name: 'write', input: { file_path: 'TODO.md', content: 'x\n' } },
            { id: 'e', name: 'edit', input: { file_path: 'notes.txt', old_string: 'alpha', new_string: 'omega' } },
            { id: 'b', name: 'bash', input: { command: 'touch made.txt', description: 'touch' } },
            { id: 'r', name: 'read', input: { file_path: 'notes.txt' } },
          ],
        },
        { text: 'Plan: write TODO.md.' },
      ],
      { mode: 'workspace-write', allow: ['Write(**)', 'Edit(**)', 'Bash(touch:*)'] },
    );
    const { parent, child, result } = await observe(t.agent.run('add a TODO'));
    expect(result.status).toBe('completed');
    expect(parent.get('d')).toMatchObject({ isError: false, output: 'Plan: write TODO.md.' });
    for (const id of ['w', 'e', 'b']) {
      expect(child.get(id)).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    }
    expect(child.get('r')).toMatchObject({ isError: false });
    expect(existsSync(join(root, 'TODO.md'))).toBe(false);
    expect(existsSync(join(root, 'made.txt'))).toBe(false);
    expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('alpha\n');
    // The child is told that it plans: its mode is its parent's.
    expect(t.childModel.requests[0]!.system).toMatch(/You are in plan mode/);
    t.assertComplete();
  });

  it("cannot leave plan mode for more than its parent's afterPlan, even with its own exit_plan_mode approved", async () => {
    const approved: string[] = [];
    const t = tree(
      [delegate('d'), { text: 'done' }],
      {
        mode: 'plan',
        afterPlan: 'read-only',
        allow: ['fixer'],
        approve: (request) => {
          approved.push(request.name);
          return 'allow';
        },
      },
      [call('exit', 'exit_plan_mode', { plan: PLAN }), writeTodo('w'), { text: 'tried' }],
      { mode: 'plan', afterPlan: 'full-access', allow: ['Write(**)'] },
      { planTools: true },
    );
    const { child } = await observe(t.agent.run('add a TODO'));
    // The parent's approver answered the child's plan; the child still may not write.
    expect(approved).toEqual(['exit_plan_mode']);
    expect(child.get('exit')).toMatchObject({ isError: false });
    expect(child.get('w')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'TODO.md'))).toBe(false);
    t.assertComplete();
  });

  /** The parent plans, its plan is approved for workspace-write, it writes, then delegates a write. */
  async function approvedThenDelegated() {
    const t = tree(
      [call('exit', 'exit_plan_mode', { plan: PLAN }), writeTodo('pw', 'parent\n'), delegate('d'), { text: 'done' }],
      { mode: 'plan', afterPlan: 'workspace-write', approve: () => 'allow' },
      [call('w', 'write', { file_path: 'NOTES.md', content: 'child\n' }), { text: 'written' }],
      { mode: 'workspace-write', allow: ['Write(**)'] },
    );
    const observed = await observe(t.agent.run('add a TODO'));
    t.assertComplete();
    return { ...observed, childModel: t.childModel };
  }

  it('lets the parent write and delegate once its plan is approved', async () => {
    const { parent } = await approvedThenDelegated();
    expect(parent.get('exit')).toMatchObject({ isError: false });
    expect(parent.get('pw')).toMatchObject({ isError: false });
    expect(parent.get('d')).toMatchObject({ isError: false });
  });

  // The approval lives in the parent's session; a child started after it is narrowed by what the approval
  // grants the parent (src/agent/subagent/child-config.ts), so it can carry the plan out, and is not told to plan.
  it("lets the child write once the parent's plan is approved for workspace-write", async () => {
    const { child, childModel } = await approvedThenDelegated();
    expect(child.get('w')).toMatchObject({ isError: false });
    expect(await readFile(join(root, 'NOTES.md'), 'utf8')).toBe('child\n');
    expect(childModel.requests[0]!.system ?? '').not.toMatch(/You are in plan mode/);
  });
});
