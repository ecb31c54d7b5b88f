import { describe, expect, it } from 'vitest';
import { createAgent, type LanguageModel, type ModelStreamPart } from '../../src/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * The heap after collection, once pending callbacks have run and been collected too: one `gc()` right
 * after a turn can still see that turn's promises, which on a loaded machine makes single samples noisy.
 */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** A model that calls `echo` for `turns` turns, then answers; it keeps nothing (unlike the recording mock). */
function looping(turns: number): LanguageModel {
  let call = 0;
  return {
    specificationVersion: 'v1',
    provider: 'loop',
    modelId: 'loop',
    async *stream(): AsyncGenerator<ModelStreamPart> {
      call++;
      if (call <= turns) yield { type: 'tool-call', id: `c${call}`, name: 'echo', input: { text: `turn ${call}` } };
      else yield { type: 'text-delta', text: 'done' };
      yield { type: 'usage', usage: { inputTokens: 10, outputTokens: 2 } };
      yield { type: 'finish', reason: call <= turns ? 'tool-calls' : 'stop' };
    },
  };
}

describe('long runs', () => {
  it.runIf(gc)('keeps memory flat over a 1,000-turn run', async () => {
    const turns = 1000;
    const agent = createAgent({
      provider: looping(turns),
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      maxTurns: turns + 1,
    });
    // A short run first loads what every run needs once (the default sandbox and its modules), so the
    // baseline measures what runs keep, not code loaded on first use.
    await createAgent({ provider: looping(1), tools: [echoTool], policy: fixedPolicy('allow') }).run('warm').result;
    const baseline = await settledHeap();
    const samples: number[] = [];
    // In a function of its own so that nothing of the run stays referenced from this scope.
    const { sessionId, turnsRun } = await (async () => {
      const run = agent.run('go');
      for await (const event of run) {
        if (event.type === 'turn-end' && event.turn % 250 === 0) samples.push((await settledHeap()) - baseline);
      }
      const result = await run.result;
      return { sessionId: result.sessionId, turnsRun: result.turns };
    })();
    expect(turnsRun).toBe(turns + 1);
    // Growth per 250 turns is the history itself (it lives in the session store, as it must), about 1 KB a
    // turn, and it does not rise from quarter to quarter: linear, nothing accumulating per turn on top. The
    // first quarter also carries one-off allocations (compiled code for this run's closures), so it is left out.
    const quarters = samples.map((s, i) => s - (samples[i - 1] ?? 0)).slice(1);
    expect(quarters).toHaveLength(3);
    for (const quarter of quarters) expect(quarter).toBeLessThan(1024 * 1024);
    expect(quarters[2]!).toBeLessThan(2 * Math.max(quarters[0]!, 0) + 384 * 1024);
    expect(samples.at(-1)!).toBeLessThan(turns * 2048 + 2 * 1024 * 1024);
    // Dropping the session and the run gives the memory back: nothing is retained by the agent itself.
    await agent.store.delete(sessionId);
    expect((await settledHeap()) - baseline).toBeLessThan(2 * 1024 * 1024);
  });
});
