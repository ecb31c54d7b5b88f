import { describe, expect, it } from 'vitest';
import {
  AgentError,
  createAgent,
  ProviderError,
  StoreError,
  UnexpectedModelCallError,
  memoryStore,
  type SessionStore,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain, echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

describe('failures', () => {
  it('retries a retryable provider error before any output, with retry events', async () => {
    const model = mockProvider([
      { error: new ProviderError({ kind: 'rate-limit', message: 'slow down', status: 429, retryAfterMs: 5 }) },
      { error: new ProviderError({ kind: 'overloaded', message: 'overloaded', status: 529 }) },
      { text: 'finally' },
    ]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    const { events } = await drain(run);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries).toMatchObject([
      { attempt: 1, delayMs: 5, error: 'slow down' },
      { attempt: 2, error: 'overloaded' },
    ]);
    expect((await run.result).text).toBe('finally');
  });

  it('caps a server-requested delay at maxRetryDelayMs', async () => {
    const model = mockProvider(
      [{ error: new ProviderError({ kind: 'rate-limit', message: 'later', retryAfterMs: 3_600_000 }) }, { text: 'ok' }],
      { retry: { maxRetries: 1, maxRetryDelayMs: 10 } },
    );
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    const { events } = await drain(run);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 10 });
    expect((await run.result).text).toBe('ok');
  });

  it('fails with the typed error and the partial result after retries run out', async () => {
    const error = () => new ProviderError({ kind: 'server', message: 'boom', status: 500 });
    const model = mockProvider([
      { text: 'first turn', toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { error: error() },
      { error: error() },
      { error: error() },
    ]);
    const run = createAgent({ provider: model, tools: [echoTool], policy: allow }).run('hi');
    const { events, error: thrown } = await drain(run);
    await expect(run.result).rejects.toBe(thrown);
    expect(ProviderError.isInstance(thrown)).toBe(true);
    const failure = thrown as ProviderError;
    expect(failure.kind).toBe('server');
    expect(failure.result?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(failure.result?.turns).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(failure.result?.status).toBe('failed');
    // The last event says the run failed, and why, before the iterator throws.
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      result: { status: 'failed', turns: 2 },
      error: { name: 'ProviderError', code: 'PROVIDER_ERROR', message: 'boom' },
    });
    model.assertComplete();
  });

  it('does not retry a non-retryable error', async () => {
    const model = mockProvider([
      { error: new ProviderError({ kind: 'auth', message: 'bad key', status: 401 }) },
      { text: 'never' },
    ]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    await expect(run.result).rejects.toMatchObject({ kind: 'auth', retryable: false });
    expect(model.requests).toHaveLength(1);
  });

  it('does not retry once text reached the consumer', async () => {
    const model = mockProvider([
      {
        text: 'partial output that was streamed',
        error: new ProviderError({ kind: 'network', message: 'reset' }),
        errorAfterChunks: 2,
      },
      { text: 'would duplicate' },
    ]);
    const run = createAgent({ provider: model, policy: allow }).run('hi');
    const { events, error } = await drain(run);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(events.filter((e) => e.type === 'text-delta')).toHaveLength(2);
    expect(model.requests).toHaveLength(1);
  });

  it('never runs a tool call of a stream that failed', async () => {
    let ran = false;
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'x' } }], error: new Error('cut'), errorAfterChunks: 4 },
    ]);
    const tool = { ...echoTool, execute: () => ((ran = true), 'ran') };
    const run = createAgent({ provider: model, tools: [tool], policy: allow }).run('hi');
    const { events, error } = await drain(run);
    expect(AgentError.isInstance(error)).toBe(true);
    expect((error as AgentError).code).toBe('RUN_FAILED');
    expect(ran).toBe(false);
    expect(events.some((e) => e.type === 'tool-call')).toBe(false);
  });

  it('fails clearly when the mock script is exhausted', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'x' } }] }]);
    const run = createAgent({ provider: model, tools: [echoTool], policy: allow }).run('hi');
    const error = await run.result.catch((e: unknown) => e);
    expect(UnexpectedModelCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/call #2.*only 1 step/);
    expect(() => mockProvider([{ text: 'a' }, { text: 'b' }]).assertComplete()).toThrow(/2 of 2/);
  });

  it('fails with a StoreError and keeps what was stored when the store breaks', async () => {
    const inner = memoryStore();
    let appends = 0;
    const flaky: SessionStore = {
      ...inner,
      append: async (...args) => {
        if (++appends === 4) throw new StoreError('disk full');
        return inner.append(...args);
      },
    };
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { toolCalls: [{ name: 'echo', input: { text: 'b' } }] },
    ]);
    const run = createAgent({ provider: model, tools: [echoTool], policy: allow, store: flaky }).run('hi');
    const error = await run.result.catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    const { entries } = await inner.load(run.sessionId);
    expect(entries.map((e) => (e.entry.type === 'message' ? e.entry.message.role : e.entry.type))).toEqual([
      'user',
      'assistant',
      'tool',
    ]);
  });

  it('fails the run when a hook throws', async () => {
    const run = createAgent({
      provider: mockProvider([{ text: 'x' }]),
      policy: allow,
      hooks: {
        beforeModelCall: () => {
          throw new Error('hook bug');
        },
      },
    }).run('hi');
    await expect(run.result).rejects.toMatchObject({ code: 'RUN_FAILED', message: 'Run failed: hook bug' });
  });
});
