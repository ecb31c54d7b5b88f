/**
 * A model's output per turn is capped (`maxTurnOutputChars`): a stream without end (text, reasoning, tool
 * arguments, or complete tool calls) is stopped at the cap, the turn ends with `finishReason: 'length'`
 * and the run says so, instead of growing until the process runs out of memory. Custom models (any
 * object of the LanguageModel shape) and the real Anthropic adapter against the mock wire server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  tool,
  type AgentEvent,
  type LanguageModel,
  type ModelStreamPart,
} from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const echo = tool({
  name: 'echo',
  description: 'Echo',
  input: z.object({ text: z.string() }),
  readOnly: true,
  execute: ({ text }) => text.length,
});

/** A model whose first turn is `endless` (stopped only by its consumer) and whose next turns answer 'ok'. */
function endlessModel(endless: () => Generator<ModelStreamPart>): LanguageModel & { stopped: boolean } {
  let call = 0;
  const model = {
    specificationVersion: 'v1' as const,
    provider: 'custom',
    modelId: 'endless',
    stopped: false,
    async *stream(): AsyncGenerator<ModelStreamPart> {
      if (call++ > 0) {
        yield { type: 'text-delta', text: 'ok' };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      try {
        yield* endless();
      } finally {
        model.stopped = true;
      }
    },
  };
  return model;
}

async function drain(run: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('the per-turn output cap', () => {
  it('cuts an endless text at the cap: finish reason length, the text kept up to it', async () => {
    const model = endlessModel(function* () {
      for (;;) yield { type: 'text-delta', text: 'x'.repeat(999) };
    });
    const run = createAgent({ provider: model, maxTurnOutputChars: 50_000 }).run('talk');
    const events = await drain(run);
    const result = await run.result;
    expect(result.status).toBe('incomplete');
    expect(result.finishReason).toBe('length');
    expect(result.text.length).toBe(50_000);
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ finishReason: 'length' });
    const streamed = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(streamed.length).toBe(50_000);
    expect(model.stopped).toBe(true);
  });

  it('cuts endless reasoning and endless tool arguments the same way', async () => {
    const reasoning = endlessModel(function* () {
      for (;;) yield { type: 'reasoning-delta', text: 'hmm ' };
    });
    const r1 = await createAgent({ provider: reasoning, maxTurnOutputChars: 10_000 }).run('think').result;
    expect(r1.finishReason).toBe('length');
    expect(reasoning.stopped).toBe(true);

    const args = endlessModel(function* () {
      yield { type: 'tool-call-start', id: 'c1', name: 'echo' };
      yield { type: 'tool-call-delta', id: 'c1', inputDelta: '{"text":"' };
      for (;;) yield { type: 'tool-call-delta', id: 'c1', inputDelta: 'y'.repeat(500) };
    });
    const run = createAgent({ provider: args, tools: [echo], maxTurnOutputChars: 10_000 }).run('call');
    const events = await drain(run);
    const result = await run.result;
    // The cut call never completed: it is dropped, and the turn ends without tool calls: a cut answer.
    expect(result.finishReason).toBe('length');
    expect(result.status).toBe('incomplete');
    expect(events.some((e) => e.type === 'tool-call')).toBe(false);
    expect(args.stopped).toBe(true);
  });

  it('cuts an endless stream of empty parts', async () => {
    const model = endlessModel(function* () {
      for (;;) {
        yield { type: 'text-delta', text: '' };
        yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } };
      }
    });
    const result = await createAgent({ provider: model, maxTurnOutputChars: 20_000 }).run('nothing').result;
    expect(result).toMatchObject({ status: 'incomplete', finishReason: 'length', text: '' });
    expect(model.stopped).toBe(true);
  });

  it('cuts an endless run of complete tool calls: those within the cap run, the run goes on', async () => {
    const model = endlessModel(function* () {
      for (let i = 0; ; i++) yield { type: 'tool-call', id: `c${i}`, name: 'echo', input: { text: 'z'.repeat(100) } };
    });
    const run = createAgent({
      provider: model,
      tools: [echo],
      policy: { mode: 'read-only' },
      maxTurnOutputChars: 5_000,
    }).run('call');
    const events = await drain(run);
    const result = await run.result;
    expect(events.find((e) => e.type === 'turn-end')).toMatchObject({ finishReason: 'length' });
    const results = events.filter((e) => e.type === 'tool-result');
    expect(results.length).toBeGreaterThan(10);
    expect(results.length).toBeLessThanOrEqual(50);
    expect(result.status).toBe('completed');
    expect(result.text).toBe('ok');
    expect(model.stopped).toBe(true);
  });

  it('stops the real Anthropic adapter mid-stream at the cap', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'word '.repeat(20_000) }] });
    const agent = createAgent({
      provider: anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL: server.baseURL }),
      maxTurnOutputChars: 2_000,
    });
    const result = await agent.run('talk').result;
    expect(result.finishReason).toBe('length');
    expect(result.text.length).toBe(2_000);
  });

  it('leaves a normal turn alone and refuses a cap that is not a positive integer', async () => {
    const model = endlessModel(function* () {
      yield { type: 'text-delta', text: 'short' };
      yield { type: 'finish', reason: 'stop' };
    });
    const result = await createAgent({ provider: model }).run('hi').result;
    expect(result).toMatchObject({ text: 'short', finishReason: 'stop' });
    expect(() => createAgent({ provider: model, maxTurnOutputChars: 0 })).toThrow(ConfigError);
  });
});
