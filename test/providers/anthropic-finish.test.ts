/**
 * Every Anthropic `stop_reason` reaches the run as a finish reason (on `turn-end` and on the result), and
 * the usage of `message_delta` (the full final usage, cache fields included) reaches the result. Through
 * `createAgent`, the official SDK and the validating mock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type RunResult } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { anthropicWire } from '../../src/testing/mock-server/anthropic.js';
import { startMockServer, type MockServer, type WireFormat } from '../../src/testing/mock-server/index.js';
import type { MockScript } from '../../src/testing/mock-step.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The Anthropic wire, with every frame passed through `edit` (to send what the scripts cannot say). */
const editedWire = (edit: (frame: string) => string): WireFormat => ({
  ...anthropicWire,
  encode: (step, context) => {
    const encoded = anthropicWire.encode(step, context);
    return { ...encoded, frames: encoded.frames.map(edit) };
  },
});

/** Runs an agent over `wire` to its end (or its failure), with every event. */
async function run(wire: WireFormat, script: MockScript): Promise<{ events: AgentEvent[]; result: RunResult }> {
  server = await startMockServer({ wire, script });
  const agent = createAgent({
    provider: anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL: server.baseURL }),
    // However the loop treats a reason (stop, continue, retry), every turn ends the same way here.
    maxTurns: 2,
  });
  const handle = agent.run('Tell me a story.');
  const events: AgentEvent[] = [];
  try {
    for await (const event of handle) events.push(event);
  } catch {
    // A run that fails still has its partial result.
  }
  const result = await handle.result.catch((error: { result: RunResult }) => error.result);
  return { events, result };
}

const turnEnds = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === 'turn-end' ? [event.finishReason] : []));

describe('Anthropic stop reasons through the agent', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['a_reason_not_known_yet', 'other'],
    ['constructor', 'other'],
  ])('maps %s to %s on turn-end and on the result', async (stopReason, finishReason) => {
    const wire = editedWire((frame) => frame.replace('"stop_reason":"end_turn"', `"stop_reason":"${stopReason}"`));
    const { events, result } = await run(wire, () => ({ text: 'Once upon a time' }));
    expect(turnEnds(events).length).toBeGreaterThan(0);
    expect(new Set(turnEnds(events))).toEqual(new Set([finishReason]));
    expect(result.finishReason).toBe(finishReason);
    expect(server!.rejections).toEqual([]);
  });

  it('takes the usage of message_delta over the early figures of message_start, cache fields included', async () => {
    // message_start may carry early figures; message_delta carries the final usage.
    const wire = editedWire((frame) =>
      frame.startsWith('event: message_start')
        ? frame
            .replace(/"input_tokens":\d+/, '"input_tokens":1')
            .replace(/"cache_read_input_tokens":\d+/, '"cache_read_input_tokens":0')
        : frame,
    );
    const { result } = await run(wire, [
      { text: 'Hi', usage: { inputTokens: 1000, outputTokens: 12, cacheReadTokens: 700, cacheWriteTokens: 200 } },
    ]);
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 12, cacheReadTokens: 700, cacheWriteTokens: 200 });
    expect(result.usage.reasoningTokens).toBeUndefined();
  });
});
