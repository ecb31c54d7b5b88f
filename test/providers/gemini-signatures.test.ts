/**
 * Gemini 3 thought signatures, kept and sent back where they came, across the steps of a turn and across
 * turns of a session, against the validating mock (which refuses a Gemini 3 step whose first function call
 * lost its signature, as Google does).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { geminiWire } from '../../src/testing/mock-server/gemini.js';
import { sseFrame } from '../../src/testing/mock-server/frames.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer, WireFormat } from '../../src/testing/mock-server/types.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { collect, fixedPolicy } from '../helpers/agent.js';
import { ask, drain } from './gemini-helpers.js';

const KEY = 'AIzaTestKey0123456789abcdefghij';
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const lookup = tool({
  name: 'lookup',
  description: 'Look a word up',
  input: z.object({ word: z.string() }),
  readOnly: true,
  execute: ({ word }) => `${word}: found`,
});

type Part = Record<string, unknown>;
type Content = { role: string; parts: Part[] };
const contentsOf = (index: number): Content[] => (server!.requests[index]?.body as { contents: Content[] }).contents;

async function agentOn(script: MockScript, model = 'gemini-3-flash-preview', wire: WireFormat = geminiWire) {
  server = await startMockServer({ wire, script });
  return createAgent({
    provider: gemini({ model, apiKey: KEY, baseURL: server.baseURL }),
    tools: [lookup],
    policy: fixedPolicy('allow'),
  });
}

/** The Gemini wire, with `extra` parts added to the chunk of every answer's function calls, or last text. */
function wireAdding(extra: (call: number) => Part, where: 'after-calls' | 'on-last-text'): WireFormat {
  return {
    ...geminiWire,
    encode(step, context) {
      const encoded = geminiWire.encode(step, context);
      const frames = [...encoded.frames];
      const terminal = frames.length - encoded.terminalFrames;
      if (where === 'after-calls' && (step.toolCalls?.length ?? 0) > 0) {
        frames.splice(
          terminal,
          0,
          sseFrame({ candidates: [{ content: { role: 'model', parts: [extra(context.call)] } }] }),
        );
      } else if (where === 'on-last-text' && step.text) {
        const last = JSON.parse(frames[terminal - 1]!.slice('data: '.length)) as {
          candidates: { content: { parts: Part[] } }[];
        };
        Object.assign(last.candidates[0]!.content.parts[0]!, extra(context.call));
        frames[terminal - 1] = sseFrame(last);
      }
      return { ...encoded, frames };
    },
  };
}

describe('gemini 3 thought signatures', () => {
  it('sends back the signature of a text answer on the empty text part it came on, in the next turn', async () => {
    const agent = await agentOn([
      { toolCalls: [{ name: 'lookup', input: { word: 'cat' } }] },
      { text: 'A cat is a pet.' },
      { text: 'You are welcome.' },
    ]);
    const first = agent.run('What is a cat?');
    await collect(first);
    const firstResult = await first.result;
    const second = agent.run('Thanks.', { sessionId: firstResult.sessionId });
    await collect(second);
    expect((await second.result).text).toBe('You are welcome.');

    expect(server!.rejections).toEqual([]);
    expect(contentsOf(2)).toEqual([
      { role: 'user', parts: [{ text: 'What is a cat?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'lookup', args: { word: 'cat' } }, thoughtSignature: 'sig_mock_1' }],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { output: 'cat: found' } } }] },
      { role: 'model', parts: [{ text: 'A cat is a pet.' }, { text: '', thoughtSignature: 'sig_mock_text_2' }] },
      { role: 'user', parts: [{ text: 'Thanks.' }] },
    ]);
    // The carrier is stored as an empty reasoning part: nothing shows in the text.
    expect(firstResult.text).toBe('A cat is a pet.');
    expect(firstResult.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'A cat is a pet.' },
        {
          type: 'reasoning',
          text: '',
          providerMetadata: { gemini: { thoughtSignature: 'sig_mock_text_2', signatureOn: 'empty-text' } },
        },
      ],
    });
  });

  it('is accepted step after step when a turn chains and fans out tool calls', async () => {
    const agent = await agentOn([
      { toolCalls: [{ name: 'lookup', input: { word: 'a' } }] },
      {
        toolCalls: [
          { name: 'lookup', input: { word: 'b' } },
          { name: 'lookup', input: { word: 'c' } },
        ],
      },
      { reasoning: 'One more.', toolCalls: [{ name: 'lookup', input: { word: 'd' } }] },
      { text: 'All found.' },
    ]);
    const run = agent.run('Look up a, b, c and d.');
    await collect(run);
    expect((await run.result).text).toBe('All found.');
    expect(server!.rejections).toEqual([]);
    const models = contentsOf(3).filter((content) => content.role === 'model');
    expect(models.map((content) => content.parts.map((part) => part.thoughtSignature ?? null))).toEqual([
      ['sig_mock_1'],
      ['sig_mock_2', null],
      ['sig_mock_3'],
    ]);
  });

  it('keeps a signature that arrives on an empty text part after the calls behind them', async () => {
    const agent = await agentOn(
      [{ toolCalls: [{ name: 'lookup', input: { word: 'cat' } }] }, { text: 'Found.' }],
      'gemini-3-pro-preview',
      wireAdding((call) => ({ text: '', thoughtSignature: `sig_tail_${call}` }), 'after-calls'),
    );
    const run = agent.run('Look up cat.');
    await collect(run);
    expect((await run.result).text).toBe('Found.');
    expect(contentsOf(1)[1]).toEqual({
      role: 'model',
      parts: [
        { functionCall: { name: 'lookup', args: { word: 'cat' } }, thoughtSignature: 'sig_mock_1' },
        { text: '', thoughtSignature: 'sig_tail_1' },
      ],
    });
    expect(server!.rejections).toEqual([]);
  });

  it('sends a signature that came on a text part with text back on that text', async () => {
    const agent = await agentOn(
      [{ text: 'Four.' }, { text: 'Five.' }],
      'gemini-3-flash-preview',
      wireAdding((call) => ({ thoughtSignature: `sig_on_text_${call}` }), 'on-last-text'),
    );
    const first = agent.run('2+2?');
    const { sessionId } = await first.result;
    await agent.run('3+2?', { sessionId }).result;
    expect(contentsOf(1)[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Four.', thoughtSignature: 'sig_on_text_1' },
        { text: '', thoughtSignature: 'sig_mock_text_1' },
      ],
    });
  });

  it('gives a current-turn call that has no signature (another model’s) the placeholder Gemini documents', async () => {
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'Done.' }, { text: 'Done.' }] });
    const history = ask('Look up cat.', {
      tools: [{ name: 'lookup', description: 'Look a word up', inputSchema: lookup.inputSchema }],
    });
    const request = {
      ...history,
      messages: [
        ...history.messages,
        {
          role: 'assistant' as const,
          content: [{ type: 'tool-call' as const, id: 'toolu_1', name: 'lookup', input: { word: 'cat' } }],
        },
        {
          role: 'tool' as const,
          content: [
            { type: 'tool-result' as const, id: 'toolu_1', name: 'lookup', output: 'cat: found', isError: false },
          ],
        },
      ],
    };
    const three = gemini({ model: 'gemini-3-pro-preview', apiKey: KEY, baseURL: server.baseURL });
    expect((await drain(three, request)).error).toBeUndefined();
    expect(contentsOf(0)[1]?.parts[0]).toMatchObject({ thoughtSignature: 'skip_thought_signature_validator' });
    // Gemini 2.5 checks no signature: nothing is added.
    const two = gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: server.baseURL });
    expect((await drain(two, request)).error).toBeUndefined();
    expect(contentsOf(1)[1]?.parts[0]).not.toHaveProperty('thoughtSignature');
    expect(server.rejections).toEqual([]);
  });
});
