/**
 * Structured output in detail: the exact repair message and error, how issues are listed, the fence forms
 * a final answer may come in, the wrapped schema's shape, the stored turn of a repair, and partial values
 * of a wrapped schema that are not yet objects.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createAgent,
  memoryStore,
  OutputValidationError,
  type LanguageModel,
  type OutputDeltaEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain } from '../helpers/agent.js';

const Verdict = z.object({ label: z.enum(['bug', 'feature']), confidence: z.number() });

function partialsOf(events: readonly { type: string }[]): unknown[] {
  return events.filter((e): e is OutputDeltaEvent => e.type === 'output-delta').map((e) => e.output);
}

/** A model that streams `text` in pieces of `size` characters. */
function piecewise(text: string, size: number): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: 'custom',
    modelId: 'pieces',
    async *stream() {
      for (let i = 0; i < text.length; i += size) yield { type: 'text-delta', text: text.slice(i, i + size) };
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

function textOf(message: { content: readonly { type: string; text?: string }[] } | undefined): string {
  return message?.content.map((part) => part.text ?? '').join('') ?? '';
}

describe('structured output repair and failure', () => {
  it('tells the model exactly what was wrong and which schema to follow', async () => {
    const model = mockProvider([
      { output: { label: 'bug', confidence: 'high' } },
      { output: { label: 'bug', confidence: 1 } },
    ]);
    const result = await createAgent({ provider: model, output: Verdict }).run('Triage').result;
    expect(result.output).toEqual({ label: 'bug', confidence: 1 });
    const schema = JSON.stringify(model.requests[0]!.output!.schema);
    expect(textOf(model.requests[1]!.messages.at(-1))).toBe(
      `Your answer cannot be used: the JSON does not match the schema: confidence: Invalid input: expected number, received string. Answer again with only a JSON document (no other text) that matches this JSON Schema: ${schema}`,
    );
    model.assertComplete();
  });

  it('names nested paths with dots, the answer itself as (answer), and lists at most ten issues', async () => {
    const Wide = z.object(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, z.string()])));
    const model = mockProvider([
      { text: '[1]' },
      { text: '{}' },
      { output: { a: [{ b: 1 }] } },
      { output: { a: [{ b: 'x' }] } },
    ]);
    const agent = createAgent({ provider: model });
    const root = await agent.run('Wide', { output: Wide }).result.catch((e: unknown) => e);
    expect(root).toBeInstanceOf(OutputValidationError);
    expect(textOf(model.requests[1]!.messages.at(-1))).toContain(
      'the JSON does not match the schema: (answer): Invalid input: expected object, received array.',
    );
    const failure = root as OutputValidationError;
    expect(failure.issues).toHaveLength(12);
    const listed = failure.message.match(/f\d+: /g) ?? [];
    expect(listed).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}: `));
    expect(failure.message).toMatch(
      /^The model's final answer does not match the output schema, also after a repair turn: the JSON does not match the schema: f0: Invalid input: expected string, received undefined; f1: /,
    );
    expect(failure.message.endsWith('f9: Invalid input: expected string, received undefined.')).toBe(true);

    const Nested = z.object({ a: z.array(z.object({ b: z.string() })) });
    const nested = await agent.run('Nested', { output: Nested }).result;
    expect(nested.output).toEqual({ a: [{ b: 'x' }] });
    expect(textOf(model.requests[3]!.messages.at(-1))).toContain('schema: a.0.b: Invalid input: expected string');
    model.assertComplete();
  });

  it('says the answer is not JSON with the parser’s own message, in the repair and the issue', async () => {
    const model = mockProvider([{ text: 'nope' }, { text: 'still nope' }]);
    const error = (await createAgent({ provider: model, output: Verdict })
      .run('Triage')
      .result.catch((e: unknown) => e)) as OutputValidationError;
    let parserMessage = '';
    try {
      JSON.parse('still nope');
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    const problem = `the answer is not valid JSON (${parserMessage})`;
    expect(error.issues).toEqual([{ code: 'invalid_json', path: [], message: problem }]);
    expect(error.message).toBe(
      `The model's final answer does not match the output schema, also after a repair turn: ${problem}.`,
    );
    expect(textOf(model.requests[1]!.messages.at(-1))).toMatch(
      /^Your answer cannot be used: the answer is not valid JSON \(/,
    );
    model.assertComplete();
  });

  it('stores the repair message as the start of the next turn', async () => {
    const store = memoryStore();
    const model = mockProvider([{ text: 'nope' }, { output: { label: 'feature', confidence: 0.5 } }]);
    const result = await createAgent({ provider: model, output: Verdict, store }).run('Triage').result;
    const messages = (await store.load(result.sessionId)).entries
      .map((e) => e.entry)
      .filter((entry) => entry.type === 'message');
    expect(messages.map((entry) => entry.message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const [input, first, repair, second] = messages.map((entry) => entry.turn);
    expect(first).toBe(input);
    expect(repair).toBe(first! + 1);
    expect(second).toBe(repair);
    model.assertComplete();
  });
});

describe('structured output answers and schemas', () => {
  it('accepts a final answer in a fence without a language, with blanks after it, or left open', async () => {
    const model = mockProvider([
      { text: '```\n{"label": "bug", "confidence": 0.25}\n```  \n' },
      { text: '```json\n{"label": "feature", "confidence": 0.5}' },
      { text: '{"label": "bug", "confidence": 0.75}\n```' },
      { output: { label: 'bug', confidence: 0.75 } },
    ]);
    const agent = createAgent({ provider: model, output: Verdict });
    expect((await agent.run('One').result).output).toEqual({ label: 'bug', confidence: 0.25 });
    expect((await agent.run('Two').result).output).toEqual({ label: 'feature', confidence: 0.5 });
    // No opening fence: the text is parsed as it is, and a closing fence alone is not JSON.
    const third = await agent.run('Three').result;
    expect(third.turns).toBe(2);
    expect(third.output).toEqual({ label: 'bug', confidence: 0.75 });
    expect(textOf(model.requests[3]!.messages.at(-1))).toContain('not valid JSON');
    model.assertComplete();
  });

  it('sends one schema object for every run given the same schema, with no definitions keys it does not need', async () => {
    const model = mockProvider([{ output: { value: 3 } }, { output: { value: 4 } }]);
    const agent = createAgent({ provider: model });
    const Count = z.number();
    expect((await agent.run('One', { output: Count }).result).output).toBe(3);
    expect((await agent.run('Two', { output: Count }).result).output).toBe(4);
    expect(model.requests[1]!.output).toBe(model.requests[0]!.output);
    expect(Object.keys(model.requests[0]!.output!.schema)).toEqual([
      'type',
      'properties',
      'required',
      'additionalProperties',
    ]);
    model.assertComplete();
  });

  it('streams no partial value of a wrapped schema until its value member is there', async () => {
    const model = mockProvider([{ text: 'null' }, { text: '{"other": 1, "value": [7, 8]}' }]);
    const agent = createAgent({ provider: model });
    const run = agent.run('Numbers', { output: z.array(z.number()) });
    const { events, error } = await drain(run);
    expect(error).toBeUndefined();
    const partials = events.filter((e): e is OutputDeltaEvent => e.type === 'output-delta').map((e) => e.output);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.every(Array.isArray)).toBe(true);
    expect(partials.at(-1)).toEqual([7, 8]);
    expect((await run.result).output).toEqual([7, 8]);
    model.assertComplete();
  });

  it('accepts a fenced answer whose closing fence follows the JSON directly, and a fence inside a string', async () => {
    const Snippet = z.object({ snippet: z.string() });
    const model = mockProvider([
      { text: '```json\n{"snippet": "x"}```' },
      { text: '```json\n{"snippet": "a ``` b"}\n```' },
    ]);
    const agent = createAgent({ provider: model, output: Snippet });
    expect((await agent.run('One').result).output).toEqual({ snippet: 'x' });
    expect((await agent.run('Two').result).output).toEqual({ snippet: 'a ``` b' });
    model.assertComplete();
  });

  it('refuses a zod schema with no JSON Schema form with a ConfigError that keeps the cause', () => {
    const broken = z.lazy((): z.ZodType => {
      throw new Error('not defined yet');
    });
    let error: unknown;
    try {
      createAgent({ provider: mockProvider([]), output: broken });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^`output`: this zod schema has no JSON Schema form \(.+\)\.$/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(() => createAgent({ provider: mockProvider([]), output: 'json' as never })).toThrow(
      new ConfigError('`output` must be a zod schema, e.g. z.object({ title: z.string() }).'),
    );
  });
});

describe('structured output partial values', () => {
  it('streams a partial value for every delta that changed it, and none for one that did not', async () => {
    const model = mockProvider([{ text: '{"label": "bug", "confidence": 1}' }]);
    const run = createAgent({ provider: model, output: Verdict }).run('Triage');
    const { events } = await drain(run);
    expect(partialsOf(events)).toEqual([{}, { label: 'bug' }, { label: 'bug', confidence: 1 }]);
    model.assertComplete();
  });

  it('streams no partial value once the text stops being JSON', async () => {
    const model = mockProvider([{ text: '{"label": "bug" oops' }, { output: { label: 'bug', confidence: 1 } }]);
    const run = createAgent({ provider: model, output: Verdict }).run('Triage');
    const { events } = await drain(run);
    const partials = partialsOf(events);
    expect(partials.slice(0, 2)).toEqual([{}, { label: 'bug' }]);
    expect(partials.every((partial) => partial !== undefined)).toBe(true);
    expect((await run.result).output).toEqual({ label: 'bug', confidence: 1 });
    model.assertComplete();
  });

  it('parses every small delta of a short answer, and keeps parsing a long one to near its end', async () => {
    const short = JSON.stringify({ items: Array.from({ length: 60 }, (_, i) => `item number ${i}`) });
    const Items = z.object({ items: z.array(z.string()) });
    const shortRun = createAgent({ provider: piecewise(short, 10), output: Items }).run('List');
    const pieces = Math.ceil(short.length / 10);
    expect(short.length).toBeLessThan(4096);
    // Each piece of ten characters but the closing one holds part of a string, so each changes the value.
    expect(partialsOf((await drain(shortRun)).events).length).toBeGreaterThanOrEqual(pieces - 1);

    const items = Array.from({ length: 3000 }, (_, i) => `item number ${i}`);
    const long = JSON.stringify({ items });
    const longRun = createAgent({ provider: piecewise(long, 40), output: Items }).run('List');
    const partials = partialsOf((await drain(longRun)).events) as { items: string[] }[];
    // The last parse is at most a sixteenth of the text before its end.
    expect(partials.at(-1)!.items.length).toBeGreaterThan(items.length * 0.9);
  });
});
