import { describe, expect, it } from 'vitest';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import {
  GeminiStreamParser,
  mapGeminiFinishReason,
  type GeminiChunk,
} from '../../src/providers/gemini/gemini-stream.js';

function parse(chunks: GeminiChunk[]): ModelStreamPart[] {
  const parser = new GeminiStreamParser();
  return [...chunks.flatMap((chunk) => [...parser.push(chunk)]), ...parser.end()];
}

describe('GeminiStreamParser', () => {
  it('counts thinking tokens as output and cached tokens as cache reads within the input', () => {
    const parts = parse([
      { candidates: [{ content: { parts: [{ text: 'Hi' }] } }], usageMetadata: { promptTokenCount: 10 } },
      {
        candidates: [{ content: { parts: [] }, finishReason: 'STOP' }],
        usageMetadata: {
          promptTokenCount: 100,
          cachedContentTokenCount: 60,
          candidatesTokenCount: 5,
          thoughtsTokenCount: 20,
          toolUsePromptTokenCount: 3,
        },
      },
    ]);
    expect(parts.find((p) => p.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 103, outputTokens: 25, cacheReadTokens: 60, reasoningTokens: 20 },
    });
  });

  it('keeps a signed thought block whole, with its signature, when text follows', () => {
    const parts = parse([
      { candidates: [{ content: { parts: [{ text: 'Let me ', thought: true }] } }] },
      {
        candidates: [
          {
            content: { parts: [{ text: 'see.', thought: true, thoughtSignature: 'sig_t' }, { text: 'Done.' }] },
            finishReason: 'STOP',
          },
        ],
      },
    ]);
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Let me ' },
      { type: 'reasoning-delta', text: 'see.' },
      { type: 'reasoning', text: 'Let me see.', providerMetadata: { gemini: { thoughtSignature: 'sig_t' } } },
      { type: 'text-delta', text: 'Done.' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('treats a blocked prompt as a content-filter finish', () => {
    expect(parse([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }])).toEqual([
      { type: 'finish', reason: 'content-filter' },
    ]);
  });

  it('passes string arguments through parsed, or raw when they are not JSON', () => {
    const parts = parse([
      {
        candidates: [
          {
            content: {
              parts: [{ functionCall: { name: 'a', args: '{"x":1}' } }, { functionCall: { name: 'b', args: '{"x":' } }],
            },
            finishReason: 'STOP',
          },
        ],
      },
    ]);
    expect(parts.filter((p) => p.type === 'tool-call').map((p) => p.input)).toEqual([{ x: 1 }, '{"x":']);
  });

  it('maps every finish reason', () => {
    expect(
      [
        'STOP',
        'MAX_TOKENS',
        'SAFETY',
        'RECITATION',
        'SPII',
        'MALFORMED_FUNCTION_CALL',
        'LANGUAGE',
        'OTHER',
        'FINISH_REASON_UNSPECIFIED',
      ].map((r) => mapGeminiFinishReason(r, false)),
    ).toEqual([
      'stop',
      'length',
      'content-filter',
      'content-filter',
      'content-filter',
      'error',
      'other',
      'other',
      'other',
    ]);
    expect(mapGeminiFinishReason('STOP', true)).toBe('tool-calls');
  });
});
