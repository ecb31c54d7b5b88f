import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { openai, type OpenAiSettings } from '../../src/providers/openai/index.js';

const make = (extra: Record<string, unknown>) =>
  openai({ model: 'gpt-5', apiKey: 'sk-test', ...extra } as unknown as OpenAiSettings);

describe('openai() checks its settings at construction', () => {
  it.each([
    [{ api: 'completions' }, "`api` must be one of 'chat', 'responses', got \"completions\""],
    [{ api: 'Responses' }, '`api` must be one of'],
    [
      { reasoningEffort: 'maximum' },
      "`reasoningEffort` must be one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'",
    ],
    [{ reasoningEffort: 3 }, '`reasoningEffort` must be one of'],
    [{ strict: 'yes' }, '`strict` must be true or false, got "yes"'],
    [{ store: 0 }, '`store` must be true or false'],
    [{ sendReasoningContent: 'auto' }, '`sendReasoningContent` must be true or false'],
    [{ organization: 42 }, '`organization` must be a string'],
    [{ model: '' }, '`model` must be a non-empty model id'],
    [{ timeoutMs: '10s' }, '`timeoutMs` must be a number of milliseconds'],
  ])('%j is a ConfigError', (extra, message) => {
    let thrown: unknown;
    try {
      make(extra);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(message);
  });

  it('accepts every documented value', () => {
    for (const api of ['chat', 'responses', undefined]) {
      for (const reasoningEffort of ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', undefined]) {
        expect(make({ api, reasoningEffort, store: false, strict: true, sendReasoningContent: false }).modelId).toBe(
          'gpt-5',
        );
      }
    }
  });
});
