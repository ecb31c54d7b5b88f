import { describe, expect, it } from 'vitest';
import { createAgent, type LanguageModel, type ModelStreamPart } from '../../src/index.js';
import { delay, fixedPolicy } from '../helpers/agent.js';

/** A model that streams `count` deltas and counts how many it has produced. */
function counting(count: number): LanguageModel & { produced: number } {
  const model = {
    specificationVersion: 'v1' as const,
    provider: 'count',
    modelId: 'c',
    produced: 0,
    async *stream(): AsyncGenerator<ModelStreamPart> {
      for (let i = 0; i < count; i++) {
        model.produced++;
        yield { type: 'text-delta', text: 'x' };
      }
      yield { type: 'finish', reason: 'stop' };
    },
  };
  return model;
}

describe('event stream', () => {
  it('holds the run back when the consumer is slow (bounded buffer)', async () => {
    const model = counting(2000);
    const agent = createAgent({ provider: model, policy: fixedPolicy('allow'), eventBufferSize: 16 });
    const run = agent.run('go');
    const iterator = run[Symbol.asyncIterator]();
    await iterator.next();
    await delay(50);
    // The producer stopped near the buffer size instead of racing ahead.
    expect(model.produced).toBeLessThan(40);
    let received = 1;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      received++;
    }
    expect(received).toBe(2000 + 4);
    expect((await run.result).text).toHaveLength(2000);
  });

  it('runs to the end without buffering when nobody iterates', async () => {
    const model = counting(5000);
    const result = await createAgent({ provider: model, policy: fixedPolicy('allow'), eventBufferSize: 4 }).run('go')
      .result;
    expect(model.produced).toBe(5000);
    expect(result.text).toHaveLength(5000);
  });

  it('delivers every event to onEvent, also without an iterator', async () => {
    const seen: string[] = [];
    const model = counting(3);
    await createAgent({
      provider: model,
      policy: fixedPolicy('allow'),
      hooks: { onEvent: (e) => seen.push(e.type) },
    }).run('go').result;
    expect(seen).toEqual(['run-start', 'turn-start', 'text-delta', 'text-delta', 'text-delta', 'turn-end', 'run-end']);
  });
});
