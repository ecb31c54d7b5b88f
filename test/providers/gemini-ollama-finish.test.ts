/**
 * Every finish reason Gemini and Ollama send reaches the run: on the turn's `turn-end` event and on
 * `RunResult.finishReason`, through a real agent over the official SDKs and the mock wire servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/index.js';
import type { AgentEvent, FinishReason } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { sseFrame } from '../../src/testing/mock-server/frames.js';
import { geminiWire } from '../../src/testing/mock-server/gemini.js';
import { ollamaWire } from '../../src/testing/mock-server/ollama.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer, WireFormat } from '../../src/testing/mock-server/types.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The finish reason of the run's last turn, as `turn-end` and the result carry it. An `error` finish is
 * retried once by the run (the wire answers the retry the same way), so it takes two model calls.
 */
async function finishOf(wire: WireFormat, model: (url: string) => LanguageModel): Promise<FinishReason[]> {
  server = await startMockServer({ wire, script: [{ text: 'Partial answer' }, { text: 'Partial answer' }] });
  const run = createAgent({ provider: model(server.baseURL), policy: fixedPolicy('allow') }).run('Go.');
  const { events } = await collect(run);
  const result = await run.result;
  const turnEnds = events.filter((e): e is Extract<AgentEvent, { type: 'turn-end' }> => e.type === 'turn-end');
  const retried = result.finishReason === 'error';
  expect(server.requests).toHaveLength(retried ? 2 : 1);
  expect(events.filter((e) => e.type === 'retry')).toHaveLength(retried ? 1 : 0);
  return [turnEnds.at(-1)!.finishReason, result.finishReason!];
}

/** The Gemini wire, with the terminal chunk's `finishReason` replaced by `reason`. */
function geminiFinishing(reason: string): WireFormat {
  return {
    ...geminiWire,
    encode(step, context) {
      const encoded = geminiWire.encode(step, context);
      const frames = [...encoded.frames];
      const terminal = JSON.parse(frames.at(-1)!.slice('data: '.length)) as { candidates: { finishReason: string }[] };
      terminal.candidates[0]!.finishReason = reason;
      frames[frames.length - 1] = sseFrame(terminal);
      return { ...encoded, frames };
    },
  };
}

const geminiModel = (baseURL: string) =>
  gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL });

describe('gemini finish reasons reach turn-end and the result', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['BLOCKLIST', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['SPII', 'content-filter'],
    ['IMAGE_SAFETY', 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['UNEXPECTED_TOOL_CALL', 'error'],
    ['LANGUAGE', 'other'],
    ['OTHER', 'other'],
    ['FINISH_REASON_UNSPECIFIED', 'other'],
  ])('%s → %s', async (gemini, expected) => {
    expect(await finishOf(geminiFinishing(gemini), geminiModel)).toEqual([expected, expected]);
  });

  it('a prompt blocked by promptFeedback.blockReason → content-filter', async () => {
    const blocking: WireFormat = {
      ...geminiWire,
      encode: () => ({
        frames: [
          sseFrame({
            promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
            usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
          }),
        ],
        terminalFrames: 1,
      }),
    };
    expect(await finishOf(blocking, geminiModel)).toEqual(['content-filter', 'content-filter']);
  });
});

describe('ollama finish reasons reach turn-end and the result', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['unload', 'other'],
  ])('done_reason %s → %s', async (doneReason, expected) => {
    const wire: WireFormat = {
      ...ollamaWire,
      encode(step, context) {
        const encoded = ollamaWire.encode(step, context);
        const frames = [...encoded.frames];
        frames[frames.length - 1] = `${JSON.stringify({ ...JSON.parse(frames.at(-1)!), done_reason: doneReason })}\n`;
        return { ...encoded, frames };
      },
    };
    expect(await finishOf(wire, (host) => ollama({ model: 'qwen3:8b', host }))).toEqual([expected, expected]);
  });

  it('a scripted length finish goes out as done_reason length', async () => {
    server = await startMockServer({ wire: 'ollama', script: [{ text: 'Cut', finishReason: 'length' }] });
    const run = createAgent({ provider: ollama({ model: 'qwen3:8b', host: server.baseURL }) }).run('Go.');
    expect((await run.result).finishReason).toBe('length');
  });
});
