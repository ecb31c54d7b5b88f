/**
 * The permission policy through a whole agent: real coding tools on a real temp workspace, real bash, the
 * real policy engine, and a durable store for pause and resume.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type ApprovalAnswer, type ApprovalRequest } from '../../src/index.js';
import { createPolicy, mergePolicyOptions, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-policy-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

function agentWith(steps: MockStep[], policy: PolicyOptions, store?: ReturnType<typeof sqliteStore>) {
  const model = mockProvider(steps);
  const agent = createAgent({
    provider: model,
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy: createPolicy({ ...policy, root }),
    ...(store ? { store } : {}),
  });
  return { agent, model };
}

async function results(run: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return {
    events,
    toolResults: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])),
    decisions: events.flatMap((e) => (e.type === 'permission-decision' ? [e] : [])),
  };
}

const bash = (command: string): MockStep => ({
  toolCalls: [{ name: 'bash', input: { command, description: 'test' } }],
});
const done: MockStep = { text: 'done' };

describe('policy through the agent', () => {
  it('denies a write in read-only mode: an error result, no file', async () => {
    const { agent } = agentWith(
      [{ toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'x' } }] }, done],
      { mode: 'read-only' },
    );
    const { toolResults, decisions } = await results(agent.run('write a file'));
    expect(toolResults[0]).toMatchObject({ name: 'write', isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(decisions[0]).toMatchObject({ decision: 'deny', source: 'mode' });
    expect(existsSync(join(root, 'out.txt'))).toBe(false);
  });

  it('lets read-only bash run in read-only mode, and refuses a write hidden in a pipeline', async () => {
    await writeFile(join(root, 'a.txt'), 'alpha\n');
    const { agent } = agentWith([bash('cat a.txt | grep alpha'), bash('cat a.txt | tee b.txt'), done], {
      mode: 'read-only',
    });
    const { toolResults } = await results(agent.run('look'));
    expect(toolResults[0]).toMatchObject({ isError: false });
    expect(String(toolResults[0]!.output)).toContain('alpha');
    expect(toolResults[1]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'b.txt'))).toBe(false);
  });

  it('asks about bash that writes in workspace-write mode: granted, denied, denied with feedback', async () => {
    const answers: ApprovalAnswer[] = ['allow', 'deny', { decision: 'deny', feedback: 'use the build script instead' }];
    const asked: ApprovalRequest[] = [];
    const { agent, model } = agentWith([bash('touch one.txt'), bash('touch two.txt'), bash('touch three.txt'), done], {
      mode: 'workspace-write',
      approve: (request) => (asked.push(request), answers.shift()!),
    });
    const { toolResults, decisions } = await results(agent.run('make files'));
    expect(asked.map((r) => r.name)).toEqual(['bash', 'bash', 'bash']);
    expect(asked[0]!.suggestedRule).toBe('Bash(touch one.txt)');
    expect(decisions.map((d) => [d.decision, d.source])).toEqual([
      ['allow', 'approver'],
      ['deny', 'approver'],
      ['deny', 'approver'],
    ]);
    expect(existsSync(join(root, 'one.txt'))).toBe(true);
    expect(existsSync(join(root, 'two.txt'))).toBe(false);
    expect(toolResults[2]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(
      String(
        model.requests[3]!.messages.at(-1)!.content[0]!.type === 'tool-result' &&
          (model.requests[3]!.messages.at(-1)!.content[0] as { output: string }).output,
      ),
    ).toContain('use the build script instead');
  });

  it('"allow always" adds a narrow rule: the same command is not asked again, another one is', async () => {
    const asked: string[] = [];
    const { agent } = agentWith([bash('touch a.txt'), bash('touch a.txt'), bash('touch b.txt'), done], {
      mode: 'workspace-write',
      approve: (request) => (asked.push(String((request.input as { command: string }).command)), 'allow-always'),
    });
    await results(agent.run('go'));
    expect(asked).toEqual(['touch a.txt', 'touch b.txt']);
  });

  it('pauses without an approver and resumes in a fresh agent over the same SQLite store', async () => {
    const path = join(root, '.icode-test', 'sessions.db');
    await mkdir(join(root, '.icode-test'));
    const first = agentWith([bash('echo resumed > out.txt')], { mode: 'workspace-write' }, sqliteStore({ path }));
    const paused = await first.agent.run('write out.txt').result;
    expect(paused.status).toBe('paused');
    expect(paused.pending).toMatchObject([{ name: 'bash', input: { command: 'echo resumed > out.txt' } }]);
    expect(existsSync(join(root, 'out.txt'))).toBe(false);
    await first.agent.store.close();

    // As in a new process: a new store object over the same file, a new agent.
    const second = agentWith([done], { mode: 'workspace-write' }, sqliteStore({ path }));
    const resumed = await second.agent.resume(paused.sessionId, { approvals: { [paused.pending![0]!.id]: 'allow' } })
      .result;
    expect(resumed.status).toBe('completed');
    expect(await readFile(join(root, 'out.txt'), 'utf8')).toBe('resumed\n');
    expect(second.model.requests[0]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    await second.agent.store.close();
  });

  it('applies a deny rule to the canonical path: a symlink to a denied file is denied', async () => {
    await mkdir(join(root, 'secrets'));
    await writeFile(join(root, 'secrets', 'key.txt'), 'TOP SECRET');
    await symlink(join(root, 'secrets', 'key.txt'), join(root, 'innocent.txt'));
    const { agent } = agentWith([{ toolCalls: [{ name: 'read', input: { file_path: 'innocent.txt' } }] }, done], {
      mode: 'workspace-write',
      deny: ['Read(./secrets/**)'],
    });
    const { toolResults, decisions } = await results(agent.run('read it'));
    expect(toolResults[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(JSON.stringify(toolResults[0]!.output)).not.toContain('TOP SECRET');
    expect(decisions[0]).toMatchObject({ decision: 'deny', source: 'rule', rule: 'Read(./secrets/**)' });
  });

  it('lets deny win when rules from several sources are merged, whatever the order', async () => {
    const options = mergePolicyOptions(
      { mode: 'full-access', deny: ['Bash(touch:*)'] },
      { allow: ['Bash(touch:*)'] },
      { allow: ['Bash'] },
    );
    const { agent } = agentWith([bash('touch merged.txt'), done], options);
    const { toolResults } = await results(agent.run('go'));
    expect(toolResults[0]).toMatchObject({ isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(existsSync(join(root, 'merged.txt'))).toBe(false);
  });

  it('asks about a dangerous command even in full-access mode', async () => {
    const asked: string[] = [];
    const { agent } = agentWith([bash('rm -rf .'), done], {
      mode: 'full-access',
      approve: (r) => (asked.push(r.reason), 'deny'),
    });
    await writeFile(join(root, 'keep.txt'), 'keep');
    await results(agent.run('clean up'));
    expect(asked).toHaveLength(1);
    expect(existsSync(join(root, 'keep.txt'))).toBe(true);
  });
});
