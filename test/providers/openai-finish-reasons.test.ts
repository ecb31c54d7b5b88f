import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { AgentEvent, FinishReason } from '../../src/index.js';
import {
  openaiChatWire,
  openaiResponsesWire,
  type WireFormat,
  type WireName,
} from '../../src/testing/mock-server/index.js';
import type { MockStep } from '../../src/testing/mock-step.js';
import { collect } from '../helpers/agent.js';
import { openAiAgent, rewritingWire } from './openai-helpers.js';

type Data = Record<string, unknown>;

// Chat: the model refuses under structured outputs: `delta.refusal` instead of `delta.content`, finish "stop".
const chatRefusal = rewritingWire(openaiChatWire, (data) => {
  const choice = (data.choices as Data[] | undefined)?.[0];
  const delta = choice?.delta as Data | undefined;
  if (typeof delta?.content !== 'string' || delta.content === '') return data;
  return { ...data, choices: [{ ...choice, delta: { refusal: delta.content } }] };
});

// Responses: the message's content part is a refusal, streamed by `response.refusal.delta`.
const RENAMED: Record<string, string> = {
  'response.output_text.delta': 'response.refusal.delta',
  'response.output_text.done': 'response.refusal.done',
};
const responsesRefusal = rewritingWire(openaiResponsesWire, (data) => {
  const type = RENAMED[String(data.type)];
  if (type === undefined) return data;
  const { text, logprobs: _logprobs, ...rest } = data;
  return { ...rest, type, ...(type === 'response.refusal.done' ? { refusal: text } : {}) };
});

interface Case {
  readonly name: string;
  readonly wire: WireName | WireFormat;
  readonly step: MockStep;
  readonly expected: FinishReason;
}

const cases: Case[] = [
  { name: 'Chat length', wire: 'openai', step: { text: 'Cut sh', finishReason: 'length' }, expected: 'length' },
  {
    name: 'Chat content_filter',
    wire: 'openai',
    step: { text: 'Part', finishReason: 'content-filter' },
    expected: 'content-filter',
  },
  { name: 'Chat refusal', wire: chatRefusal, step: { text: 'I cannot help with that.' }, expected: 'content-filter' },
  {
    name: 'Responses incomplete (max_output_tokens)',
    wire: 'openai-responses',
    step: { text: 'Cut sh', finishReason: 'length' },
    expected: 'length',
  },
  {
    name: 'Responses incomplete (content_filter)',
    wire: 'openai-responses',
    step: { text: 'Part', finishReason: 'content-filter' },
    expected: 'content-filter',
  },
  {
    name: 'Responses refusal',
    wire: responsesRefusal,
    step: { text: 'I cannot help with that.' },
    expected: 'content-filter',
  },
];

const responsesWire = (wire: WireName | WireFormat): boolean =>
  wire === 'openai-responses' || (typeof wire !== 'string' && wire.name === 'openai-responses');

describe('OpenAI finish reasons reach turn-end and the run result', () => {
  it.each(cases)('$name → $expected', async ({ wire, step, expected }) => {
    const { agent, server } = await openAiAgent({
      wire,
      script: [step],
      settings: responsesWire(wire) ? { api: 'responses' } : {},
    });
    const run = agent.run('Hi');
    const { events } = await collect(run);
    const result = await run.result;
    expect(server.rejections).toEqual([]);
    const turnEnd = events.find(
      (event): event is Extract<AgentEvent, { type: 'turn-end' }> => event.type === 'turn-end',
    );
    expect(turnEnd?.finishReason).toBe(expected);
    expect(result.finishReason).toBe(expected);
    // What the model said before it stopped (or its refusal) is kept, not an empty answer.
    expect(result.text).toBe(step.text);
  });

  it('Responses failed → the run fails with a classified ProviderError', async () => {
    const { agent } = await openAiAgent({
      wire: 'openai-responses',
      script: [{ text: 'Hello' }],
      faults: [{ type: 'stream-error', kind: 'server', message: 'The model crashed.' }],
      settings: { api: 'responses', maxRetries: 0 },
    });
    const error = await agent.run('Hi').result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'server', message: expect.stringContaining('The model crashed.') });
  });
});
