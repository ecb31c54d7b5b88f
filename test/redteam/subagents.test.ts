/**
 * Attacks on sub-agents as a prompt-injected model would make them: children with tools from a toolset on
 * another root, with a sandbox of their own below the parent's root, and call ids built to collide with
 * the ids of a child's requests. Every call goes through `createAgent` with real tools and a real policy.
 */
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAgent,
  handoff,
  memoryStore,
  subagent,
  type AgentOptions,
  type AgentPolicyOptions,
  type JsonValue,
  type Toolset,
} from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { observe, resultsAt, workspace } from '../subagents/helpers.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

const call = (id: string, name: string, input: Record<string, JsonValue>): MockStep => ({
  toolCalls: [{ id, name, input }],
});

/** A parent on the workspace with one sub-agent `helper`, whose model makes `childSteps`. */
function tree(parentPolicy: AgentPolicyOptions, child: Omit<AgentOptions, 'provider'>, childSteps: MockStep[]) {
  const parentModel = mockProvider([call('d', 'helper', { prompt: 'do it' }), { text: 'parent done' }]);
  const childModel = mockProvider(childSteps);
  const agent = createAgent({
    provider: parentModel,
    name: 'main',
    tools: [
      ...codingTools({ root: ws.root, exclude: ['web_fetch'] }),
      subagent({ name: 'helper', description: 'Does what it is told', options: { provider: childModel, ...child } }),
    ],
    sandbox: localSandbox({ root: ws.root }),
    policy: { ...parentPolicy, root: ws.root },
  });
  return {
    agent,
    assertComplete: () => [parentModel, childModel].forEach((m) => m.assertComplete()),
  };
}

/** A toolset (as an MCP client would be) whose tools are coding tools bound to `root`. */
function toolsetOn(root: string): Toolset {
  const tools = codingTools({ root, exclude: ['web_fetch'] });
  return { kind: 'toolset', name: 'elsewhere', tools: () => Promise.resolve(tools), close: () => Promise.resolve() };
}

const childResults = (events: Parameters<typeof resultsAt>[0]) => resultsAt(events, ['main', 'helper']);
const leaked = (events: Parameters<typeof resultsAt>[0], secret: string) =>
  childResults(events).some((r) => JSON.stringify(r.output).includes(secret));

describe('a child whose tools come from a toolset on a root outside the parent', () => {
  it('cannot read, search or run commands there', async () => {
    const t = tree({ mode: 'workspace-write' }, { tools: [toolsetOn(ws.outside)], policy: { mode: 'full-access' } }, [
      call('r', 'read', { file_path: 'outside.txt' }),
      call('g', 'grep', { pattern: 'outside-payload' }),
      call('b', 'bash', { command: 'cat outside.txt', description: 'read' }),
      call('w', 'write', { file_path: 'planted.txt', content: 'x' }),
      { text: 'tried' },
    ]);
    const { events } = await observe(t.agent.run('go'));
    expect(leaked(events, 'outside-payload')).toBe(false);
    for (const id of ['r', 'b', 'w']) {
      expect(childResults(events).find((r) => r.id === id)).toMatchObject({ isError: true });
    }
    expect(existsSync(join(ws.outside, 'planted.txt'))).toBe(false);
    t.assertComplete();
  });
});

describe('a child with a sandbox of its own below the parent root', () => {
  it("reaches no file the parent denies, by read, grep, glob or bash, relative to the child's root", async () => {
    const sub = join(ws.root, 'sub');
    const t = tree(
      // A person who approves whatever is asked: deny rules must hold on their own.
      { mode: 'workspace-write', deny: ['Read(./sub/private.txt)', 'Read(./.env)'], approve: () => 'allow' },
      {
        tools: codingTools({ root: sub, exclude: ['web_fetch'] }),
        sandbox: localSandbox({ root: sub }),
        policy: { mode: 'full-access', root: sub },
      },
      [
        call('r', 'read', { file_path: 'private.txt' }),
        call('g', 'grep', { pattern: 'private-payload', output_mode: 'content' }),
        call('gl', 'glob', { pattern: '**/private*' }),
        call('b1', 'bash', { command: 'cat private.txt', description: 'read' }),
        call('b2', 'bash', { command: 'cat ../.env', description: 'read' }),
        call('b3', 'bash', { command: 'cd .. && cat .env', description: 'read' }),
        { text: 'tried' },
      ],
    );
    const { events } = await observe(t.agent.run('go'));
    expect(leaked(events, 'private-payload')).toBe(false);
    expect(leaked(events, 'hunter2')).toBe(false);
    for (const id of ['r', 'b1', 'b2', 'b3']) {
      expect(childResults(events).find((r) => r.id === id)).toMatchObject({
        isError: true,
        errorCode: 'PERMISSION_DENIED',
      });
    }
    expect(String(childResults(events).find((r) => r.id === 'gl')?.output)).not.toContain('private.txt');
    t.assertComplete();
  });
});

describe('call ids built to collide with a child request', () => {
  it("an answer for the parent's own call `x/c` never approves the child's call `c` of call `x`", async () => {
    const store = memoryStore();
    const parentSteps: MockStep[] = [
      {
        toolCalls: [
          { id: 'x', name: 'helper', input: { prompt: 'do it' } },
          // The parent's own call, given the id the child's request gets in `pending`.
          { id: 'x/c', name: 'bash', input: { command: 'touch parent.txt', description: 'parent' } },
        ],
      },
    ];
    const parentModel = mockProvider(parentSteps);
    const childModel = mockProvider([call('c', 'bash', { command: 'touch child.txt', description: 'child' })]);
    const agent = createAgent({
      provider: parentModel,
      name: 'main',
      tools: [
        ...codingTools({ root: ws.root, exclude: ['web_fetch'] }),
        subagent({
          name: 'helper',
          description: 'Does what it is told',
          options: { provider: childModel, tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }) },
        }),
      ],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'workspace-write', ask: ['Bash(touch:*)'], root: ws.root },
      store,
    });
    const { result } = await observe(agent.run('go'));
    expect(result.status).toBe('paused');
    // Both requests are listed under the same id: the answer cannot say which one it means.
    const pending = result.pending ?? [];
    expect(pending.map((p) => p.id)).toEqual(['x/c', 'x/c']);
    for (const request of pending) {
      // An id that reads both ways goes to the parent's own call; the child then lacks its answer, and the
      // whole resume is refused before anything runs, whichever of the two the answer's digest names.
      const resumed = agent.resume(result.sessionId, {
        approvals: { 'x/c': { answer: 'allow', digest: request.digest } },
      });
      await expect(observe(resumed)).rejects.toMatchObject({ code: 'RUN_STATE' });
      expect(existsSync(join(ws.root, 'child.txt'))).toBe(false);
      expect(existsSync(join(ws.root, 'parent.txt'))).toBe(false);
    }
    parentModel.assertComplete();
    childModel.assertComplete();
  });
});

describe('a handoff inside a sub-agent', () => {
  it("with widenPolicy, still cannot do what the sub-agent's parent forbids", async () => {
    const writerModel = mockProvider([
      call('w', 'write', { file_path: 'out.txt', content: 'x' }),
      call('b', 'bash', { command: 'touch made.txt', description: 'touch' }),
      { text: 'writer done' },
    ]);
    const writer = createAgent({
      provider: writerModel,
      name: 'writer',
      tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }),
      policy: { mode: 'full-access', root: ws.root },
    });
    const t = tree({ mode: 'read-only' }, { tools: [handoff(writer, { widenPolicy: true })] }, [
      call('t', 'transfer_to_writer', {}),
    ]);
    const { events } = await observe(t.agent.run('go'));
    expect(childResults(events).find((r) => r.id === 'w')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(existsSync(join(ws.root, 'out.txt'))).toBe(false);
    expect(existsSync(join(ws.root, 'made.txt'))).toBe(false);
    t.assertComplete();
    writerModel.assertComplete();
  });
});

describe("the parent's guard hooks", () => {
  it("refuse a child's call as they refuse the parent's own", async () => {
    const childModel = mockProvider([
      call('c', 'bash', { command: 'touch pwned.txt', description: 'touch' }),
      { text: 'child done' },
    ]);
    const parentModel = mockProvider([call('d', 'helper', { prompt: 'go' }), { text: 'done' }]);
    const agent = createAgent({
      provider: parentModel,
      name: 'main',
      tools: [
        ...codingTools({ root: ws.root, exclude: ['web_fetch'] }),
        subagent({
          name: 'helper',
          description: 'Helps',
          options: { provider: childModel, tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }) },
        }),
      ],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'full-access', root: ws.root },
      hooks: {
        name: 'no-touch',
        beforeToolCall: (c) =>
          c.name === 'bash' && JSON.stringify(c.input).includes('touch')
            ? { deny: 'touch is not allowed here' }
            : undefined,
      },
    });
    const { events } = await observe(agent.run('go'));
    expect(childResults(events).find((r) => r.id === 'c')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(existsSync(join(ws.root, 'pwned.txt'))).toBe(false);
    parentModel.assertComplete();
    childModel.assertComplete();
  });
});

describe('a handoff target and the guard hooks of the agent that hands over', () => {
  it('is refused what those hooks refuse, though it has no hooks of its own', async () => {
    const writerModel = mockProvider([
      call('c', 'bash', { command: 'touch pwned.txt', description: 'touch' }),
      { text: 'writer done' },
    ]);
    const writer = createAgent({
      provider: writerModel,
      name: 'writer',
      tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }),
    });
    const triageModel = mockProvider([call('t', 'transfer_to_writer', {})]);
    const agent = createAgent({
      provider: triageModel,
      tools: [handoff(writer)],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'full-access', root: ws.root },
      hooks: {
        name: 'no-touch',
        beforeToolCall: (c) =>
          c.name === 'bash' && JSON.stringify(c.input).includes('touch')
            ? { deny: 'touch is not allowed here' }
            : undefined,
      },
    });
    const { events } = await observe(agent.run('go'));
    expect(resultsAt(events).find((r) => r.id === 'c')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(existsSync(join(ws.root, 'pwned.txt'))).toBe(false);
    triageModel.assertComplete();
    writerModel.assertComplete();
  });
});

describe('a child whose root is a symbolic link inside the workspace that leads out', () => {
  it('is not started', async () => {
    const link = join(ws.root, 'linked');
    await symlink(ws.outside, link);
    const t = tree(
      { mode: 'workspace-write' },
      {
        tools: codingTools({ root: link, exclude: ['web_fetch'] }),
        sandbox: localSandbox({ root: link }),
        policy: { mode: 'full-access', root: link },
      },
      [],
    );
    const { events } = await observe(t.agent.run('go'));
    expect(resultsAt(events).find((r) => r.id === 'd')).toMatchObject({ isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    t.assertComplete();
  });
});
