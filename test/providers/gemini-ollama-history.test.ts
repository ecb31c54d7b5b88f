/**
 * A history with a tool call that never got its result (a run interrupted mid-tool, a hand-edited
 * session) or a result whose call is gone still makes a request the API takes, on Gemini and Ollama, and
 * the usage each reports reaches the run whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import type { Message } from '../../src/model/message.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { MISSING_RESULT } from '../../src/providers/shared/pair-tool-results.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { MockServer, WireName } from '../../src/testing/mock-server/types.js';
import { collect, fixedPolicy } from '../helpers/agent.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'AIzaTestKey0123456789abcdefghij';

/** A session whose first turn was cut off mid-tool, and a stray result from a hand edit. */
const HISTORY: Message[] = [
  { role: 'user', content: [{ type: 'text', text: 'Read a.txt' }] },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Reading.' },
      { type: 'tool-call', id: 'call_a', name: 'read', input: { file_path: 'a.txt' } },
    ],
  },
  { role: 'user', content: [{ type: 'text', text: 'Never mind. Say hi.' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'Hi.' }] },
  { role: 'tool', content: [{ type: 'tool-result', id: 'call_gone', name: 'read', output: 'stale', isError: false }] },
];

const cases: [WireName, (baseURL: string) => LanguageModel][] = [
  ['gemini', (baseURL) => gemini({ model: 'gemini-3-flash-preview', apiKey: KEY, baseURL })],
  ['ollama', (host) => ollama({ model: 'qwen3:8b', host })],
];

describe.each(cases)('%s: a history with orphaned tool calls and results', (wire, makeModel) => {
  it('answers the cut-off call with an error result and drops the stray one', async () => {
    const store = memoryStore();
    const session = await store.create();
    await store.append(
      session.id,
      HISTORY.map((message) => ({ type: 'message' as const, message })),
      { expectedVersion: 0 },
    );
    server = await startMockServer({ wire, script: [{ text: 'Hello again.' }] });
    const agent = createAgent({ provider: makeModel(server.baseURL), store, policy: fixedPolicy('allow') });
    const run = agent.run('Go on.', { sessionId: session.id });
    await collect(run);
    expect((await run.result).text).toBe('Hello again.');
    expect(server.rejections).toEqual([]);

    const body = server.requests[0]?.body as Record<string, unknown>;
    if (wire === 'gemini') {
      const contents = body.contents as { role: string; parts: Record<string, unknown>[] }[];
      expect(contents.map((content) => content.parts.map((part) => Object.keys(part).sort().join('+')))).toEqual([
        ['text'],
        // A call of an earlier turn: Gemini 3 checks no signature there, and none is made up.
        ['text', 'functionCall'],
        ['functionResponse'],
        ['text'],
        ['text'],
        ['text'],
      ]);
      expect(contents[2]?.parts[0]).toEqual({
        functionResponse: { id: 'call_a', name: 'read', response: { error: MISSING_RESULT } },
      });
    } else {
      const messages = body.messages as Record<string, unknown>[];
      expect(messages.map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'user',
        'assistant',
        'user',
      ]);
      expect(messages.find((message) => message.role === 'tool')).toEqual({
        role: 'tool',
        content: `Error: ${MISSING_RESULT}`,
        tool_name: 'read',
      });
      expect(JSON.stringify(messages)).not.toContain('stale');
    }
  });
});

describe('usage as each provider reports it', () => {
  it('gemini: thinking tokens are output tokens, reported again as reasoningTokens; cached input as cache reads', async () => {
    server = await startMockServer({
      wire: 'gemini',
      script: [
        {
          reasoning: 'Think.',
          text: 'Answer.',
          usage: { inputTokens: 100, outputTokens: 30, reasoningTokens: 20, cacheReadTokens: 60 },
        },
      ],
    });
    const run = createAgent({
      provider: gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: server.baseURL }),
    }).run('Q?');
    const { events } = await collect(run);
    const expected = { inputTokens: 100, outputTokens: 30, reasoningTokens: 20, cacheReadTokens: 60 };
    expect((await run.result).usage).toEqual(expected);
    expect(events.find((event) => event.type === 'turn-end')).toMatchObject({ usage: expected });
  });

  it('ollama: prompt_eval_count is input and eval_count output', async () => {
    server = await startMockServer({
      wire: 'ollama',
      script: [{ reasoning: 'Think.', text: 'Answer.', usage: { inputTokens: 42, outputTokens: 17 } }],
    });
    const run = createAgent({ provider: ollama({ model: 'qwen3:8b', host: server.baseURL }) }).run('Q?');
    expect((await run.result).usage).toEqual({ inputTokens: 42, outputTokens: 17 });
  });
});
