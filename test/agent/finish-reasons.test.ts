/**
 * What the loop does with each finish reason. A cut or refused answer must not look like a clean
 * completion: `length` with text only, `content-filter`, `other`, and `error` after one retry end the run
 * `incomplete`; `length` with complete tool calls runs them and goes on.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type AgentEvent, type RunResult } from '../../src/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { collect, echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

async function play(
  steps: MockStep[],
): Promise<{ result: RunResult; events: AgentEvent[]; model: ReturnType<typeof mockProvider>; ran: string[] }> {
  const ran: string[] = [];
  const echo = tool({
    name: 'echo',
    description: 'Echo the text back',
    input: z.object({ text: z.string() }),
    execute: ({ text }) => (ran.push(text), `echo: ${text}`),
  });
  const model = mockProvider(steps);
  const run = createAgent({ provider: model, tools: [echo], policy: allow }).run('go');
  const { events } = await collect(run);
  const result = await run.result;
  model.assertComplete();
  return { result, events, model, ran };
}

const turnEnds = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'turn-end' ? [e.finishReason] : []));

describe('finish reasons', () => {
  it('stop: completed', async () => {
    const { result, events } = await play([{ text: 'All done.', finishReason: 'stop' }]);
    expect(result).toMatchObject({ status: 'completed', finishReason: 'stop', text: 'All done.' });
    expect(turnEnds(events)).toEqual(['stop']);
  });

  it('tool-calls: runs them and goes on; stop with calls does the same', async () => {
    const { result, ran, events } = await play([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }], finishReason: 'tool-calls' },
      { toolCalls: [{ name: 'echo', input: { text: 'b' } }], finishReason: 'stop' },
      { text: 'done' },
    ]);
    expect(ran).toEqual(['a', 'b']);
    expect(result).toMatchObject({ status: 'completed', finishReason: 'stop', turns: 3 });
    expect(turnEnds(events)).toEqual(['tool-calls', 'stop', 'stop']);
  });

  it('length with complete tool calls: runs them, answers a cut one with an error, and goes on', async () => {
    const { result, ran, model, events } = await play([
      {
        text: 'Let me check.',
        toolCalls: [
          { name: 'echo', input: { text: 'whole' } },
          // The arguments of the last call were cut by the output limit: not JSON.
          { name: 'echo', input: '{"text": "cut sh' },
        ],
        finishReason: 'length',
      },
      { text: 'Finished.' },
    ]);
    expect(ran).toEqual(['whole']);
    expect(result).toMatchObject({ status: 'completed', text: 'Finished.', finishReason: 'stop' });
    expect(turnEnds(events)).toEqual(['length', 'stop']);
    const answers = model.requests[1]!.messages.at(-1)!.content as readonly { output: string; isError: boolean }[];
    expect(answers[0]).toMatchObject({ output: 'echo: whole', isError: false });
    expect(answers[1]!.isError).toBe(true);
    expect(answers[1]!.output).toMatch(/not valid JSON.*\{"text": "cut sh/);
  });

  it('length with text only: incomplete, the cut text kept', async () => {
    const { result, events } = await play([{ text: 'The answer is forty', finishReason: 'length' }]);
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'length', text: 'The answer is forty' });
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { status: 'incomplete' } });
  });

  it('length after tool turns: incomplete', async () => {
    const { result, ran } = await play([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { text: 'Summary: the file', finishReason: 'length' },
    ]);
    expect(ran).toEqual(['a']);
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'length', turns: 2 });
  });

  it('content-filter: incomplete, also with empty text', async () => {
    const { result } = await play([{ finishReason: 'content-filter' }]);
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'content-filter', text: '' });
  });

  it('content-filter with tool calls: they are not run, and are answered so the session stays whole', async () => {
    const { result, ran, events } = await play([
      { toolCalls: [{ name: 'echo', input: { text: 'blocked' } }], finishReason: 'content-filter' },
    ]);
    expect(ran).toEqual([]);
    expect(result.status).toBe('incomplete');
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({
      isError: true,
      errorCode: 'ABORTED',
      output: expect.stringMatching(/finish reason "content-filter"/),
    });
  });

  it('other: incomplete', async () => {
    const { result } = await play([{ text: 'paused here', finishReason: 'other' }]);
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'other' });
  });

  it('error: the turn is tried once more, and its output is not kept', async () => {
    const { result, events, model, ran } = await play([
      { text: 'broken call', finishReason: 'error', usage: { inputTokens: 10, outputTokens: 3 } },
      { toolCalls: [{ name: 'echo', input: { text: 'ok' } }], usage: { inputTokens: 10, outputTokens: 5 } },
      { text: 'done', usage: { inputTokens: 20, outputTokens: 1 } },
    ]);
    expect(ran).toEqual(['ok']);
    expect(result).toMatchObject({ status: 'completed', text: 'done', turns: 2 });
    // The retried call saw the same history: the failed attempt was not stored.
    expect(model.requests[1]!.messages).toEqual(model.requests[0]!.messages);
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(JSON.stringify(result.messages)).not.toMatch(/broken call/);
    const retry = events.filter((e) => e.type === 'retry');
    expect(retry).toMatchObject([{ attempt: 1, delayMs: 0, error: expect.stringMatching(/finish reason "error"/) }]);
    // Both attempts were billed: their usage counts.
    expect(result.usage).toMatchObject({ inputTokens: 40, outputTokens: 9 });
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ usage: { inputTokens: 20, outputTokens: 8 } });
    // The discarded attempt announced no tool call.
    expect(events.filter((e) => e.type === 'tool-call')).toHaveLength(1);
  });

  it('error twice: incomplete after one retry', async () => {
    const { result, events, ran } = await play([
      { toolCalls: [{ name: 'echo', input: { text: 'malformed' } }], finishReason: 'error' },
      { toolCalls: [{ name: 'echo', input: { text: 'malformed again' } }], finishReason: 'error' },
    ]);
    expect(ran).toEqual([]);
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'error', turns: 1 });
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    // Only the kept attempt's call is announced and stored, with its not-run answer.
    expect(events.filter((e) => e.type === 'tool-call')).toMatchObject([{ input: { text: 'malformed again' } }]);
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('an incomplete run leaves the session ready for the next input', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'x' } }], finishReason: 'content-filter' },
      { text: 'Sure.' },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const first = await agent.run('go').result;
    expect(first.status).toBe('incomplete');
    const second = await agent.run('try again', { sessionId: first.sessionId }).result;
    expect(second.status).toBe('completed');
    expect(model.requests[1]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    model.assertComplete();
  });
});
