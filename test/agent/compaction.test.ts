import { describe, expect, it } from 'vitest';
import {
  createAgent,
  memoryStore,
  pruneToolOutputs,
  PRUNED_OUTPUT,
  type CompactionEvent,
  type ModelRequest,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, echoTool, fixedPolicy } from '../helpers/agent.js';

const SUMMARY = 'Goal: echo three times. Done: echoed a and b.';

/** A model that makes three echo calls with growing usage, answers summary requests, then finishes. */
function scripted() {
  let turn = 0;
  return mockProvider(
    (request: ModelRequest) => {
      if (request.toolChoice === 'none') return { text: SUMMARY, usage: { inputTokens: 300, outputTokens: 20 } };
      turn++;
      if (turn <= 3)
        return {
          toolCalls: [{ name: 'echo', input: { text: 'x'.repeat(200) + turn } }],
          usage: { inputTokens: 250 * turn, outputTokens: 30 },
        };
      return { text: 'all done', usage: { inputTokens: 200, outputTokens: 5 } };
    },
    { contextWindow: 1000 },
  );
}

describe('compaction', () => {
  it('summarises older turns with the model near the window, keeps the recent turn, and stores a boundary', async () => {
    const model = scripted();
    const store = memoryStore();
    const agent = createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      store,
      compaction: { threshold: 0.7, keepRecentTurns: 1 },
    });
    const run = agent.run('echo three times');
    const { events } = await collect(run);
    const compactions = events.filter((e): e is CompactionEvent => e.type === 'compaction');
    expect(compactions).toHaveLength(1);
    expect(compactions[0]).toMatchObject({ strategy: 'summarize' });
    expect(compactions[0]!.tokensAfter).toBeLessThan(compactions[0]!.tokensBefore);

    // The call after compaction sees the summary, then the last turn verbatim (call and result paired).
    const summaryCall = model.requests.findIndex((r) => r.toolChoice === 'none');
    const next = model.requests[summaryCall + 1]!;
    expect(next.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(next.messages[0]!.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining(SUMMARY) });
    expect(next.messages[1]!.content[0]).toMatchObject({ type: 'tool-call', input: { text: 'x'.repeat(200) + 3 } });

    // The full history stays in the store, behind a compaction boundary; the summary call counts in usage.
    const result = await run.result;
    const { entries } = await store.load(result.sessionId);
    expect(entries.filter((e) => e.entry.type === 'message')).toHaveLength(8);
    expect(entries.find((e) => e.entry.type === 'compaction')?.entry).toMatchObject({
      strategy: 'summarize',
      mode: 'summary',
      summary: SUMMARY,
    });
    expect(result.usage.inputTokens).toBe(250 + 500 + 750 + 300 + 200);

    // A later run over the same session sees the compacted view, not the full history.
    const follow = mockProvider([{ text: 'still here' }]);
    await createAgent({ provider: follow, policy: fixedPolicy('allow'), store, compaction: false }).run(
      'anything else?',
      { sessionId: result.sessionId },
    ).result;
    expect(follow.requests[0]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
  });

  it('prunes old tool outputs without a model call', async () => {
    const model = scripted();
    const agent = createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      compaction: { strategy: pruneToolOutputs(), threshold: 0.7, keepRecentTurns: 1 },
    });
    const run = agent.run('go');
    const { events } = await collect(run);
    expect(events.filter((e) => e.type === 'compaction')).toMatchObject([{ strategy: 'prune-tool-outputs' }]);
    expect(model.requests.some((r) => r.toolChoice === 'none')).toBe(false);
    const last = model.requests.at(-1)!;
    const outputs = last.messages
      .filter((m) => m.role === 'tool')
      .map((m) => (m.content[0] as { output: unknown }).output);
    expect(outputs.slice(0, -1).every((o) => o === PRUNED_OUTPUT)).toBe(true);
    expect(outputs.at(-1)).toMatch(/^echo: x+3$/);
  });

  it('does not compact without a known context window, or when turned off', async () => {
    const noWindow = mockProvider([{ text: 'hi', usage: { inputTokens: 10_000_000, outputTokens: 1 } }]);
    await createAgent({ provider: noWindow, policy: fixedPolicy('allow') }).run('x').result;
    const model = scripted();
    const run = createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      compaction: false,
    }).run('x');
    const { events } = await collect(run);
    expect(events.some((e) => e.type === 'compaction')).toBe(false);
  });

  it('refuses a threshold outside (0, 1]', () => {
    expect(() => createAgent({ provider: scripted(), compaction: { threshold: 1.5 } })).toThrow(/threshold/);
  });
});
