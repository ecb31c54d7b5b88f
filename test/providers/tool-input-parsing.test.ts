/**
 * How a tool call's arguments become its input: parsed JSON, `{}` for a call with no arguments, and the raw
 * text when it is no JSON (the loop answers that with an error result, never with a repaired guess).
 */
import { describe, expect, it } from 'vitest';
import { objectToolInput, parseToolInput } from '../../src/providers/shared/tool-input.js';

describe('parseToolInput (arguments streamed as JSON text: Anthropic, OpenAI)', () => {
  it('parses JSON, and reads empty or blank arguments as no parameters', () => {
    expect(parseToolInput('{"path":"a.ts"}')).toEqual({ path: 'a.ts' });
    expect(parseToolInput('[1,2]')).toEqual([1, 2]);
    expect(parseToolInput('')).toEqual({});
    expect(parseToolInput(' \n ')).toEqual({});
  });

  it('keeps text that is not JSON as it came', () => {
    expect(parseToolInput('{"path":"a.ts"')).toBe('{"path":"a.ts"');
    expect(parseToolInput('path=a.ts')).toBe('path=a.ts');
  });
});

describe('objectToolInput (arguments sent as an object: Gemini, Ollama)', () => {
  it('keeps an object, and reads missing arguments as no parameters', () => {
    const args = { pattern: 'TODO' };
    expect(objectToolInput(args)).toBe(args);
    expect(objectToolInput(undefined)).toEqual({});
  });

  it('parses arguments some servers send as a JSON string, and keeps other strings as they came', () => {
    expect(objectToolInput('{"pattern":"TODO"}')).toEqual({ pattern: 'TODO' });
    expect(objectToolInput('not json')).toBe('not json');
  });
});
