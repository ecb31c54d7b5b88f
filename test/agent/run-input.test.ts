import { describe, expect, it } from 'vitest';
import { ConfigError, createAgent, memoryStore, type Message, type UserMessage } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

const allow = fixedPolicy('allow');
const user = (text: string): UserMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/58BAwAI/AL+hc2rNAAAAABJRU5ErkJggg==';

/** A conversation held by another system: a question, a tool call and its result, and a follow-up. */
const imported: Message[] = [
  user('Echo hi, please.'),
  { role: 'assistant', content: [{ type: 'tool-call', id: 'call_a', name: 'echo', input: { text: 'hi' } }] },
  { role: 'tool', content: [{ type: 'tool-result', id: 'call_a', name: 'echo', output: 'echo: hi', isError: false }] },
  { role: 'assistant', content: [{ type: 'text', text: 'It said "echo: hi".' }] },
  user('And what did I ask first?'),
];

describe('run input', () => {
  it('takes parts with an image, and a user message', async () => {
    const model = mockProvider([{ text: 'A pixel.' }, { text: 'Hello.' }]);
    const agent = createAgent({ provider: model });
    const parts = [
      { type: 'text', text: 'What is this?' },
      { type: 'image', mediaType: 'image/png', data: PNG },
    ] as const;
    const first = await agent.run(parts).result;
    expect(first.messages[0]).toEqual({ role: 'user', content: parts });
    const second = await agent.run(user('Hi')).result;
    expect(second.messages[0]).toEqual(user('Hi'));
    expect(model.requests[1]?.messages).toEqual([user('Hi')]);
    model.assertComplete();
  });

  it('imports a conversation: the model sees it, the session stores it, and a later run continues it', async () => {
    const model = mockProvider([{ text: 'You asked me to echo hi.' }, { text: 'Yes.' }]);
    const store = memoryStore();
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow, store });
    const result = await agent.run(imported).result;
    expect(result.status).toBe('completed');
    expect(model.requests[0]?.messages).toEqual(imported);
    expect(result.messages.slice(0, imported.length)).toEqual(imported);

    const stored = (await store.load(result.sessionId)).entries.map((e) => e.entry);
    expect(stored.filter((e) => e.type === 'message').map((e) => e.type === 'message' && e.message)).toEqual([
      ...imported,
      result.messages.at(-1),
    ]);
    // The imported messages are one session turn: the input of the turn the model then played.
    expect(new Set(stored.slice(0, imported.length).map((e) => e.type === 'message' && e.turn))).toEqual(new Set([1]));

    await agent.run('Sure?', { sessionId: result.sessionId }).result;
    expect(model.requests[1]?.messages.slice(0, imported.length)).toEqual(imported);
    model.assertComplete();
  });

  it('imports a conversation ending in tool results: the model answers them', async () => {
    const model = mockProvider([{ text: 'The echo said hi.' }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const result = await agent.run(imported.slice(0, 3)).result;
    expect(result.text).toBe('The echo said hi.');
    expect(model.requests[0]?.messages.at(-1)?.role).toBe('tool');
    model.assertComplete();
  });

  it('re-keys imported tool-call ids the session already holds, with their results', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'one' }, id: 'call_a' }] },
      { text: 'First done.' },
      { text: 'Second done.' },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow });
    const first = await agent.run('Echo one').result;
    await agent.run(imported, { sessionId: first.sessionId }).result;
    const sent = model.requests[2]!.messages;
    const calls = sent.flatMap((m) => m.content.filter((p) => p.type === 'tool-call').map((p) => p.id));
    const results = sent.flatMap((m) => m.content.filter((p) => p.type === 'tool-result').map((p) => p.id));
    expect(calls).toEqual(['call_a', 'call_a_2']);
    expect(results).toEqual(calls);
    model.assertComplete();
  });

  const bad: [string, unknown, RegExp][] = [
    ['an empty array', [], /empty array/],
    ['a number', 42, /run needs input/],
    ['null', null, /run needs input/],
    ['an assistant message alone', { role: 'assistant', content: [] }, /run needs input/],
    ['messages mixed with parts', [user('a'), { type: 'text', text: 'b' }], /mixes messages/],
    ['a part without a type', [{ text: 'x' }], /part 0 must be an object with a `type`/],
    ['a text part without text', [{ type: 'text' }], /needs a string `text`/],
    [
      'a tool call in user parts',
      [{ type: 'tool-call', id: 'c', name: 'echo', input: {} }],
      /cannot hold a "tool-call"/,
    ],
    ['a user message with no parts', [{ role: 'user', content: [] }], /at least one part/],
    ['an unknown role', [{ role: 'system', content: [{ type: 'text', text: 'x' }] }], /role "system"/],
    ['a message without content', [{ role: 'user' }], /must be an object \{ role, content/],
    ['a conversation ending with the assistant', imported.slice(0, 4), /ends with an assistant message/],
    ['calls left without results', imported.slice(0, 2), /ends with tool calls \(call_a\) and no results/],
    [
      'a user message between a call and its result',
      [imported[0], imported[1], user('x'), imported[2]],
      /need a tool message right after/,
    ],
    ['results with no call before them', [user('x'), imported[2]], /not an assistant message with tool calls/],
    [
      'a result for another call',
      [
        imported[0],
        imported[1],
        { role: 'tool', content: [{ type: 'tool-result', id: 'call_z', name: 'echo', output: '', isError: false }] },
      ],
      /answers no open tool call/,
    ],
    [
      'a result naming another tool',
      [
        imported[0],
        imported[1],
        { role: 'tool', content: [{ type: 'tool-result', id: 'call_a', name: 'read', output: '', isError: false }] },
      ],
      /names tool "read", not "echo"/,
    ],
    [
      'a result without isError',
      [
        imported[0],
        imported[1],
        { role: 'tool', content: [{ type: 'tool-result', id: 'call_a', name: 'echo', output: '' }] },
      ],
      /boolean `isError`/,
    ],
    [
      'one result for two calls',
      [
        imported[0],
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'c1', name: 'echo', input: {} },
            { type: 'tool-call', id: 'c2', name: 'echo', input: {} },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', id: 'c1', name: 'echo', output: '', isError: false }] },
        user('x'),
      ],
      /tool calls c2 have no result/,
    ],
    ['a call id used twice', [...imported.slice(0, 3), imported[1], imported[2], user('x')], /"call_a" is used twice/],
    [
      'a call input that is not JSON',
      [imported[0], { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'echo', input: 10n }] }],
      /not plain JSON data/,
    ],
    [
      'an unknown assistant part',
      [imported[0], { role: 'assistant', content: [{ type: 'image', mediaType: 'image/png', data: PNG }] }, user('x')],
      /not "image"/,
    ],
    [
      'a tool message holding text',
      [imported[0], imported[1], { role: 'tool', content: [{ type: 'text', text: 'x' }] }],
      /only "tool-result" parts/,
    ],
  ];
  for (const [name, input, message] of bad) {
    it(`refuses ${name} with a ConfigError, before anything runs`, () => {
      const model = mockProvider([]);
      const store = memoryStore();
      const agent = createAgent({ provider: model, store });
      let error: unknown;
      try {
        agent.run(input as never);
      } catch (caught) {
        error = caught;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect(model.requests).toHaveLength(0);
      model.assertComplete();
    });
  }
});
