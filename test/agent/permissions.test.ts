import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, memoryStore, RunStateError, tool, type ApprovalAnswer, type Policy } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, echoTool, fixedPolicy } from '../helpers/agent.js';

/** A tool that is not read-only: the repeated-call guard watches it. */
const noteTool = tool({
  name: 'note',
  description: 'Write a note',
  input: z.object({ text: z.string() }),
  execute: ({ text }) => `noted: ${text}`,
});

function twoCalls() {
  return [
    {
      toolCalls: [
        { name: 'echo', input: { text: 'first' }, id: 'a' },
        { name: 'echo', input: { text: 'second' }, id: 'b' },
      ],
    },
    { text: 'finished' },
  ];
}

describe('permissions in the loop', () => {
  it('turns a deny into an error result naming the rule, and the run goes on', async () => {
    const policy: Policy = { decide: async () => ({ decision: 'deny', reason: 'echo is off limits', rule: 'Echo' }) };
    const model = mockProvider(twoCalls());
    const run = createAgent({ provider: model, tools: [echoTool], policy }).run('go');
    const { events } = await collect(run);
    expect(events.filter((e) => e.type === 'permission-decision')).toMatchObject([
      { id: 'a', decision: 'deny', source: 'rule', rule: 'Echo' },
      { id: 'b', decision: 'deny', source: 'rule', rule: 'Echo' },
    ]);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({
      errorCode: 'PERMISSION_DENIED',
      isError: true,
    });
    expect(
      String(
        model.requests[1]?.messages.at(-1)?.content[0] &&
          (model.requests[1]!.messages.at(-1)!.content[0] as { output: string }).output,
      ),
    ).toMatch(/echo is off limits \(rule Echo\)/);
    expect((await run.result).status).toBe('completed');
  });

  it('asks the approver: allow, deny, deny with feedback', async () => {
    const answers: Record<string, ApprovalAnswer> = {
      a: 'allow',
      b: { decision: 'deny', feedback: 'use the other file' },
    };
    const asked: string[] = [];
    const policy = fixedPolicy('ask', { approve: (request) => (asked.push(request.id), answers[request.id]!) });
    const model = mockProvider(twoCalls());
    const run = createAgent({ provider: model, tools: [echoTool], policy }).run('go');
    const { events } = await collect(run);
    expect(asked.sort()).toEqual(['a', 'b']);
    expect(
      events.filter((e) => e.type === 'permission-request').map((e) => e.type === 'permission-request' && e.reason),
    ).toEqual(['fixed ask', 'fixed ask']);
    expect(events.filter((e) => e.type === 'permission-decision')).toMatchObject([
      { id: 'a', decision: 'allow', source: 'approver' },
      { id: 'b', decision: 'deny', source: 'approver' },
    ]);
    expect(model.requests[1]?.messages.at(-1)?.content).toMatchObject([
      { id: 'a', output: 'echo: first', isError: false },
      { id: 'b', output: 'The user denied this echo call and said: use the other file', isError: true },
    ]);
  });

  it('"allow always" adds the suggested rule to the policy', async () => {
    const added: string[] = [];
    const policy = fixedPolicy('ask', { approve: () => 'allow-always', allowAlways: (rule) => void added.push(rule) });
    await createAgent({ provider: mockProvider(twoCalls()), tools: [echoTool], policy }).run('go').result;
    expect(added).toEqual(['Echo', 'Echo']);
  });

  it('pauses without an approver and resumes in a fresh agent over the same store', async () => {
    const store = memoryStore();
    const paused = await createAgent({
      provider: mockProvider([twoCalls()[0]!]),
      tools: [echoTool],
      policy: fixedPolicy('ask'),
      store,
    }).run('go').result;
    expect(paused.status).toBe('paused');
    expect(paused.pending).toMatchObject([
      { id: 'a', name: 'echo', input: { text: 'first' }, reason: 'fixed ask', suggestedRule: 'Echo' },
      { id: 'b', name: 'echo', input: { text: 'second' } },
    ]);
    const { entries } = await store.load(paused.sessionId);
    expect(entries.at(-1)?.entry.type).toBe('pending-approvals');

    // A different agent object (as in another process) continues from what the store holds.
    const model = mockProvider([{ text: 'finished' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('ask'), store });
    await expect(agent.resume(paused.sessionId, { approvals: { a: 'allow' } }).result).rejects.toThrow(RunStateError);
    const resumed = agent.resume(paused.sessionId, { approvals: { a: 'allow', b: 'deny' } });
    const { events } = await collect(resumed);
    const result = await resumed.result;
    expect(result.status).toBe('completed');
    expect(result.text).toBe('finished');
    // Calls of one resume are decided concurrently: compare by id, not by order.
    const decided = Object.fromEntries(
      events.flatMap((e) => (e.type === 'permission-decision' ? [[e.id, e.decision]] : [])),
    );
    expect(decided).toEqual({ a: 'allow', b: 'deny' });
    const history = model.requests[0]!.messages;
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(history[2]?.content).toMatchObject([
      { id: 'a', output: 'echo: first', isError: false },
      { id: 'b', isError: true },
    ]);
    await expect(agent.resume(paused.sessionId, { approvals: {} }).result).rejects.toThrow(/nothing to resume/);
  });

  it('answers pending calls as not run when new input arrives instead of a decision', async () => {
    const store = memoryStore();
    const paused = await createAgent({
      provider: mockProvider([twoCalls()[0]!]),
      tools: [echoTool],
      policy: fixedPolicy('ask'),
      store,
    }).run('go').result;
    const model = mockProvider([{ text: 'ok, something else' }]);
    await createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('ask'), store }).run('never mind', {
      sessionId: paused.sessionId,
    }).result;
    const history = model.requests[0]!.messages;
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(history[2]?.content).toMatchObject([
      { id: 'a', isError: true },
      { id: 'b', isError: true },
    ]);
  });

  it('closes tool calls left without results by a crash before going on', async () => {
    const store = memoryStore();
    const session = await store.create();
    await store.append(
      session.id,
      [
        { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'go' }] }, turn: 0 },
        {
          type: 'message',
          message: { role: 'assistant', content: [{ type: 'tool-call', id: 'x', name: 'echo', input: { text: 'a' } }] },
          turn: 1,
        },
      ],
      { expectedVersion: 0 },
    );
    const model = mockProvider([{ text: 'continuing' }]);
    await createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow'), store }).run('continue', {
      sessionId: session.id,
    }).result;
    const history = model.requests[0]!.messages;
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(history[2]?.content[0]).toMatchObject({ id: 'x', isError: true });
  });

  it('refuses the third identical call in a row when nobody can approve it', async () => {
    const same = { name: 'note', input: { text: 'again' } };
    const model = mockProvider([
      { toolCalls: [same] },
      { toolCalls: [same] },
      { toolCalls: [same] },
      { text: 'changed approach' },
    ]);
    const run = createAgent({ provider: model, tools: [noteTool], policy: fixedPolicy('allow') }).run('go');
    const { events } = await collect(run);
    const outcomes = events.flatMap((e) => (e.type === 'tool-result' ? [e.errorCode ?? 'ok'] : []));
    expect(outcomes).toEqual(['ok', 'ok', 'PERMISSION_DENIED']);
    // The guard says it decided, not the mode.
    expect(events.filter((e) => e.type === 'permission-decision')).toMatchObject([
      { decision: 'deny', source: 'repeat-guard' },
    ]);
    expect(
      String(
        model.requests[3]?.messages.at(-1)?.content[0] &&
          (model.requests[3]!.messages.at(-1)!.content[0] as { output: string }).output,
      ),
    ).toMatch(/change your approach/);
    model.assertComplete();
  });

  it('asks the approver about the third identical call when there is one', async () => {
    const same = { name: 'note', input: { text: 'again' } };
    const asked: string[] = [];
    const policy = fixedPolicy('allow', { approve: (request) => (asked.push(request.reason), 'allow') });
    const model = mockProvider([{ toolCalls: [same] }, { toolCalls: [same] }, { toolCalls: [same] }, { text: 'done' }]);
    await createAgent({ provider: model, tools: [noteTool], policy }).run('go').result;
    expect(asked).toEqual(['This exact note call was made in 3 turns in a row.']);
    model.assertComplete();
  });
});
