/**
 * A sub-agent tree: events with paths, usage rolled up, linked sessions, depth and concurrency limits,
 * aborts both ways, failures as error results, and approvals routed to the parent.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, memoryStore, ProviderError, subagent, tool } from '../../src/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { observe, resultsAt } from './helpers.js';

const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });
const ask = (name: string, prompt: string, id?: string): MockStep => ({
  toolCalls: [{ name, input: { prompt }, ...(id ? { id } : {}) }],
});

/** A custom tool the policy asks about (needsApproval), that records its runs. */
function deployTool(runs: string[]) {
  return tool({
    name: 'deploy',
    description: 'Deploys',
    input: z.object({ target: z.string() }),
    needsApproval: true,
    execute: ({ target }) => {
      runs.push(target);
      return `deployed ${target}`;
    },
  });
}

describe('sub-agent runs', () => {
  it('bubbles events with paths, rolls up usage and cost, and links the child session', async () => {
    const pricing = { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 };
    const store = memoryStore();
    const grandModel = mockProvider([{ text: 'leaf answer', usage: usage(1, 1) }], { pricing });
    const childModel = mockProvider(
      [ask('leaf', 'look deeper'), { text: 'child answer', usage: usage(10, 5) }].map((s, i) =>
        i === 0 ? { ...s, usage: usage(10, 5) } : s,
      ),
      { pricing },
    );
    const leaf = subagent({ name: 'leaf', description: 'Leaf', options: { provider: grandModel } });
    const explorer = subagent({
      name: 'explorer',
      description: 'Explores',
      options: { provider: childModel, tools: [leaf] },
    });
    const parentModel = mockProvider(
      [
        { ...ask('explorer', 'find it'), usage: usage(100, 50) },
        { text: 'parent answer', usage: usage(100, 50) },
      ],
      { pricing },
    );
    const agent = createAgent({ provider: parentModel, name: 'master', tools: [explorer], store });
    const { events, result } = await observe(agent.run('go'));

    expect(result.status).toBe('completed');
    expect(resultsAt(events)[0]).toMatchObject({ name: 'explorer', isError: false, output: 'child answer' });
    expect(resultsAt(events, ['master', 'explorer'])[0]).toMatchObject({ name: 'leaf', output: 'leaf answer' });
    expect(events.some((e) => e.type === 'text-delta' && e.path?.join('>') === 'master>explorer>leaf')).toBe(true);
    // The child's request carried the task as its user message.
    expect(childModel.requests[0]!.messages[0]).toMatchObject({ role: 'user', content: [{ text: 'find it' }] });

    expect(result.usage).toMatchObject({ inputTokens: 221, outputTokens: 111 });
    expect(result.cost).toBeCloseTo(332);
    expect(result.children).toHaveLength(1);
    const [child] = result.children!;
    expect(child).toMatchObject({
      name: 'explorer',
      status: 'completed',
      usage: { inputTokens: 21, outputTokens: 11 },
    });
    const info = await store.get(child!.sessionId);
    expect(info?.metadata).toMatchObject({
      parentSessionId: result.sessionId,
      parentTurn: 1,
      parentToolCallId: resultsAt(events)[0]!.id,
      agent: 'explorer',
    });
    for (const model of [parentModel, childModel, grandModel]) model.assertComplete();
  });

  it('stops at maxDepth: a sub-agent started deeper ends with an error result', async () => {
    const leafModel = mockProvider([]);
    const leaf = subagent({ name: 'leaf', description: 'Leaf', maxDepth: 1, options: { provider: leafModel } });
    const childModel = mockProvider([ask('leaf', 'deeper'), { text: 'gave up' }]);
    const child = subagent({ name: 'child', description: 'Child', options: { provider: childModel, tools: [leaf] } });
    const parentModel = mockProvider([ask('child', 'start'), { text: 'done' }]);
    const agent = createAgent({ provider: parentModel, name: 'root', tools: [child] });
    const { events } = await observe(agent.run('go'));
    expect(resultsAt(events, ['root', 'child'])[0]).toMatchObject({
      name: 'leaf',
      isError: true,
      output: expect.stringMatching(/2 levels deep, past its maxDepth of 1/),
    });
    for (const model of [parentModel, childModel, leafModel]) model.assertComplete();
  });

  it('runs at most maxConcurrency children at once', async () => {
    let running = 0;
    let peak = 0;
    const slow = tool({
      name: 'slow',
      description: 'Takes a while',
      input: z.object({}),
      readOnly: true,
      execute: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return 'ok';
      },
    });
    const childModel = mockProvider((request) =>
      request.messages.at(-1)?.role === 'tool' ? { text: 'child done' } : { toolCalls: [{ name: 'slow', input: {} }] },
    );
    const worker = subagent({
      name: 'worker',
      description: 'Works',
      maxConcurrency: 2,
      options: { provider: childModel, tools: [slow] },
    });
    const parentModel = mockProvider([
      { toolCalls: [1, 2, 3, 4, 5].map((n) => ({ name: 'worker', input: { prompt: `job ${n}` } })) },
      { text: 'all done' },
    ]);
    const agent = createAgent({ provider: parentModel, tools: [worker] });
    const { events, result } = await observe(agent.run('go'));
    expect(resultsAt(events).map((r) => r.output)).toEqual(Array(5).fill('child done'));
    expect(peak).toBeLessThanOrEqual(2);
    expect(result.children).toHaveLength(5);
    parentModel.assertComplete();
  });

  it('aborting the parent aborts the running child', async () => {
    let childSignal: AbortSignal | undefined;
    const wait = tool({
      name: 'wait',
      description: 'Waits until aborted',
      input: z.object({}),
      readOnly: true,
      execute: (_input, { signal }) =>
        new Promise((_resolve, reject) => {
          childSignal = signal;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    const childModel = mockProvider([{ toolCalls: [{ name: 'wait', input: {} }] }]);
    const waiter = subagent({ name: 'waiter', description: 'Waits', options: { provider: childModel, tools: [wait] } });
    const parentModel = mockProvider([ask('waiter', 'wait')]);
    const agent = createAgent({ provider: parentModel, tools: [waiter] });
    const run = agent.run('go');
    const end = Date.now() + 20_000;
    while (!childSignal && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
    run.abort('stop');
    const result = await run.result;
    expect(result.status).toBe('aborted');
    expect(childSignal?.aborted).toBe(true);
    expect(result.children?.[0]).toMatchObject({ name: 'waiter', status: 'aborted' });
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it('a failing child is an error result for the parent, which goes on', async () => {
    const childModel = mockProvider([
      { error: new ProviderError({ kind: 'auth', message: 'bad key', retryable: false }) },
    ]);
    const broken = subagent({ name: 'broken', description: 'Fails', options: { provider: childModel } });
    const parentModel = mockProvider([ask('broken', 'try'), { text: 'handled it' }]);
    const agent = createAgent({ provider: parentModel, tools: [broken] });
    const { events, result } = await observe(agent.run('go'));
    expect(resultsAt(events)[0]).toMatchObject({
      name: 'broken',
      isError: true,
      errorCode: 'TOOL_EXECUTION_FAILED',
      output: expect.stringMatching(/sub-agent "broken" failed/),
    });
    expect(result.status).toBe('completed');
    expect(result.text).toBe('handled it');
    expect(result.children?.[0]).toMatchObject({ name: 'broken', status: 'failed' });
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it("sends a child's approval request to the parent's approver", async () => {
    const runs: string[] = [];
    const seen: { name: string; sessionId: string }[] = [];
    const childModel = mockProvider([
      { toolCalls: [{ name: 'deploy', input: { target: 'staging' } }] },
      { text: 'deployed' },
    ]);
    const deployer = subagent({
      name: 'deployer',
      description: 'Deploys',
      // Its own approver would refuse: the parent's decides.
      options: { provider: childModel, tools: [deployTool(runs)], policy: { approve: () => 'deny' } },
    });
    const parentModel = mockProvider([ask('deployer', 'deploy staging'), { text: 'done' }]);
    const agent = createAgent({
      provider: parentModel,
      tools: [deployer],
      policy: {
        approve: (request) => {
          seen.push({ name: request.name, sessionId: request.sessionId });
          return 'allow';
        },
      },
    });
    const { result } = await observe(agent.run('go'));
    expect(result.status).toBe('completed');
    expect(runs).toEqual(['staging']);
    expect(seen).toEqual([{ name: 'deploy', sessionId: result.children![0]!.sessionId }]);
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it('pauses the whole tree without an approver, and resumes child then parent', async () => {
    const runs: string[] = [];
    const store = memoryStore();
    const childModel = mockProvider([
      { toolCalls: [{ name: 'deploy', input: { target: 'prod' } }] },
      { text: 'prod is deployed' },
    ]);
    const deployer = subagent({
      name: 'deployer',
      description: 'Deploys',
      options: { provider: childModel, tools: [deployTool(runs)] },
    });
    const parentModel = mockProvider([ask('deployer', 'deploy prod'), { text: 'the deployer says: done' }]);
    const agent = createAgent({ provider: parentModel, name: 'master', tools: [deployer], store });
    const first = await observe(agent.run('go'));
    expect(first.result.status).toBe('paused');
    const [request] = first.result.pending!;
    expect(request).toMatchObject({ name: 'deploy', input: { target: 'prod' }, path: ['master', 'deployer'] });
    expect(runs).toEqual([]);

    const resumed = await observe(
      agent.resume(first.result.sessionId, {
        approvals: { [request!.id]: { answer: 'allow', digest: request!.digest } },
      }),
    );
    expect(resumed.result.status).toBe('completed');
    expect(resumed.result.text).toBe('the deployer says: done');
    expect(runs).toEqual(['prod']);
    expect(resultsAt(resumed.events)[0]).toMatchObject({
      name: 'deployer',
      output: 'prod is deployed',
      isError: false,
    });
    expect(resultsAt(resumed.events, ['master', 'deployer'])[0]).toMatchObject({ name: 'deploy', isError: false });
    // The parent's model saw the child's answer as the result of its call.
    expect(parentModel.requests[1]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: [{ type: 'tool-result', name: 'deployer', output: 'prod is deployed' }],
    });
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it('a resume missing an answer for a child request fails without running anything', async () => {
    const runs: string[] = [];
    const childModel = mockProvider([{ toolCalls: [{ name: 'deploy', input: { target: 'prod' } }] }]);
    const deployer = subagent({
      name: 'deployer',
      description: 'Deploys',
      options: { provider: childModel, tools: [deployTool(runs)] },
    });
    const parentModel = mockProvider([ask('deployer', 'deploy prod')]);
    const agent = createAgent({ provider: parentModel, tools: [deployer] });
    const first = await agent.run('go').result;
    expect(first.status).toBe('paused');
    await expect(agent.resume(first.sessionId, { approvals: {} }).result).rejects.toThrow(/decision/);
    expect(runs).toEqual([]);
    parentModel.assertComplete();
    childModel.assertComplete();
  });
});

describe('a sub-agent call the parent itself asks about', () => {
  it("pauses as the parent's own call, and runs the child once approved", async () => {
    const childModel = mockProvider([{ text: 'explored' }]);
    const explorer = subagent({ name: 'explorer', description: 'Explores', options: { provider: childModel } });
    const parentModel = mockProvider([ask('explorer', 'look'), { text: 'thanks' }]);
    const agent = createAgent({
      provider: parentModel,
      name: 'master',
      tools: [explorer],
      policy: { ask: ['explorer'] },
    });
    const first = await agent.run('go').result;
    expect(first.status).toBe('paused');
    expect(first.pending).toMatchObject([{ name: 'explorer', input: { prompt: 'look' } }]);
    expect(first.pending![0]!.path).toBeUndefined();
    expect(childModel.requests).toHaveLength(0);
    const [request] = first.pending!;
    const { events, result } = await observe(agent.resume(first.sessionId, { approvals: { [request!.id]: 'allow' } }));
    expect(result.status).toBe('completed');
    expect(resultsAt(events)[0]).toMatchObject({ name: 'explorer', output: 'explored', isError: false });
    parentModel.assertComplete();
    childModel.assertComplete();
  });
});

describe('a nested tree', () => {
  it('pauses on a grandchild, listing its request with a three-part id and path, and resumes down and up', async () => {
    const runs: string[] = [];
    const leafModel = mockProvider([
      { toolCalls: [{ name: 'deploy', input: { target: 'edge' } }] },
      { text: 'leaf deployed' },
    ]);
    const leaf = subagent({
      name: 'leaf',
      description: 'Deploys',
      options: { provider: leafModel, tools: [deployTool(runs)] },
    });
    const midModel = mockProvider([ask('leaf', 'deploy edge'), { text: 'mid: leaf deployed' }]);
    const mid = subagent({ name: 'mid', description: 'Delegates', options: { provider: midModel, tools: [leaf] } });
    const topModel = mockProvider([ask('mid', 'get it deployed'), { text: 'top: all deployed' }]);
    const agent = createAgent({ provider: topModel, name: 'top', tools: [mid] });

    const first = await agent.run('go').result;
    expect(first.status).toBe('paused');
    const [request] = first.pending!;
    expect(request).toMatchObject({ name: 'deploy', path: ['top', 'mid', 'leaf'] });
    expect(request!.id.split('/')).toHaveLength(3);

    const { events, result } = await observe(
      agent.resume(first.sessionId, { approvals: { [request!.id]: { answer: 'allow', digest: request!.digest } } }),
    );
    expect(result.status).toBe('completed');
    expect(result.text).toBe('top: all deployed');
    expect(runs).toEqual(['edge']);
    expect(resultsAt(events, ['top', 'mid', 'leaf'])[0]).toMatchObject({ name: 'deploy', isError: false });
    expect(resultsAt(events)[0]).toMatchObject({ name: 'mid', output: 'mid: leaf deployed' });
    for (const model of [topModel, midModel, leafModel]) model.assertComplete();
  });
});

describe('resuming a tree with several waiting calls', () => {
  it("routes each answer: the child's to the child, the parent's own to the parent", async () => {
    const runs: string[] = [];
    const childModel = mockProvider([
      { toolCalls: [{ name: 'deploy', input: { target: 'child' } }] },
      { text: 'child ok' },
    ]);
    const deployer = subagent({
      name: 'deployer',
      description: 'Deploys',
      options: { provider: childModel, tools: [deployTool(runs)] },
    });
    const parentModel = mockProvider([
      {
        toolCalls: [
          { name: 'deployer', input: { prompt: 'deploy child' } },
          { name: 'deploy', input: { target: 'parent' } },
        ],
      },
      { text: 'both done' },
    ]);
    const agent = createAgent({ provider: parentModel, name: 'master', tools: [deployer, deployTool(runs)] });
    const first = await agent.run('go').result;
    expect(first.status).toBe('paused');
    expect(first.pending!.map((r) => [r.name, r.path])).toEqual([
      ['deploy', ['master', 'deployer']],
      ['deploy', undefined],
    ]);
    const approvals = Object.fromEntries(
      first.pending!.map((r) => [r.id, { answer: 'allow' as const, digest: r.digest }]),
    );
    const { result } = await observe(agent.resume(first.sessionId, { approvals }));
    expect(result.status).toBe('completed');
    expect(runs.sort()).toEqual(['child', 'parent']);
    parentModel.assertComplete();
    childModel.assertComplete();
  });

  it('pauses again when the child asks again, leaving the parent waiting, then completes', async () => {
    const runs: string[] = [];
    const childModel = mockProvider([
      { toolCalls: [{ name: 'deploy', input: { target: 'one' } }] },
      { toolCalls: [{ name: 'deploy', input: { target: 'two' } }] },
      { text: 'deployed both' },
    ]);
    const deployer = subagent({
      name: 'deployer',
      description: 'Deploys',
      options: { provider: childModel, tools: [deployTool(runs)] },
    });
    const parentModel = mockProvider([ask('deployer', 'deploy one and two'), { text: 'the deployer deployed both' }]);
    const agent = createAgent({ provider: parentModel, tools: [deployer] });
    const answer = (result: { pending?: readonly { id: string; digest: string }[] }) =>
      Object.fromEntries(result.pending!.map((r) => [r.id, { answer: 'allow' as const, digest: r.digest }]));

    const first = await agent.run('go').result;
    const second = await agent.resume(first.sessionId, { approvals: answer(first) }).result;
    expect(second.status).toBe('paused');
    expect(second.pending).toMatchObject([{ name: 'deploy', input: { target: 'two' } }]);
    expect(runs).toEqual(['one']);
    // The parent has not moved on: its model was called once.
    expect(parentModel.requests).toHaveLength(1);

    const third = await agent.resume(first.sessionId, { approvals: answer(second) }).result;
    expect(third.status).toBe('completed');
    expect(third.text).toBe('the deployer deployed both');
    expect(runs).toEqual(['one', 'two']);
    parentModel.assertComplete();
    childModel.assertComplete();
  });
});
