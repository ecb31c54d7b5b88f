import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tool } from '../../src/index.js';
import { bodyOf, openAiAgent } from './openai-helpers.js';

const read = tool({
  name: 'read_note',
  description: 'Read a note',
  input: z.object({ name: z.string() }),
  readOnly: true,
  execute: async ({ name }) => `note ${name}: buy milk`,
});

const twoSteps = [
  { reasoning: 'I should read the note first.', toolCalls: [{ name: 'read_note', input: { name: 'a' } }] },
  { reasoning: 'The note says milk.', text: 'Buy milk.' },
];

type Item = Record<string, unknown>;
const inputOf = (body: Record<string, unknown>) => body.input as Item[];

describe('OpenAI Responses: the reasoning of a step goes back with its tool call', () => {
  it('stored (the default): by item_reference, with the item id kept in the reasoning part', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai-responses',
      script: twoSteps,
      tools: [read],
      settings: { api: 'responses', model: 'gpt-5' },
    });
    const result = await agent.run('What does note a say?').result;
    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Buy milk.');
    const first = result.messages.find((m) => m.role === 'assistant');
    expect(first?.content[0]).toEqual({
      type: 'reasoning',
      text: 'I should read the note first.',
      providerMetadata: { openai: { itemId: 'rs_mock_1' } },
    });
    expect(bodyOf(server, 0).include).toBeUndefined();
    expect(inputOf(bodyOf(server, 1)).map((item) => item.type ?? item.role)).toEqual([
      'user',
      'item_reference',
      'function_call',
      'function_call_output',
    ]);
    expect(inputOf(bodyOf(server, 1))[1]).toEqual({ type: 'item_reference', id: 'rs_mock_1' });
  });

  it('unstored (store: false): asks for the encrypted reasoning and sends it back whole', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai-responses',
      script: twoSteps,
      tools: [read],
      settings: { api: 'responses', model: 'gpt-5', store: false },
    });
    const result = await agent.run('What does note a say?').result;
    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Buy milk.');
    for (const index of [0, 1]) {
      expect(bodyOf(server, index)).toMatchObject({ store: false, include: ['reasoning.encrypted_content'] });
    }
    expect(inputOf(bodyOf(server, 1))[1]).toEqual({
      type: 'reasoning',
      id: 'rs_mock_1',
      summary: [{ type: 'summary_text', text: 'I should read the note first.' }],
      encrypted_content: 'enc_mock_1',
    });
  });

  it('keeps each message paired with its reasoning, and its phase (GPT-5.3 and later)', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai-responses',
      script: [
        {
          reasoning: 'Read it.',
          text: 'Let me read the note.',
          toolCalls: [{ name: 'read_note', input: { name: 'a' } }],
        },
        { reasoning: 'Milk.', text: 'Buy milk.' },
        { reasoning: 'Again.', text: 'Still milk.' },
      ],
      tools: [read],
      settings: { api: 'responses', model: 'gpt-5.3-codex' },
    });
    const first = await agent.run('What does note a say?').result;
    const second = await agent.run('And now?', { sessionId: first.sessionId }).result;
    expect(server.rejections).toEqual([]);
    expect(second.text).toBe('Still milk.');
    // Stored: each message goes back by reference, right after its reasoning; the stored item keeps its phase.
    const third = inputOf(bodyOf(server, 2));
    expect(third.map((item) => item.id ?? item.type ?? item.role)).toEqual([
      'user',
      'rs_mock_1',
      'msg_mock_1',
      'function_call',
      'function_call_output',
      'rs_mock_2',
      'msg_mock_2',
      'user',
    ]);
    expect(first.messages.find((m) => m.role === 'assistant')?.content[0]).toMatchObject({
      providerMetadata: { openai: { itemId: 'rs_mock_1', messageId: 'msg_mock_1', phase: 'commentary' } },
    });
  });

  it('unstored, resends each message whole with its id and phase', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai-responses',
      script: [
        {
          reasoning: 'Read it.',
          text: 'Let me read the note.',
          toolCalls: [{ name: 'read_note', input: { name: 'a' } }],
        },
        { reasoning: 'Milk.', text: 'Buy milk.' },
      ],
      tools: [read],
      settings: { api: 'responses', model: 'gpt-5.3-codex', store: false },
    });
    await agent.run('What does note a say?').result;
    expect(server.rejections).toEqual([]);
    expect(inputOf(bodyOf(server, 1)).filter((item) => item.role === 'assistant')).toEqual([
      {
        type: 'message',
        role: 'assistant',
        id: 'msg_mock_1',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Let me read the note.', annotations: [] }],
        phase: 'commentary',
      },
    ]);
  });
});

describe('DeepSeek over Chat Completions: reasoning_content goes back', () => {
  it('keeps the streamed reasoning_content and sends it back on the assistant tool-call message', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai',
      script: twoSteps,
      tools: [read],
      settings: { model: 'deepseek-reasoner' },
    });
    const result = await agent.run('What does note a say?').result;
    expect(server.rejections).toEqual([]);
    expect(result.text).toBe('Buy milk.');
    const messages = bodyOf(server, 1).messages as Item[];
    expect(messages[1]).toMatchObject({ role: 'assistant', reasoning_content: 'I should read the note first.' });
  });

  it('is a setting: on for any compatible server, off for DeepSeek when told', async () => {
    const { agent, server } = await openAiAgent({
      wire: 'openai',
      script: twoSteps,
      tools: [read],
      settings: { model: 'kimi-k2-thinking', sendReasoningContent: true },
    });
    await agent.run('What does note a say?').result;
    expect((bodyOf(server, 1).messages as Item[])[1]?.reasoning_content).toBe('I should read the note first.');

    const off = await openAiAgent({
      wire: 'openai',
      script: twoSteps,
      tools: [read],
      settings: { model: 'deepseek-chat', sendReasoningContent: false },
    });
    await off.agent.run('What does note a say?').result;
    expect((bodyOf(off.server, 1).messages as Item[])[1]).not.toHaveProperty('reasoning_content');
  });
});
