import { describe, expect, it } from 'vitest';
import { BudgetExceededError, createAgent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const pricing = { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 };

describe('cost', () => {
  it('reports the cost of the run in USD from the model prices', async () => {
    const model = mockProvider(
      [
        {
          toolCalls: [{ name: 'echo', input: { text: 'a' } }],
          usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 800 },
        },
        { text: 'done', usage: { inputTokens: 1200, outputTokens: 50, cacheWriteTokens: 200 } },
      ],
      { pricing },
    );
    const result = await createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow') }).run('go')
      .result;
    const expected = (200 * 3 + 800 * 0.3 + 100 * 15 + 1000 * 3 + 200 * 3.75 + 50 * 15) / 1e6;
    expect(result.cost).toBeCloseTo(expected, 10);
  });

  it('has no cost when the model has no prices', async () => {
    const result = await createAgent({ provider: mockProvider([{ text: 'x' }]), policy: fixedPolicy('allow') }).run(
      'go',
    ).result;
    expect(result.cost).toBeUndefined();
  });

  it('stops before a model call that would pass maxCostUsd, keeping the partial result', async () => {
    const model = mockProvider(
      [
        { toolCalls: [{ name: 'echo', input: { text: 'a' } }], usage: { inputTokens: 100_000, outputTokens: 1000 } },
        { toolCalls: [{ name: 'echo', input: { text: 'b' } }], usage: { inputTokens: 101_000, outputTokens: 1000 } },
        { text: 'never reached' },
      ],
      { pricing },
    );
    // Turn 1 costs 0.315; turn 2 would cost at least 101,000 × 3 / 1e6 = 0.303 more: 0.5 cannot cover it.
    const run = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow'), maxCostUsd: 0.5 }).run(
      'go',
    );
    const error = await run.result.catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    const failure = error as BudgetExceededError;
    expect(failure.spentUsd).toBeCloseTo(0.315, 6);
    expect(failure.limitUsd).toBe(0.5);
    expect(failure.result?.turns).toBe(1);
    expect(failure.result?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(model.requests).toHaveLength(1);
  });
});
