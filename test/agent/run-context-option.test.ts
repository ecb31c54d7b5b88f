import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createAgent,
  memoryStore,
  tool,
  type ModelCallInfo,
  type StopState,
  type ToolCallInfo,
  type ToolContext,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain, fixedPolicy } from '../helpers/agent.js';

interface Ctx {
  readonly userId: string;
  readonly secret: string;
}

const SECRET = 'sk-context-never-leaves-4711';

/** A tool that reports which user it runs for, from the run's context. */
const whoami = tool({
  name: 'whoami',
  description: 'Who the current user is',
  input: z.object({}),
  readOnly: true,
  execute: (_input, ctx: ToolContext<Ctx>) => `user ${ctx.context?.userId ?? '(none)'}`,
});

describe('run option `context`', () => {
  it('reaches tools, every hook and stop conditions, and is never sent to the model nor stored', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'whoami', input: {} }] }, { text: 'You are u_1.' }]);
    const store = memoryStore();
    const seen: { modelCalls: ModelCallInfo[]; before: ToolCallInfo[]; after: ToolCallInfo[]; stop: unknown[] } = {
      modelCalls: [],
      before: [],
      after: [],
      stop: [],
    };
    const agent = createAgent<Ctx>({
      provider: model,
      tools: [whoami],
      policy: fixedPolicy('allow'),
      store,
      hooks: {
        beforeModelCall: (_request, call) => void seen.modelCalls.push(call),
        beforeToolCall: (call) => void seen.before.push(call),
        afterToolCall: (call) => void seen.after.push(call),
      },
      stopWhen: (state: StopState<Ctx>) => {
        seen.stop.push(state.context);
        return false;
      },
    });
    const context: Ctx = { userId: 'u_1', secret: SECRET };
    const run = agent.run('Who am I?', { context });
    const { events } = await drain(run);
    const result = await run.result;

    expect(result.status).toBe('completed');
    const toolMessage = result.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content[0]).toMatchObject({ output: 'user u_1', isError: false });
    expect(seen.modelCalls).toHaveLength(2);
    expect(seen.modelCalls[0]).toMatchObject({ context, sessionId: run.sessionId, runId: run.runId });
    expect(seen.before[0]?.context).toBe(context);
    expect(seen.after[0]?.context).toBe(context);
    expect(seen.stop).toEqual([context]);

    // Never sent, never stored: neither the requests nor the session's entries hold it.
    expect(JSON.stringify(model.requests)).not.toContain(SECRET);
    const { entries } = await store.load(run.sessionId);
    expect(JSON.stringify(entries)).not.toContain(SECRET);
    expect(JSON.stringify(entries)).not.toContain('userId');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    model.assertComplete();
  });

  it('is undefined in tools and hooks of a run given none', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'whoami', input: {} }] }, { text: 'Nobody.' }]);
    let hookContext: unknown = 'not called';
    const agent = createAgent({
      provider: model,
      tools: [whoami],
      policy: fixedPolicy('allow'),
      hooks: { beforeModelCall: (_request, call) => void (hookContext = call.context) },
    });
    const result = await agent.run('Who am I?').result;
    expect(result.messages[2]?.content[0]).toMatchObject({ output: 'user (none)' });
    expect(hookContext).toBeUndefined();
    model.assertComplete();
  });

  it('is given again to resume, since it was not stored', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'whoami', input: {} }] }, { text: 'Done.' }]);
    const store = memoryStore();
    const agent = createAgent<Ctx>({ provider: model, tools: [whoami], policy: fixedPolicy('ask'), store });
    const first = await agent.run('Who am I?', { context: { userId: 'u_1', secret: SECRET } }).result;
    expect(first.status).toBe('paused');
    const id = first.pending![0]!.id;
    const resumed = await agent.resume(first.sessionId, {
      approvals: { [id]: 'allow' },
      context: { userId: 'u_2', secret: SECRET },
    }).result;
    expect(resumed.status).toBe('completed');
    const toolMessage = resumed.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content[0]).toMatchObject({ output: 'user u_2' });
    expect(JSON.stringify((await store.load(first.sessionId)).entries)).not.toContain(SECRET);
    model.assertComplete();
  });

  it('is typed by the agent: run takes only the declared context type', () => {
    const agent = createAgent<Ctx>({ provider: mockProvider([]) });
    expectTypeOf(agent.run)
      .parameter(1)
      .toEqualTypeOf<import('../../src/index.js').RunOptions<Ctx, unknown> | undefined>();
    // @ts-expect-error a context of another shape is refused
    const check = (): unknown => agent.run('x', { context: { userId: 1 } });
    expect(typeof check).toBe('function');
  });
});
