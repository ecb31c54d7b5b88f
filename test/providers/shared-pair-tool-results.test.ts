import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/model/message.js';
import { toAnthropicBody } from '../../src/providers/anthropic/request.js';
import { toChatBody } from '../../src/providers/openai/chat-request.js';
import { MISSING_RESULT, pairToolResults } from '../../src/providers/shared/pair-tool-results.js';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const calls = (...ids: string[]): Message => ({
  role: 'assistant',
  content: ids.map((id) => ({ type: 'tool-call' as const, id, name: 'read', input: { id } })),
});
const result = (id: string, output = `out ${id}`) => ({
  type: 'tool-result' as const,
  id,
  name: 'read',
  output,
  isError: false,
});

describe('pairToolResults', () => {
  it('leaves a paired history equal', () => {
    const history: Message[] = [
      user('a'),
      calls('c1', 'c2'),
      { role: 'tool', content: [result('c1'), result('c2')] },
      user('b'),
    ];
    expect(pairToolResults(history)).toEqual(history);
  });

  it('answers calls without results with error results, in call order', () => {
    const history: Message[] = [
      user('a'),
      calls('c1', 'c2'),
      { role: 'tool', content: [result('c2')] },
      user('b'),
      calls('c3'),
    ];
    expect(pairToolResults(history)).toEqual([
      user('a'),
      calls('c1', 'c2'),
      {
        role: 'tool',
        content: [{ type: 'tool-result', id: 'c1', name: 'read', output: MISSING_RESULT, isError: true }, result('c2')],
      },
      user('b'),
      calls('c3'),
      {
        role: 'tool',
        content: [{ type: 'tool-result', id: 'c3', name: 'read', output: MISSING_RESULT, isError: true }],
      },
    ]);
  });

  it('drops results that answer no call, and gathers results spread over several tool messages', () => {
    const history: Message[] = [
      user('a'),
      { role: 'tool', content: [result('ghost')] },
      calls('c1', 'c2'),
      { role: 'tool', content: [result('c2'), result('stray')] },
      { role: 'tool', content: [result('c1')] },
    ];
    expect(pairToolResults(history)).toEqual([
      user('a'),
      calls('c1', 'c2'),
      { role: 'tool', content: [result('c1'), result('c2')] },
    ]);
  });

  it('keeps an interrupted history valid for Anthropic and OpenAI', () => {
    const history: Message[] = [user('a'), calls('c1'), user('never mind')];
    // With its tool defined: the API refuses tool blocks in a request that defines no tools.
    const tools = [{ name: 'read', description: 'Read', inputSchema: { type: 'object' } }];
    const anthropicBody = toAnthropicBody(
      { messages: history, tools },
      { model: 'm', cache: false, maxOutputTokens: 10 },
    );
    expect(anthropicBody.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'read', input: { id: 'c1' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: MISSING_RESULT, is_error: true },
          { type: 'text', text: 'never mind' },
        ],
      },
    ]);
    const chat = toChatBody({ messages: history, tools: [] }, [], { model: 'gpt-4o' });
    expect((chat.messages as { role: string }[]).map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });
});
