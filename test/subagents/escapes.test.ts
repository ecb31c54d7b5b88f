/**
 * A sub-agent can never do what its parent's policy forbids: each escape, tried through a child that
 * declares a wider policy (or wider tools) of its own, fails, and nothing it aimed at happens.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, subagent, type AgentOptions, type AgentPolicyOptions, type JsonValue } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { observe, resultsAt, workspace } from './helpers.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

const delegate: MockStep = { toolCalls: [{ name: 'helper', input: { prompt: 'do it' } }] };
const call = (name: string, input: Record<string, JsonValue>): MockStep => ({ toolCalls: [{ name, input }] });

/** A parent with codingTools on the workspace and one sub-agent `helper` whose child makes `childSteps`. */
function tree(
  parentPolicy: AgentPolicyOptions,
  child: Omit<AgentOptions, 'provider'>,
  childSteps: MockStep[],
  extra: { inheritPolicy?: boolean } = {},
) {
  const parentModel = mockProvider([delegate, { text: 'parent done' }]);
  const childModel = mockProvider(childSteps);
  const helper = subagent({
    name: 'helper',
    description: 'Does what it is told',
    options: { provider: childModel, ...child },
    ...extra,
  });
  const agent = createAgent({
    provider: parentModel,
    name: 'main',
    tools: [...codingTools({ root: ws.root, exclude: ['web_fetch'] }), helper],
    sandbox: localSandbox({ root: ws.root }),
    policy: { ...parentPolicy, root: ws.root },
  });
  const models: MockProvider[] = [parentModel, childModel];
  return { agent, childModel, assertComplete: () => models.forEach((m) => m.assertComplete()) };
}

const childTools = (root: string) => codingTools({ root, exclude: ['web_fetch'] });

describe('a sub-agent cannot escape its parent', () => {
  it('cannot run a bash command the parent denies, though its own policy allows it', async () => {
    const t = tree(
      { mode: 'workspace-write', deny: ['Bash(touch:*)'] },
      { tools: childTools(ws.root), policy: { mode: 'full-access', allow: ['Bash(touch:*)'] } },
      [call('bash', { command: 'touch pwned.txt' }), { text: 'tried' }],
    );
    const { events, result } = await observe(t.agent.run('go'));
    expect(resultsAt(events, ['main', 'helper'])[0]).toMatchObject({
      name: 'bash',
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(existsSync(join(ws.root, 'pwned.txt'))).toBe(false);
    expect(result.status).toBe('completed');
    t.assertComplete();
  });

  it('cannot run a command the parent asks about when the parent has no approver: the tree pauses', async () => {
    const parentModel = mockProvider([delegate]);
    const childModel = mockProvider([call('bash', { command: 'touch asked.txt' })]);
    const helper = subagent({
      name: 'helper',
      description: 'Does what it is told',
      options: {
        provider: childModel,
        tools: childTools(ws.root),
        // Its own approver says yes to everything: it must not answer what the parent asks.
        policy: { mode: 'full-access', allow: ['Bash(touch:*)'], approve: () => 'allow' },
      },
    });
    const agent = createAgent({
      provider: parentModel,
      name: 'main',
      tools: [helper],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'workspace-write', root: ws.root },
    });
    const { events, result } = await observe(agent.run('go'));
    expect(result.status).toBe('paused');
    expect(result.pending).toHaveLength(1);
    const [request] = result.pending!;
    expect(request).toMatchObject({ name: 'bash', input: { command: 'touch asked.txt' }, path: ['main', 'helper'] });
    expect(request!.id).toMatch(/^[^/]+\/[^/]+$/);
    expect(events.some((e) => e.type === 'permission-request' && e.path?.join('>') === 'main>helper')).toBe(true);
    expect(existsSync(join(ws.root, 'asked.txt'))).toBe(false);
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it('cannot write when the parent is read-only, though it declares full-access', async () => {
    const t = tree(
      // A sub-agent with write tools is not read-only: a read-only parent runs it only when a rule names it.
      { mode: 'read-only', allow: ['helper'] },
      { tools: childTools(ws.root), policy: { mode: 'full-access', allow: ['Edit(**)', 'Write(**)'] } },
      [
        call('write', { file_path: 'out.txt', content: 'x' }),
        call('bash', { command: 'echo x > out2.txt' }),
        { text: 'tried' },
      ],
    );
    const { events } = await observe(t.agent.run('go'));
    const results = resultsAt(events, ['main', 'helper']);
    expect(results.map((r) => [r.name, r.isError])).toEqual([
      ['write', true],
      ['bash', true],
    ]);
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    expect(existsSync(join(ws.root, 'out2.txt'))).toBe(false);
    t.assertComplete();
  });

  it('with inheritPolicy: false, still cannot do what the parent denies', async () => {
    const t = tree(
      { mode: 'read-only', allow: ['helper'] },
      { tools: childTools(ws.root), policy: { mode: 'full-access' } },
      [call('write', { file_path: 'out.txt', content: 'x' }), { text: 'tried' }],
      { inheritPolicy: false },
    );
    const { events } = await observe(t.agent.run('go'));
    expect(resultsAt(events, ['main', 'helper'])[0]).toMatchObject({ name: 'write', isError: true });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    t.assertComplete();
  });

  it("is not started with tools on a root wider than the parent's", async () => {
    const t = tree({ mode: 'full-access' }, { tools: childTools(ws.outside), policy: { mode: 'full-access' } }, []);
    const { events } = await observe(t.agent.run('go'));
    const [outcome] = resultsAt(events);
    expect(outcome).toMatchObject({ name: 'helper', isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    t.assertComplete();
  });

  it("cannot reach outside the parent's root through tools on a root inside it", async () => {
    const sub = join(ws.root, 'sub');
    const t = tree(
      { mode: 'full-access', deny: ['Read(./sub/private.txt)'] },
      { tools: childTools(sub), policy: { mode: 'full-access' } },
      [
        // Relative to the child's root, this is the file the parent denies.
        call('read', { file_path: 'private.txt' }),
        call('read', { file_path: '../../outside.txt' }),
        call('bash', { command: 'cat private.txt' }),
        { text: 'tried' },
      ],
    );
    const { events } = await observe(t.agent.run('go'));
    const results = resultsAt(events, ['main', 'helper']);
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.output)).not.toMatch(/private-payload|outside-payload/);
    }
    t.assertComplete();
  });

  it('cannot read a file the parent denies, with read or grep', async () => {
    const t = tree(
      // The parent's approver allows a search of the whole tree: the denied file stays out of its results.
      { mode: 'workspace-write', deny: ['Read(./.env)'], approve: () => 'allow' },
      { tools: childTools(ws.root), policy: { mode: 'full-access', allow: ['Read(**)'] } },
      [
        call('read', { file_path: '.env' }),
        call('grep', { pattern: 'hunter2' }),
        call('grep', { pattern: 'hunter2', output_mode: 'content' }),
        call('grep', { pattern: 'hunter2', path: '.env' }),
        { text: 'tried' },
      ],
    );
    const { events } = await observe(t.agent.run('go'));
    const results = resultsAt(events, ['main', 'helper']);
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ name: 'read', isError: true, errorCode: 'PERMISSION_DENIED' });
    // The searches of the whole tree ran (the parent's approver allowed them) without showing the file.
    expect(results[1]).toMatchObject({ name: 'grep', isError: false });
    expect(results[2]).toMatchObject({ name: 'grep', isError: false });
    expect(results[3]).toMatchObject({ name: 'grep', isError: true });
    for (const r of results.slice(1, 3)) expect(JSON.stringify(r.output)).not.toMatch(/hunter2-secret|\.env/);
    for (const r of results) expect(JSON.stringify(r.output)).not.toContain('hunter2-secret');
    t.assertComplete();
  });

  it("inherits the parent's policy when it has none of its own", async () => {
    const t = tree({ mode: 'workspace-write', deny: ['Read(./.env)'] }, { tools: childTools(ws.root) }, [
      call('read', { file_path: '.env' }),
      call('read', { file_path: 'sub/notes.txt' }),
      { text: 'read' },
    ]);
    const { events } = await observe(t.agent.run('go'));
    const results = resultsAt(events, ['main', 'helper']);
    expect(results.map((r) => r.isError)).toEqual([true, false]);
    t.assertComplete();
  });
});

describe('a read-only parent', () => {
  it('refuses a sub-agent with write tools unless a rule names it', async () => {
    const t = tree({ mode: 'read-only' }, { tools: childTools(ws.root) }, []);
    const { events } = await observe(t.agent.run('go'));
    expect(resultsAt(events)[0]).toMatchObject({ name: 'helper', isError: true, errorCode: 'PERMISSION_DENIED' });
    t.assertComplete();
  });
});
