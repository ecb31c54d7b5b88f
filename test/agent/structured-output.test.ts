import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  AgentError,
  ConfigError,
  createAgent,
  memoryStore,
  OutputValidationError,
  type AgentEvent,
  type LanguageModel,
  type OutputDeltaEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { drain, echoTool, fixedPolicy } from '../helpers/agent.js';

const Verdict = z.object({ label: z.enum(['bug', 'feature']), confidence: z.number().min(0).max(1) });
const allow = fixedPolicy('allow');

function outputDeltas(events: readonly AgentEvent[]): unknown[] {
  return events.filter((e): e is OutputDeltaEvent => e.type === 'output-delta').map((e) => e.output);
}

describe('structured output', () => {
  it('validates the final answer into a typed result.output, asking for it on every model call', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'issue 12' } }] },
      { output: { label: 'bug', confidence: 0.9 } },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: allow, output: Verdict });
    const result = await agent.run('Triage issue 12').result;

    expectTypeOf(result.output).toEqualTypeOf<{ label: 'bug' | 'feature'; confidence: number } | undefined>();
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ label: 'bug', confidence: 0.9 });
    expect(result.text).toBe('{"label":"bug","confidence":0.9}');
    for (const request of model.requests) {
      expect(request.output?.name).toBe('output');
      expect(request.output?.schema).toMatchObject({ type: 'object', required: ['label', 'confidence'] });
    }
    model.assertComplete();
  });

  it('takes the run’s schema over the agent’s, and types the result by it', async () => {
    const model = mockProvider([{ output: { title: 'Fix it' } }]);
    const agent = createAgent({ provider: model, output: Verdict });
    const result = await agent.run('Name it', { output: z.object({ title: z.string() }) }).result;
    expectTypeOf(result.output).toEqualTypeOf<{ title: string } | undefined>();
    expect(result.output).toEqual({ title: 'Fix it' });
    expect(model.requests[0]?.output?.schema).toMatchObject({ properties: { title: { type: 'string' } } });
    model.assertComplete();
  });

  it('wraps a schema that is not an object as { value } and unwraps the answer and its partial values', async () => {
    const model = mockProvider([{ output: { value: ['alpha', 'beta', 'gamma'] } }]);
    const agent = createAgent({ provider: model });
    const run = agent.run('List three words', { output: z.array(z.string()) });
    const { events } = await drain(run);
    const result = await run.result;
    expect(result.output).toEqual(['alpha', 'beta', 'gamma']);
    expect(model.requests[0]?.output?.schema).toEqual({
      type: 'object',
      properties: { value: { type: 'array', items: { type: 'string' } } },
      required: ['value'],
      additionalProperties: false,
    });
    const partials = outputDeltas(events);
    expect(partials.length).toBeGreaterThan(1);
    expect(partials.every(Array.isArray)).toBe(true);
    expect(partials.at(-1)).toEqual(['alpha', 'beta', 'gamma']);
    model.assertComplete();
  });

  it('keeps the definitions of a wrapped recursive schema at the top, where its references point', async () => {
    const Node: z.ZodType<{ name: string; children?: { name: string }[] }> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node).optional();
      },
    });
    const model = mockProvider([{ output: { value: [{ name: 'root', children: [{ name: 'leaf' }] }] } }]);
    const result = await createAgent({ provider: model }).run('Tree', { output: z.array(Node) }).result;
    expect(result.output).toEqual([{ name: 'root', children: [{ name: 'leaf' }] }]);
    const schema = model.requests[0]!.output!.schema as Record<string, any>;
    const ref = String(schema.properties.value.items.$ref);
    const name = ref.replace(/^#\/(definitions|\$defs)\//, '');
    expect(ref).not.toBe(name);
    expect(schema[ref.split('/')[1]!][name]).toMatchObject({ type: 'object' });
    model.assertComplete();
  });

  it('streams output-delta events with the partial object, only when it changed', async () => {
    const answer = { summary: 'The parser drops the last token of every line', files: ['src/a.ts', 'src/b.ts'] };
    const model = mockProvider([{ output: answer }]);
    const agent = createAgent({
      provider: model,
      output: z.object({ summary: z.string(), files: z.array(z.string()) }),
    });
    const run = agent.run('Summarise');
    const { events } = await drain(run);
    const partials = outputDeltas(events);
    expect(partials.length).toBeGreaterThan(1);
    expect(partials.at(-1)).toEqual(answer);
    for (let i = 1; i < partials.length; i++) expect(partials[i]).not.toEqual(partials[i - 1]);
    // Each comes right after the text delta that changed it.
    const index = events.findIndex((e) => e.type === 'output-delta');
    expect(events[index - 1]?.type).toBe('text-delta');
    expect((await run.result).output).toEqual(answer);
    model.assertComplete();
  });

  it('parses a long streamed answer less often as it grows, so its cost stays linear', async () => {
    const answer = { items: Array.from({ length: 5000 }, (_, i) => `item number ${i}`) };
    const text = JSON.stringify(answer);
    const pieces = Math.ceil(text.length / 40);
    const model: LanguageModel = {
      specificationVersion: 'v1',
      provider: 'custom',
      modelId: 'many-deltas',
      async *stream() {
        for (let i = 0; i < pieces; i++) yield { type: 'text-delta', text: text.slice(i * 40, (i + 1) * 40) };
        yield { type: 'finish', reason: 'stop' };
      },
    };
    const agent = createAgent({ provider: model, output: z.object({ items: z.array(z.string()) }) });
    const run = agent.run('List');
    const { events } = await drain(run);
    const partials = outputDeltas(events) as { items: string[] }[];
    expect(pieces).toBeGreaterThan(2000);
    // Every delta while the text is short, then each time it grew by a sixteenth: far fewer than the deltas.
    expect(partials.length).toBeGreaterThan(50);
    expect(partials.length).toBeLessThan(300);
    for (const partial of partials)
      expect(answer.items.slice(0, partial.items.length - 1)).toEqual(partial.items.slice(0, -1));
    expect((await run.result).output).toEqual(answer);
  });

  it('gives one repair turn for an answer that does not match, telling the model what was wrong', async () => {
    const model = mockProvider([
      { output: { label: 'question', confidence: 2 } },
      { output: { label: 'feature', confidence: 0.6 } },
    ]);
    const store = memoryStore();
    const agent = createAgent({ provider: model, output: Verdict, store });
    const result = await agent.run('Triage').result;
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ label: 'feature', confidence: 0.6 });
    expect(result.turns).toBe(2);
    expect(result.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const repair = model.requests[1]?.messages.at(-1);
    expect(repair?.role).toBe('user');
    const text = repair?.content[0]?.type === 'text' ? repair.content[0].text : '';
    expect(text).toContain('label:');
    expect(text).toContain('confidence:');
    expect(text).toContain('"required":["label","confidence"]');
    // The repair message is stored like any message: a reload sees the same conversation.
    const stored = (await store.load(result.sessionId)).entries.filter((e) => e.entry.type === 'message');
    expect(stored).toHaveLength(4);
    model.assertComplete();
  });

  it('repairs an answer that is not JSON, and accepts JSON in a markdown fence', async () => {
    const model = mockProvider([
      { text: 'Sure! It is a bug.' },
      { text: '```json\n{"label": "bug", "confidence": 1}\n```' },
    ]);
    const agent = createAgent({ provider: model, output: Verdict });
    const result = await agent.run('Triage').result;
    expect(result.output).toEqual({ label: 'bug', confidence: 1 });
    const repair = model.requests[1]?.messages.at(-1);
    expect(JSON.stringify(repair)).toContain('not valid JSON');
    model.assertComplete();
  });

  it('fails with OutputValidationError (raw text and issues) when the repaired answer is still invalid', async () => {
    const model = mockProvider([{ output: { label: 'bug' } }, { text: '{"label": "bug", "confidence": "high"}' }]);
    const agent = createAgent({ provider: model, output: Verdict });
    const run = agent.run('Triage');
    const { events, error } = await drain(run);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    const failure = error as OutputValidationError;
    expect(AgentError.isInstance(failure)).toBe(true);
    expect(failure.code).toBe('OUTPUT_INVALID');
    expect(failure.rawText).toBe('{"label": "bug", "confidence": "high"}');
    expect(failure.issues.map((issue) => issue.path)).toEqual([['confidence']]);
    expect(failure.result?.status).toBe('failed');
    expect(failure.result?.output).toBeUndefined();
    expect(failure.result?.messages).toHaveLength(4);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'run-end', error: { name: 'OutputValidationError', code: 'OUTPUT_INVALID' } });
    await expect(run.result).rejects.toBe(failure);
    model.assertComplete();
  });

  it('fails with invalid_json issues when neither answer is JSON', async () => {
    const model = mockProvider([{ text: 'no' }, { text: 'still no' }]);
    const agent = createAgent({ provider: model, output: Verdict });
    const error = await agent.run('Triage').result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputValidationError);
    expect((error as OutputValidationError).issues[0]).toMatchObject({ code: 'invalid_json', path: [] });
    expect((error as OutputValidationError).rawText).toBe('still no');
    model.assertComplete();
  });

  it('validates the answer of a resumed run with the schema the resume gives again', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }] },
      { output: { label: 'bug', confidence: 0.5 } },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('ask') });
    const paused = await agent.run('Triage', { output: Verdict }).result;
    expect(paused.status).toBe('paused');
    expect(paused).not.toHaveProperty('output');
    const id = paused.pending![0]!.id;
    const resumed = await agent.resume(paused.sessionId, { approvals: { [id]: 'allow' }, output: Verdict }).result;
    expectTypeOf(resumed.output).toEqualTypeOf<{ label: 'bug' | 'feature'; confidence: number } | undefined>();
    expect(resumed.output).toEqual({ label: 'bug', confidence: 0.5 });
    expect(model.requests[1]?.output?.name).toBe('output');
    model.assertComplete();
  });

  it('sets no output on a run that does not complete cleanly (a cut answer is not validated)', async () => {
    const model = mockProvider([{ text: '{"label": "bu', finishReason: 'length' }]);
    const agent = createAgent({ provider: model, output: Verdict });
    const result = await agent.run('Triage').result;
    expect(result.status).toBe('incomplete');
    expect(result).not.toHaveProperty('output');
    model.assertComplete();
  });

  it('sends no output format and sets no output without a schema', async () => {
    const model = mockProvider([{ text: '{"a": 1}' }]);
    const result = await createAgent({ provider: model }).run('Hi').result;
    expect(model.requests[0]).not.toHaveProperty('output');
    expect(result).not.toHaveProperty('output');
    model.assertComplete();
  });

  it('refuses an output that is not a zod schema, on createAgent and on run', () => {
    const model = mockProvider([]);
    expect(() => createAgent({ provider: model, output: { type: 'object' } as never })).toThrow(ConfigError);
    const agent = createAgent({ provider: model });
    expect(() => agent.run('x', { output: 'json' as never })).toThrow(/zod schema/);
    model.assertComplete();
  });

  it('refuses a mock step that gives both output and text', async () => {
    const model = mockProvider([{ output: { a: 1 }, text: 'and text' }]);
    const error = await createAgent({ provider: model })
      .run('Hi')
      .result.catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain('`output` or `text`, not both');
  });
});
