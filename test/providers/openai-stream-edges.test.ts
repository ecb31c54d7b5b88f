import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { toChatBody } from '../../src/providers/openai/chat-request.js';
import { mapChatChunks } from '../../src/providers/openai/chat-stream.js';
import { toResponsesBody } from '../../src/providers/openai/responses-request.js';
import { mapResponsesEvents } from '../../src/providers/openai/responses-stream.js';

async function* from(items: unknown[]): AsyncGenerator<unknown> {
  for (const item of items) yield item;
}
const keep = (_name: string, input: unknown) => input as never;

async function run(gen: AsyncGenerator<ModelStreamPart>): Promise<{ parts: ModelStreamPart[]; error: unknown }> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of gen) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}

const chunk = (delta: object, finish: string | null = null) => ({
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('Chat Completions chunks from compatible servers', () => {
  it('assembles tool calls sent without an index (Ollama, some proxies) by their ids', async () => {
    const { parts } = await run(
      mapChatChunks(
        from([
          chunk({ tool_calls: [{ id: 'a', function: { name: 'read', arguments: '{"p":' } }] }),
          chunk({ tool_calls: [{ function: { arguments: '"x"}' } }] }),
          chunk({ tool_calls: [{ id: 'b', function: { name: 'list', arguments: '{}' } }] }),
          chunk({}, 'stop'),
        ]),
        keep,
      ),
    );
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'a', name: 'read', input: { p: 'x' } },
      { type: 'tool-call', id: 'b', name: 'list', input: {} },
    ]);
    // finish_reason "stop" with tool calls is a tool-calls finish.
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('reads `reasoning` deltas, maps length and content_filter, and a missing usage chunk is fine', async () => {
    const length = await run(
      mapChatChunks(from([chunk({ reasoning: 'hm' }), chunk({ content: 'x' }, 'length')]), keep),
    );
    expect(length.parts).toEqual([
      { type: 'reasoning-delta', text: 'hm' },
      { type: 'text-delta', text: 'x' },
      { type: 'finish', reason: 'length' },
    ]);
    const filtered = await run(mapChatChunks(from([chunk({}, 'content_filter')]), keep));
    expect(filtered.parts.at(-1)).toEqual({ type: 'finish', reason: 'content-filter' });
  });

  it('an empty stream is truncated', async () => {
    const { error } = await run(mapChatChunks(from([]), keep));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network' });
  });
});

describe('Responses events', () => {
  it('an error event throws a classified ProviderError', async () => {
    const { error } = await run(
      mapResponsesEvents(
        from([{ type: 'response.created' }, { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down' }]),
        keep,
      ),
    );
    expect(error).toMatchObject({ kind: 'rate-limit', retryable: true, message: expect.stringContaining('Slow down') });
  });

  it('response.failed with a context error is not retryable', async () => {
    const { error } = await run(
      mapResponsesEvents(
        from([
          { type: 'response.failed', response: { error: { code: 'context_length_exceeded', message: 'Too long' } } },
        ]),
        keep,
      ),
    );
    expect(error).toMatchObject({ kind: 'context-length', retryable: false });
  });
});

describe('request bodies', () => {
  it('leave temperature out for reasoning models, which reject it', () => {
    const request = { messages: [], tools: [], temperature: 0.2 };
    expect(toChatBody(request, [], { model: 'gpt-4.1' }).temperature).toBe(0.2);
    expect(toChatBody(request, [], { model: 'o4-mini' }).temperature).toBeUndefined();
    expect(toResponsesBody(request, [], { model: 'gpt-5-mini' }).temperature).toBeUndefined();
    expect(toResponsesBody(request, [], { model: 'gpt-5-chat-latest' }).temperature).toBe(0.2);
  });

  it('merge providerOptions.openai last', () => {
    const body = toChatBody(
      { messages: [], tools: [], providerOptions: { openai: { seed: 7, stream_options: null } } },
      [],
      {
        model: 'gpt-4o',
      },
    );
    expect(body).toMatchObject({ seed: 7, stream_options: null, stream: true });
  });
});

describe('Responses input: what reasoning goes back, and how', () => {
  const settings = { model: 'gpt-5' };
  const reasoning = (meta: Record<string, string>) => ({
    type: 'reasoning' as const,
    text: 'Thought.',
    providerMetadata: { openai: meta },
  });
  const call = { type: 'tool-call' as const, id: 'c1', name: 'read', input: {} };
  const result = { type: 'tool-result' as const, id: 'c1', name: 'read', output: 'ok', isError: false };
  const history = (parts: Parameters<typeof reasoning>[0][]) => ({
    tools: [],
    messages: [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] },
      { role: 'assistant' as const, content: [...parts.map(reasoning), call] },
      { role: 'tool' as const, content: [result] },
    ],
  });
  const kinds = (body: Record<string, unknown>) =>
    (body.input as Record<string, unknown>[]).map((item) => item.type ?? item.role);

  it('by reference when stored, whole when encrypted, not at all when neither can be found', () => {
    expect(kinds(toResponsesBody(history([{ itemId: 'rs_1' }]), [], settings))).toEqual([
      'user',
      'item_reference',
      'function_call',
      'function_call_output',
    ]);
    const unstored = { ...settings, store: false };
    expect(kinds(toResponsesBody(history([{ itemId: 'rs_1' }]), [], unstored))).toEqual([
      'user',
      'function_call',
      'function_call_output',
    ]);
    const encrypted = toResponsesBody(history([{ itemId: 'rs_1', encryptedContent: 'enc' }]), [], unstored);
    expect((encrypted.input as unknown[])[1]).toMatchObject({
      type: 'reasoning',
      id: 'rs_1',
      encrypted_content: 'enc',
    });
    expect(encrypted).toMatchObject({ store: false, include: ['reasoning.encrypted_content'] });
  });

  it('leaves out a reasoning part that ends its message, and reasoning of other providers', () => {
    const body = toResponsesBody(
      {
        tools: [],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'A' }, reasoning({ itemId: 'rs_cut' })] },
          { role: 'user', content: [{ type: 'text', text: 'Go on' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'x', signature: 'sig' },
              { type: 'text', text: 'B' },
            ],
          },
        ],
      },
      [],
      settings,
    );
    expect(kinds(body)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('asks for encrypted reasoning only of reasoning models, keeping any include of the caller', () => {
    const request = { tools: [], messages: [], providerOptions: { openai: { store: false, include: ['x'] } } };
    expect(toResponsesBody(request, [], { model: 'gpt-5' }).include).toEqual(['x', 'reasoning.encrypted_content']);
    expect(toResponsesBody(request, [], { model: 'gpt-4.1' }).include).toEqual(['x']);
  });

  it('keeps the message that followed a reasoning item (id, phase), and yields the reasoning before it', async () => {
    const events = [
      { type: 'response.output_item.added', item: { id: 'rs_1', type: 'reasoning', summary: [] } },
      { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', delta: 'Plan' },
      { type: 'response.output_item.done', item: { id: 'rs_1', type: 'reasoning', summary: [{ text: 'Plan' }] } },
      { type: 'response.output_item.added', item: { id: 'm1', type: 'message', phase: 'final_answer' } },
      { type: 'response.output_text.delta', item_id: 'm1', delta: 'Done' },
      { type: 'response.completed', response: {} },
    ];
    const { parts } = await run(mapResponsesEvents(from(events), keep));
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Plan' },
      {
        type: 'reasoning',
        text: 'Plan',
        providerMetadata: { openai: { itemId: 'rs_1', messageId: 'm1', phase: 'final_answer' } },
      },
      { type: 'text-delta', text: 'Done' },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});
