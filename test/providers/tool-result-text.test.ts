import { describe, expect, it } from 'vitest';
import { toolResultText } from '../../src/providers/shared/tool-result-text.js';

describe('toolResultText (wires without an error flag: OpenAI Chat and Responses, Ollama)', () => {
  it('marks error results in their text, once', () => {
    expect(toolResultText({ output: 'file not found', isError: true })).toBe('Error: file not found');
    expect(toolResultText({ output: 'Error: already says so', isError: true })).toBe('Error: already says so');
    expect(toolResultText({ output: { error: 'bad JSON' }, isError: true })).toBe('Error: {"error":"bad JSON"}');
  });

  it('leaves successful results as they are, JSON as JSON text', () => {
    expect(toolResultText({ output: 'error-free output', isError: false })).toBe('error-free output');
    expect(toolResultText({ output: { rows: [1, 2] }, isError: false })).toBe('{"rows":[1,2]}');
  });
});
