/**
 * A failed run says it failed: its partial result has status `failed`, and a last `run-end` event carrying
 * that result and the error (as plain JSON) reaches every consumer before the iterator throws. A run that
 * has already ended cannot be iterated silently.
 */
import { describe, expect, it } from 'vitest';
import {
  AgentError,
  createAgent,
  ProviderError,
  RunStateError,
  type AgentEvent,
  type RunEndEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain, echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');
const fatal = () => new ProviderError({ kind: 'auth', message: 'bad key', status: 401 });

describe('a failed run', () => {
  it('ends with run-end (status failed, the error) for the iterator and onEvent, then throws', async () => {
    const model = mockProvider([
      { text: 'looking', toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { error: fatal() },
    ]);
    const seen: AgentEvent[] = [];
    const agent = createAgent({
      provider: model,
      tools: [echoTool],
      policy: allow,
      hooks: { onEvent: (e) => seen.push(e) },
    });
    const run = agent.run('hi');
    const { events, error } = await drain(run);

    expect(ProviderError.isInstance(error)).toBe(true);
    await expect(run.result).rejects.toBe(error);
    const failure = error as ProviderError;
    expect(failure.result).toMatchObject({ status: 'failed', turns: 2, text: 'looking' });
    expect(failure.result?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);

    const last = events.at(-1) as RunEndEvent;
    expect(last).toMatchObject({
      type: 'run-end',
      runId: run.runId,
      result: { status: 'failed', turns: 2 },
      error: { name: 'ProviderError', code: 'PROVIDER_ERROR', message: 'bad key' },
    });
    // Plain JSON, as every event: it survives a trip over the wire unchanged.
    expect(JSON.parse(JSON.stringify(last))).toEqual(last);
    expect(seen.at(-1)).toEqual(last);
    expect(seen.filter((e) => e.type === 'run-end')).toHaveLength(1);
    model.assertComplete();
  });

  it('reaches an onEvent consumer when nobody iterates', async () => {
    const seen: AgentEvent[] = [];
    const model = mockProvider([{ error: fatal() }]);
    const run = createAgent({ provider: model, policy: allow, hooks: { onEvent: (e) => seen.push(e) } }).run('hi');
    const error = await run.result.catch((e: unknown) => e);
    expect(AgentError.isInstance(error)).toBe(true);
    expect(seen.map((e) => e.type)).toEqual(['run-start', 'turn-start', 'run-end']);
    expect(seen.at(-1)).toMatchObject({ result: { status: 'failed', turns: 1 }, error: { code: 'PROVIDER_ERROR' } });
    model.assertComplete();
  });

  it('reports an error that is not an icode error as RUN_FAILED', async () => {
    const model = mockProvider([{ text: 'x' }]);
    const run = createAgent({
      provider: model,
      policy: allow,
      hooks: {
        beforeModelCall: () => {
          throw new TypeError('hook bug');
        },
      },
    }).run('hi');
    const { events, error } = await drain(run);
    expect(error).toMatchObject({ code: 'RUN_FAILED', result: { status: 'failed', turns: 1 } });
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      error: { name: 'AgentError', code: 'RUN_FAILED', message: 'Run failed: hook bug' },
    });
    // The hook failed before the model was called: its step is left, as the script says.
    expect(() => model.assertComplete()).toThrow(/1 of 1/);
  });

  it('still delivers run-end to the iterator when the onEvent hook throws on it', async () => {
    const model = mockProvider([{ error: fatal() }]);
    const run = createAgent({
      provider: model,
      policy: allow,
      hooks: {
        onEvent: (e) => {
          if (e.type === 'run-end') throw new Error('logger down');
        },
      },
    }).run('hi');
    const { events, error } = await drain(run);
    // The run's own error is reported, not the hook's.
    expect(error).toMatchObject({ kind: 'auth' });
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      result: { status: 'failed' },
      error: { message: 'bad key' },
    });
    model.assertComplete();
  });

  it('an ordinary run-end carries no error', async () => {
    const model = mockProvider([{ text: 'fine' }]);
    const { events } = await drain(createAgent({ provider: model, policy: allow }).run('hi'));
    const last = events.at(-1) as RunEndEvent;
    expect(last.result.status).toBe('completed');
    expect('error' in last).toBe(false);
    model.assertComplete();
  });
});

describe('iterating a run that has ended', () => {
  it('throws a RunStateError for a completed run instead of yielding nothing', async () => {
    const model = mockProvider([{ text: 'done' }]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    expect((await run.result).status).toBe('completed');
    const late = drain(run);
    const { events, error } = await late;
    expect(events).toEqual([]);
    expect(RunStateError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/already ended/);
    model.assertComplete();
  });

  it('throws a RunStateError for a failed run', async () => {
    const model = mockProvider([{ error: fatal() }]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    await run.result.catch(() => undefined);
    expect(() => run[Symbol.asyncIterator]()).toThrow(RunStateError);
    model.assertComplete();
  });

  it('still lets an iterator attached right after run() see every event', async () => {
    const model = mockProvider([{ text: 'done' }]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    const { events, error } = await drain(run);
    expect(error).toBeUndefined();
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    model.assertComplete();
  });
});
