import { describe, expect, it } from 'vitest';
import type { ModelStreamPart } from '../../src/model/language-model.js';
import { OllamaStreamParser, type OllamaChunk } from '../../src/providers/ollama/ollama-stream.js';

function parse(chunks: OllamaChunk[]): ModelStreamPart[] {
  const parser = new OllamaStreamParser();
  return [...chunks.flatMap((chunk) => [...parser.push(chunk)]), ...parser.end()];
}

describe('OllamaStreamParser', () => {
  it('maps done_reason length, and usage from the done line', () => {
    expect(
      parse([
        { message: { content: 'abc' } },
        { done: true, done_reason: 'length', prompt_eval_count: 7, eval_count: 3 },
      ]),
    ).toEqual([
      { type: 'text-delta', text: 'abc' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 3 } },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('reports zero input when Ollama omits prompt_eval_count (a prompt served from its cache)', () => {
    expect(
      parse([{ message: { content: 'x' } }, { done: true, done_reason: 'stop', eval_count: 1 }]).find(
        (p) => p.type === 'usage',
      ),
    ).toEqual({
      type: 'usage',
      usage: { inputTokens: 0, outputTokens: 1 },
    });
  });

  it('passes string arguments through parsed, or raw when they are not JSON', () => {
    const parts = parse([
      {
        message: {
          tool_calls: [
            { function: { name: 'a', arguments: '{"x":1}' } },
            { function: { name: 'b', arguments: '{"x":' } },
          ],
        },
      },
      { done: true, done_reason: 'stop' },
    ]);
    expect(parts.filter((p) => p.type === 'tool-call').map((p) => [p.id, p.input])).toEqual([
      ['call_0', { x: 1 }],
      ['call_1', '{"x":'],
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('fails as network without a done line, holding back the tool calls', () => {
    const parser = new OllamaStreamParser();
    const parts = [...parser.push({ message: { tool_calls: [{ function: { name: 'a', arguments: {} } }] } })];
    expect(parts).toEqual([]);
    expect(() => [...parser.end()]).toThrow(/stream ended before its done line/);
  });
});
