import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { delay, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');

describe('abort', () => {
  it('aborts inside a model stream within 200 ms', async () => {
    const model = mockProvider([{ text: 'one two three four five six seven eight', delayMs: 1000 }]);
    const agent = createAgent({ provider: model, policy: allow });
    const run = agent.run('hi');
    await delay(20);
    const started = performance.now();
    run.abort();
    const result = await run.result;
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.status).toBe('aborted');
  });

  it('aborts a model that ignores its signal', async () => {
    const stubborn = {
      specificationVersion: 'v1' as const,
      provider: 'stubborn',
      modelId: 's',
      async *stream() {
        yield { type: 'text-delta' as const, text: 'hi' };
        await new Promise(() => undefined);
      },
    };
    const controller = new AbortController();
    const run = createAgent({ provider: stubborn, policy: allow }).run('hi', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    expect((await run.result).status).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('aborts running tools through their signal and ends aborted', async () => {
    let toolSawAbort = false;
    let started!: () => void;
    const toolStarted = new Promise<void>((resolve) => (started = resolve));
    const wait = tool({
      name: 'wait',
      description: 'waits for abort',
      input: z.object({}),
      readOnly: true,
      execute: (_i, ctx) =>
        new Promise((_, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => {
            toolSawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'wait', input: {} },
          { name: 'wait', input: {} },
        ],
      },
      { text: 'never' },
    ]);
    const agent = createAgent({ provider: model, tools: [wait], policy: allow });
    const run = agent.run('go');
    const seen: string[] = [];
    let abortedAt = Infinity;
    void toolStarted.then(() =>
      setTimeout(() => {
        abortedAt = performance.now();
        run.abort();
      }, 20),
    );
    for await (const event of run) {
      seen.push(event.type);
      if (event.type === 'tool-result') expect(event.errorCode).toBe('ABORTED');
    }
    const result = await run.result;
    expect(Number.isFinite(abortedAt)).toBe(true);
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(toolSawAbort).toBe(true);
    expect(result.status).toBe('aborted');
    expect(seen.at(-1)).toBe('run-end');
    // The aborted turn is stored with its results, so the history stays consistent.
    const { entries } = await agent.store.load(result.sessionId);
    const last = entries.at(-1)?.entry;
    expect(last?.type === 'message' && last.message.role).toBe('tool');
    expect(model.requests).toHaveLength(1);
  });

  it('ends at once when the signal is already aborted', async () => {
    const model = mockProvider([{ text: 'x' }]);
    const result = await createAgent({ provider: model, policy: allow }).run('hi', { signal: AbortSignal.abort() })
      .result;
    expect(result.status).toBe('aborted');
  });

  it('aborts the run when the consumer breaks out of the loop, leaking nothing', async () => {
    let cleaned = false;
    const bg = tool({
      name: 'bg',
      description: 'starts background work',
      input: z.object({}),
      readOnly: true,
      execute: (_i, ctx) => {
        const timer = setInterval(() => undefined, 1000);
        ctx.onRunEnd(() => {
          clearInterval(timer);
          cleaned = true;
        });
        return 'started';
      },
    });
    const model = mockProvider([
      { toolCalls: [{ name: 'bg', input: {} }] },
      { text: 'one two three four five six', delayMs: 50 },
    ]);
    const agent = createAgent({ provider: model, tools: [bg], policy: allow });
    const handlesBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const run = agent.run('go');
    for await (const event of run) if (event.type === 'text-delta') break;
    const result = await run.result;
    expect(result.status).toBe('aborted');
    expect(cleaned).toBe(true);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(handlesBefore);
  });
});
