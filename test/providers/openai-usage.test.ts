import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tool } from '../../src/index.js';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { mapChatChunks } from '../../src/providers/openai/chat-stream.js';
import { collect as collectParts, ask } from './shared-helpers.js';
import { mockServer, modelOn, openAiAgent } from './openai-helpers.js';

const detailed = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 60, cacheWriteTokens: 30, reasoningTokens: 12 };

const usageOf = (parts: readonly ModelStreamPart[]) => parts.find((part) => part.type === 'usage');

describe('OpenAI usage keeps reasoning and cache-write tokens', () => {
  it.each([
    ['Chat Completions', 'openai', {}],
    ['Responses', 'openai-responses', { api: 'responses' }],
  ] as const)('%s: every detail the API reports reaches the usage part', async (_name, wire, settings) => {
    const server = await mockServer(wire, [{ reasoning: 'Think.', text: 'Hi', usage: detailed }]);
    const { parts, error } = await collectParts(modelOn(server, { model: 'gpt-5', ...settings }), ask('Hi'));
    expect(error).toBeUndefined();
    expect(usageOf(parts)).toEqual({ type: 'usage', usage: detailed });
  });

  it('leaves out reasoning and cache-write tokens a model does not have', async () => {
    const server = await mockServer('openai', [{ text: 'Hi', usage: { inputTokens: 10, outputTokens: 2 } }]);
    const { parts } = await collectParts(modelOn(server), ask('Hi'));
    expect(usageOf(parts)).toEqual({ type: 'usage', usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0 } });
  });

  it("reads DeepSeek's prompt_cache_hit_tokens when there are no prompt_tokens_details", async () => {
    async function* chunks(): AsyncGenerator<unknown> {
      yield { choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] };
      yield {
        choices: [],
        usage: {
          prompt_tokens: 50,
          completion_tokens: 9,
          prompt_cache_hit_tokens: 32,
          prompt_cache_miss_tokens: 18,
          completion_tokens_details: { reasoning_tokens: 7 },
        },
      };
    }
    const parts: ModelStreamPart[] = [];
    for await (const part of mapChatChunks(chunks(), (_name, input) => input)) parts.push(part);
    expect(usageOf(parts)).toEqual({
      type: 'usage',
      usage: { inputTokens: 50, outputTokens: 9, cacheReadTokens: 32, reasoningTokens: 7 },
    });
  });

  it('sums reasoning tokens over the turns of a run', async () => {
    const read = tool({
      name: 'read_note',
      description: 'Read a note',
      input: z.object({ name: z.string() }),
      readOnly: true,
      execute: async () => 'milk',
    });
    const { agent } = await openAiAgent({
      wire: 'openai-responses',
      tools: [read],
      settings: { api: 'responses', model: 'gpt-5' },
      script: [
        {
          reasoning: 'Read it.',
          toolCalls: [{ name: 'read_note', input: { name: 'a' } }],
          usage: { inputTokens: 100, outputTokens: 40, reasoningTokens: 30 },
        },
        { reasoning: 'Answer.', text: 'Milk.', usage: { inputTokens: 150, outputTokens: 10, reasoningTokens: 6 } },
      ],
    });
    const result = await agent.run('Note a?').result;
    expect(result.usage).toMatchObject({ inputTokens: 250, outputTokens: 50, reasoningTokens: 36 });
  });
});
