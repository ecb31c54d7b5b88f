/**
 * Plan mode through the public API: a coding agent (real tools, real bash, real policy) whose policy is
 * `createPolicy({ mode: 'plan', afterPlan })`. Only reads run while it plans, the model is told to plan,
 * `exit_plan_mode` carries the plan to `approve`, and an approval moves the session to `afterPlan`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../src/policy/index.js';
import { call, drain, PLAN, planAgent, workspace } from './helpers.js';

let root: string;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ root, dispose } = await workspace());
});
afterEach(() => dispose());

const writeTodo = (id: string) => call(id, 'write', { file_path: 'TODO.md', content: 'next steps\n' });
const bashWrite = (id: string) => call(id, 'bash', { command: 'echo built > out.txt', description: 'build' });

describe('plan mode refuses what is not a read', () => {
  it('runs reads and refuses a write, a writing command and a tool that is not read-only', async () => {
    const { agent, model } = planAgent(
      root,
      [
        {
          toolCalls: [
            { id: 'r', name: 'read', input: { file_path: 'notes.txt' } },
            { id: 'c', name: 'bash', input: { command: 'cat notes.txt', description: 'show notes' } },
            { id: 'w', name: 'write', input: { file_path: 'TODO.md', content: 'x' } },
            { id: 'b', name: 'bash', input: { command: 'echo built > out.txt', description: 'build' } },
            { id: 't', name: 'bash', input: { command: 'touch made.txt', description: 'touch' } },
            { id: 'k', name: 'bash_kill', input: { bash_id: 'bash_1' } },
          ],
        },
        { text: 'Here is my plan.' },
      ],
      { mode: 'plan', afterPlan: 'workspace-write' },
    );
    const { results, result } = await drain(agent.run('add a TODO file'));
    expect(result.status).toBe('completed');
    expect(results.get('r')).toMatchObject({ isError: false });
    expect(results.get('c')).toMatchObject({ isError: false, output: expect.stringContaining('alpha') });
    for (const id of ['w', 'b', 't', 'k']) {
      expect(results.get(id)).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
      expect(String(results.get(id)!.output)).toContain('Plan mode allows only reads');
    }
    for (const file of ['TODO.md', 'out.txt', 'made.txt']) expect(existsSync(join(root, file))).toBe(false);
    model.assertComplete();
  });

  it('runs an allowed command in a read-only OS sandbox, as read-only mode does', async () => {
    const { agent, model } = planAgent(
      root,
      [call('t', 'bash', { command: 'touch made.txt', description: 'touch' }), { text: 'done' }],
      { mode: 'plan', allow: ['Bash(touch made.txt)'] },
    );
    const { results } = await drain(agent.run('touch it'));
    // The rule lets the command through the policy; the sandbox still keeps the workspace read-only.
    expect(String(results.get('t')!.output)).toMatch(/read-only/i);
    expect(existsSync(join(root, 'made.txt'))).toBe(false);
    model.assertComplete();
  });

  it('tells the model it plans on every request, after the instructions of the agent', async () => {
    const { agent, model } = planAgent(root, [{ text: 'Plan: nothing to do.' }], { mode: 'plan' });
    await agent.run('look around').result;
    expect(model.requests[0]!.system).toMatch(/^You are in plan mode: .*call exit_plan_mode with it/);
    model.assertComplete();
  });
});

describe('exit_plan_mode', () => {
  it('shows the plan to approve, and once approved the session writes in afterPlan mode', async () => {
    const asked: ApprovalRequest[] = [];
    const { agent, model } = planAgent(
      root,
      [
        writeTodo('early'),
        call('exit', 'exit_plan_mode', { plan: PLAN }),
        writeTodo('w'),
        bashWrite('b'),
        call('again', 'exit_plan_mode', { plan: PLAN }),
        { text: 'Done.' },
      ],
      {
        mode: 'plan',
        afterPlan: 'workspace-write',
        approve: (request) => {
          asked.push(request);
          return 'allow';
        },
      },
    );
    const { events, results, result } = await drain(agent.run('add a TODO file'));
    expect(result.status).toBe('completed');
    expect(results.get('early')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(events.find((e) => e.type === 'permission-request')).toMatchObject({
      name: 'exit_plan_mode',
      input: { plan: PLAN },
    });
    // The plan is asked about with no rule to allow the next one; the writing command asks as in workspace-write.
    expect(asked.map((r) => [r.name, r.input, r.suggestedRule])).toEqual([
      ['exit_plan_mode', { plan: PLAN }, undefined],
      ['bash', { command: 'echo built > out.txt', description: 'build' }, 'Bash(echo built > out.txt)'],
    ]);
    expect(results.get('exit')).toMatchObject({ isError: false, output: expect.stringContaining('approved') });
    expect(results.get('w')).toMatchObject({ isError: false });
    expect(results.get('b')).toMatchObject({ isError: false });
    expect(await readFile(join(root, 'TODO.md'), 'utf8')).toBe('next steps\n');
    // Bash left its read-only sandbox with the mode.
    expect(await readFile(join(root, 'out.txt'), 'utf8')).toBe('built\n');
    // Plan mode is over: the tool says so and nothing more is asked.
    expect(results.get('again')).toMatchObject({ isError: true, output: expect.stringContaining('Not in plan mode') });
    const systems = model.requests.map((r) => r.system?.startsWith('You are in plan mode') ?? false);
    expect(systems).toEqual([true, true, false, false, false, false]);
    model.assertComplete();
  });

  it('keeps planning on a denial, and the model reads the feedback', async () => {
    const answers = [{ decision: 'deny' as const, feedback: 'Also list the tests to add.' }, 'allow' as const];
    const { agent, model } = planAgent(
      root,
      [
        call('exit1', 'exit_plan_mode', { plan: PLAN }),
        writeTodo('w1'),
        call('exit2', 'exit_plan_mode', { plan: `${PLAN}\n3. Add tests.` }),
        writeTodo('w2'),
        { text: 'Done.' },
      ],
      { mode: 'plan', afterPlan: 'workspace-write', approve: () => answers.shift()! },
    );
    const { results } = await drain(agent.run('add a TODO file'));
    expect(results.get('exit1')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
      output: expect.stringContaining('Also list the tests to add.'),
    });
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: [{ id: 'exit1', output: expect.stringContaining('Also list the tests to add.') }],
    });
    expect(results.get('w1')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(results.get('w2')).toMatchObject({ isError: false });
    expect(existsSync(join(root, 'TODO.md'))).toBe(true);
    model.assertComplete();
  });

  it('takes effect from the next turn: a write made with the plan is still refused', async () => {
    const { agent, model } = planAgent(
      root,
      [
        {
          toolCalls: [
            { id: 'exit', name: 'exit_plan_mode', input: { plan: PLAN } },
            { id: 'with', name: 'write', input: { file_path: 'TODO.md', content: 'early\n' } },
          ],
        },
        writeTodo('after'),
        { text: 'Done.' },
      ],
      { mode: 'plan', afterPlan: 'workspace-write', approve: () => 'allow' },
    );
    const { results } = await drain(agent.run('add a TODO file'));
    expect(results.get('exit')).toMatchObject({ isError: false });
    expect(results.get('with')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(results.get('after')).toMatchObject({ isError: false });
    expect(await readFile(join(root, 'TODO.md'), 'utf8')).toBe('next steps\n');
    model.assertComplete();
  });

  it('leads to read-only mode unless afterPlan says otherwise', async () => {
    const { agent, model } = planAgent(
      root,
      [call('exit', 'exit_plan_mode', { plan: PLAN }), writeTodo('w'), { text: 'Done.' }],
      { mode: 'plan', approve: () => 'allow' },
    );
    const { results } = await drain(agent.run('add a TODO file'));
    expect(results.get('exit')).toMatchObject({ isError: false });
    const refusal = results.get('w')!;
    expect(refusal).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(String(refusal.output)).toContain('Read-only mode allows only reads');
    expect(model.requests[2]!.system).toBeUndefined();
    model.assertComplete();
  });

  it('pauses without an approver, and resuming with a denial keeps planning', async () => {
    const { agent, model } = planAgent(
      root,
      [call('exit', 'exit_plan_mode', { plan: PLAN }), writeTodo('w'), { text: 'ok' }],
      { mode: 'plan', afterPlan: 'workspace-write' },
    );
    const paused = await agent.run('add a TODO file').result;
    expect(paused.status).toBe('paused');
    expect(paused.pending).toMatchObject([{ id: 'exit', name: 'exit_plan_mode', input: { plan: PLAN } }]);
    const { results } = await drain(
      agent.resume(paused.sessionId, { approvals: { exit: { decision: 'deny', feedback: 'Smaller steps.' } } }),
    );
    expect(results.get('exit')).toMatchObject({ isError: true, output: expect.stringContaining('Smaller steps.') });
    expect(results.get('w')).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'TODO.md'))).toBe(false);
    model.assertComplete();
  });
});
