/**
 * Run input in detail: the exact error for each malformed input (so a user can fix it from the message
 * alone), the forms that are accepted, and which imported tool-call ids are re-keyed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createAgent, type Message, type UserMessage } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const user = (text: string): UserMessage => ({ role: 'user', content: [{ type: 'text', text }] });
/** Longer than some providers accept: it is re-keyed. */
const LONG = 'c'.repeat(50);
const call = (id: string, name = 'echo') => ({ type: 'tool-call', id, name, input: { text: id } }) as const;
const result = (id: string, name = 'echo', extra: object = {}) => ({
  type: 'tool-result',
  id,
  name,
  output: `echo: ${id}`,
  isError: false,
  ...extra,
});
const SHAPES =
  'a string, a non-empty array of user message parts ({ type: "text", text }, images…), a user message ({ role: "user", content }), or a conversation (an array of messages)';

function refusal(input: unknown): string {
  const model = mockProvider([]);
  try {
    createAgent({ provider: model }).run(input as never);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(model.requests).toHaveLength(0);
    return (error as Error).message;
  }
  throw new Error('the input was accepted');
}

describe('run input refusals', () => {
  it.each<[string, unknown, string]>([
    ['an empty array', [], `run needs input: ${SHAPES}; got an empty array.`],
    ['a number', 7, `run needs input: ${SHAPES}.`],
    [
      'an array as a message',
      { role: 'user', content: 'hi' },
      'input message 0 must be an object { role, content: [...parts] }.',
    ],
    [
      'messages mixed with parts',
      [user('a'), { type: 'text', text: 'b' }],
      'run input mixes messages ({ role, content }) and parts ({ type }): give one user message’s parts, or a conversation of messages.',
    ],
    ['a null part', [null], 'input: part 0 must be an object with a `type`.'],
    ['an array part', [[{ type: 'text', text: 'x' }]], 'input: part 0 must be an object with a `type`.'],
    ['a part with a numeric type', [{ type: 1 }], 'input: part 0 must be an object with a `type`.'],
    [
      'a tool result among user parts',
      [{ type: 'text', text: 'a' }, result('c')],
      'input: a user message cannot hold a "tool-result" part (part 1).',
    ],
    [
      'a reasoning user part',
      [{ type: 'reasoning', text: 'hm' }],
      'input: a user message cannot hold a "reasoning" part (part 0).',
    ],
    ['a text part with a number', [{ type: 'text', text: 3 }], 'input: text part 0 needs a string `text`.'],
    [
      'a user message with no parts',
      { role: 'user', content: [] },
      'input message 0: a user message needs at least one part.',
    ],
    [
      'a message whose content is not an array',
      [user('a'), { role: 'assistant', content: 'x' }],
      'input message 1 must be an object { role, content: [...parts] }.',
    ],
    [
      'a system message',
      [{ role: 'system', content: [] }],
      'input message 0 has role "system"; roles are "user", "assistant" and "tool" (instructions go in createAgent({ instructions })).',
    ],
    [
      'an assistant text part without text',
      [user('a'), { role: 'assistant', content: [{ type: 'text' }] }, user('b')],
      'input message 1: text part 0 needs a string `text`.',
    ],
    [
      'an assistant reasoning part without text',
      [user('a'), { role: 'assistant', content: [{ type: 'reasoning', text: null }] }, user('b')],
      'input message 1: reasoning part 0 needs a string `text`.',
    ],
    [
      'an assistant part that is not an object',
      [user('a'), { role: 'assistant', content: ['hi'] }, user('b')],
      'input message 1: an assistant message holds "text", "reasoning" and "tool-call" parts, not undefined (part 0).',
    ],
    [
      'a tool call with an empty id',
      [user('a'), { role: 'assistant', content: [call('')] }],
      'input message 1: tool call 0 needs a non-empty string `id` and `name`.',
    ],
    [
      'a tool call with an empty name',
      [user('a'), { role: 'assistant', content: [call('c', '')] }],
      'input message 1: tool call 0 needs a non-empty string `id` and `name`.',
    ],
    [
      'a tool call with a numeric id',
      [user('a'), { role: 'assistant', content: [{ ...call('c'), id: 5 }] }],
      'input message 1: tool call 0 needs a non-empty string `id` and `name`.',
    ],
    [
      'a tool call with a numeric name',
      [user('a'), { role: 'assistant', content: [{ ...call('c'), name: 5 }] }],
      'input message 1: tool call 0 needs a non-empty string `id` and `name`.',
    ],
    [
      'a call id used twice in one message',
      [user('a'), { role: 'assistant', content: [call('c'), call('c')] }],
      'input message 1: tool call id "c" is used twice.',
    ],
    [
      'a result part that is not an object',
      [user('a'), { role: 'assistant', content: [call('c')] }, { role: 'tool', content: [null] }],
      'input message 2: a tool message holds only "tool-result" parts (part 0).',
    ],
    [
      'a result for another call',
      [user('a'), { role: 'assistant', content: [call('c')] }, { role: 'tool', content: [result('d')] }],
      'input message 2: the result "d" answers no open tool call of the assistant message before it.',
    ],
    [
      'a result naming another tool',
      [user('a'), { role: 'assistant', content: [call('c')] }, { role: 'tool', content: [result('c', 'read')] }],
      'input message 2: the result for "c" names tool "read", not "echo".',
    ],
    [
      'a result without output',
      [
        user('a'),
        { role: 'assistant', content: [call('c')] },
        { role: 'tool', content: [result('c', 'echo', { output: undefined })] },
      ],
      'input message 2: the result for "c" needs plain JSON `output` and a boolean `isError`.',
    ],
    [
      'a result whose output is not JSON',
      [
        user('a'),
        { role: 'assistant', content: [call('c')] },
        { role: 'tool', content: [result('c', 'echo', { output: 1n })] },
      ],
      'input message 2: the result for "c" needs plain JSON `output` and a boolean `isError`.',
    ],
    [
      'a result with a string isError',
      [
        user('a'),
        { role: 'assistant', content: [call('c')] },
        { role: 'tool', content: [result('c', 'echo', { isError: 'no' })] },
      ],
      'input message 2: the result for "c" needs plain JSON `output` and a boolean `isError`.',
    ],
    [
      'two results for one call',
      [user('a'), { role: 'assistant', content: [call('c')] }, { role: 'tool', content: [result('c'), result('c')] }],
      'input message 2: the result "c" answers no open tool call of the assistant message before it.',
    ],
    [
      'calls without results',
      [user('a'), { role: 'assistant', content: [call('c'), call('d')] }],
      'The input conversation ends with tool calls (c, d) and no results.',
    ],
    [
      'a result missing among two',
      [user('a'), { role: 'assistant', content: [call('c'), call('d')] }, { role: 'tool', content: [result('d')] }],
      'input message 2: the tool calls c have no result.',
    ],
    [
      'two results missing among three',
      [
        user('a'),
        { role: 'assistant', content: [call('c'), call('d'), call('e')] },
        { role: 'tool', content: [result('d')] },
      ],
      'input message 2: the tool calls c, e have no result.',
    ],
    [
      'a user message right after calls',
      [user('a'), { role: 'assistant', content: [call('c'), call('d')] }, user('b')],
      'input message 2 follows tool calls without their results: the calls c, d need a tool message right after the assistant message that made them.',
    ],
    [
      'results after a plain assistant message',
      [
        user('a'),
        { role: 'assistant', content: [{ type: 'text', text: 'x' }] },
        { role: 'tool', content: [result('c')] },
      ],
      'input message 2 holds tool results, but the message before it is not an assistant message with tool calls.',
    ],
    [
      'results twice after one call',
      [
        user('a'),
        { role: 'assistant', content: [call('c')] },
        { role: 'tool', content: [result('c')] },
        { role: 'tool', content: [result('c')] },
      ],
      'input message 3 holds tool results, but the message before it is not an assistant message with tool calls.',
    ],
    [
      'a conversation ending with the assistant',
      [user('a'), { role: 'assistant', content: [{ type: 'text', text: 'x' }] }],
      'The input conversation ends with an assistant message: it must end with a user message or tool results, which the model answers.',
    ],
  ])('refuses %s', (_name, input, message) => {
    expect(refusal(input)).toBe(message);
  });
});

describe('run input accepted', () => {
  it('turns a string into one user message with one text part', async () => {
    const model = mockProvider([{ text: 'Hello.' }]);
    await createAgent({ provider: model }).run('Hi there').result;
    expect(model.requests[0]!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }]);
    model.assertComplete();
  });

  it('takes an assistant message with text, reasoning and calls, and any user part type it does not know', async () => {
    const model = mockProvider([{ text: 'Fine.' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow') });
    const conversation = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'file', mediaType: 'text/plain', data: 'eA==' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'reasoning', text: 'think' }, { type: 'text', text: 'calling' }, call('c1'), call('c2')],
      },
      { role: 'tool', content: [result('c2'), result('c1')] },
    ] as unknown as Message[];
    const run = await agent.run(conversation).result;
    expect(run.status).toBe('completed');
    expect(model.requests[0]!.messages).toEqual(conversation);
    model.assertComplete();
  });

  it('re-keys ids too long for some providers, with their results, and leaves the other ids as they are', async () => {
    const model = mockProvider([{ text: 'Fine.' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow') });
    const question = user('a');
    const calls = { role: 'assistant', content: [call(LONG), call('good_1')] } as const;
    const results = { role: 'tool', content: [result('good_1'), result(LONG)] } as const;
    const follow = { role: 'assistant', content: [call('plain')] } as const;
    const followResult = { role: 'tool', content: [result('plain')] } as const;
    const conversation = [question, calls, results, follow, followResult] as unknown as Message[];
    await agent.run(conversation).result;
    const sent = model.requests[0]!.messages;
    const callIds = sent[1]!.content.map((part) => (part as { id: string }).id);
    expect(callIds[1]).toBe('good_1');
    expect(callIds[0]).not.toBe(LONG);
    expect(callIds[0]!.length).toBeLessThanOrEqual(40);
    expect(sent[2]!.content.map((part) => (part as { id: string }).id)).toEqual(['good_1', callIds[0]]);
    expect(sent[2]!.content[1]).toEqual({ ...result(LONG), id: callIds[0] });
    expect(sent[0]).toEqual(question);
    // Only the results of re-keyed calls are rewritten: no other part gains an id.
    expect(Object.keys(sent[0]!.content[0]!)).toEqual(['type', 'text']);
    expect(sent[3]).toEqual(follow);
    expect(sent[4]).toEqual(followResult);
    model.assertComplete();
  });
});
