import { describe, expect, it } from 'vitest';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { toAnthropicBody } from '../../src/providers/anthropic/request.js';
import { mapAnthropicEvents } from '../../src/providers/anthropic/stream.js';

async function* from(items: unknown[]): AsyncGenerator<unknown> {
  for (const item of items) yield item;
}

async function parts(items: unknown[]): Promise<ModelStreamPart[]> {
  const out: ModelStreamPart[] = [];
  for await (const part of mapAnthropicEvents(from(items))) out.push(part);
  return out;
}

describe('Anthropic events', () => {
  it('keeps redacted thinking so it round-trips, and maps refusal and max_tokens', async () => {
    const out = await parts([
      { type: 'message_start', message: { usage: { input_tokens: 3, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'opaque' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'refusal' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    expect(out).toEqual([
      { type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: 'opaque' } } },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
      { type: 'finish', reason: 'content-filter' },
    ]);
    const body = toAnthropicBody(
      {
        tools: [],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: 'opaque' } } },
              { type: 'reasoning', text: 'unsigned thoughts from another provider' },
              { type: 'text', text: 'a' },
            ],
          },
        ],
      },
      { model: 'm', cache: false, maxOutputTokens: 100 },
    );
    expect((body.messages as { content: unknown }[])[1]?.content).toEqual([
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'a' },
    ]);
  });

  it('a tool call with no arguments gets an empty object', async () => {
    const out = await parts([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'list', input: {} } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    expect(out.find((p) => p.type === 'tool-call')).toEqual({ type: 'tool-call', id: 't', name: 'list', input: {} });
    expect(out.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('uses at most four cache breakpoints, and none with cache off', () => {
    const request = {
      system: 's',
      tools: [
        { name: 'a', description: 'a', inputSchema: { type: 'object' } },
        { name: 'b', description: 'b', inputSchema: { type: 'object' } },
      ],
      messages: [
        { role: 'user' as const, content: [{ type: 'text' as const, text: '1' }] },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: '2' }] },
        { role: 'user' as const, content: [{ type: 'text' as const, text: '3' }] },
        { role: 'assistant' as const, content: [{ type: 'text' as const, text: '4' }] },
        { role: 'user' as const, content: [{ type: 'text' as const, text: '5' }] },
      ],
    };
    const count = (value: unknown) => JSON.stringify(value).split('cache_control').length - 1;
    expect(count(toAnthropicBody(request, { model: 'm', cache: true, maxOutputTokens: 1 }))).toBe(4);
    expect(count(toAnthropicBody(request, { model: 'm', cache: false, maxOutputTokens: 1 }))).toBe(0);
    // providerOptions.anthropic is merged last.
    const body = toAnthropicBody(
      { ...request, providerOptions: { anthropic: { top_k: 5, metadata: { user_id: 'u' } } } },
      { model: 'm', cache: false, maxOutputTokens: 1 },
    );
    expect(body).toMatchObject({ top_k: 5, metadata: { user_id: 'u' } });
  });

  it('sends adaptive thinking without temperature', () => {
    const body = toAnthropicBody(
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }], tools: [], temperature: 0.2 },
      { model: 'claude-opus-4-6', cache: false, maxOutputTokens: 4096, thinking: 'adaptive' },
    );
    expect(body).toMatchObject({ thinking: { type: 'adaptive' }, max_tokens: 4096 });
    expect(body.temperature).toBeUndefined();
  });
});
