/**
 * Structured output end to end on every adapter: `createAgent({ output })` (or `run(input, { output })`)
 * over the official SDK and the provider's mock wire server gives a typed, validated `result.output`,
 * streams partial objects as `output-delta` events, repairs one invalid answer, fails a second with
 * `OutputValidationError`, and a sub-agent with an output schema answers its parent with the object.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createAgent,
  OutputValidationError,
  subagent,
  type AgentEvent,
  type OutputDeltaEvent,
} from '../../src/index.js';
import type { LanguageModel, ModelRequest } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { startMockServer, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import type { MockStep } from '../../src/testing/mock-step.js';
import type { JsonValue } from '../../src/model/message.js';
import { drain, echoTool, fixedPolicy } from '../helpers/agent.js';

let servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

const Triage = z.object({
  label: z.enum(['bug', 'feature']),
  summary: z.string(),
  files: z.array(z.string()),
});
const valid = { label: 'bug', summary: 'The parser drops the last token of every line', files: ['src/parse.ts'] };
/** Valid JSON that the schema refuses: `question` is not a label. */
const wrongLabel = { label: 'question', summary: 'Unclear', files: [] };

interface Adapter {
  readonly name: string;
  readonly wire: WireName;
  readonly make: (baseURL: string) => LanguageModel;
  /** `true` when the adapter sends the schema as a forced final tool, not as a native response format. */
  readonly viaTool?: boolean;
}

const adapters: readonly Adapter[] = [
  {
    name: 'anthropic',
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-sonnet-4-6', apiKey: 'sk-ant-test-key-123456', baseURL }),
  },
  {
    name: 'anthropic (forced tool)',
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-3-5-haiku-latest', apiKey: 'sk-ant-test-key-123456', baseURL }),
    viaTool: true,
  },
  {
    name: 'openai chat',
    wire: 'openai',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }),
  },
  {
    name: 'openai responses',
    wire: 'openai-responses',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
  },
  {
    name: 'gemini',
    wire: 'gemini',
    make: (baseURL) => gemini({ model: 'gemini-3-flash-preview', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL }),
  },
  {
    name: 'ollama',
    wire: 'ollama',
    make: (host) => ollama({ model: 'qwen3:8b', host }),
  },
];

/** The step that answers with `value`: JSON text, or the forced output tool's call. */
const answerStep = (adapter: Adapter, value: JsonValue): MockStep =>
  adapter.viaTool ? { toolCalls: [{ name: 'output', input: value }] } : { text: JSON.stringify(value) };

/** A step function that records the request it answers. */
function recording(seen: ModelRequest[], step: MockStep) {
  return (request: ModelRequest): MockStep => {
    seen.push(request);
    return step;
  };
}

async function serve(adapter: Adapter, script: Parameters<typeof startMockServer>[0]['script']) {
  const server = await startMockServer({ wire: adapter.wire, script });
  servers.push(server);
  return { server, model: adapter.make(server.baseURL) };
}

const partials = (events: readonly AgentEvent[]): JsonValue[] =>
  events.filter((e): e is OutputDeltaEvent => e.type === 'output-delta').map((e) => e.output);

/** Whether a request asked for the schema: natively (decoded by the wire) or as the forced `output` tool. */
function askedFor(adapter: Adapter, request: ModelRequest, field: string): boolean {
  if (adapter.viaTool) {
    const tool = request.tools.find((t) => t.name === 'output');
    return JSON.stringify(tool?.inputSchema ?? {}).includes(`"${field}"`);
  }
  return JSON.stringify(request.output?.schema ?? {}).includes(`"${field}"`);
}

describe.each(adapters)('structured output end to end on $name', (adapter) => {
  it('validates the final answer after a tool call into a typed result.output, streaming partial objects', async () => {
    const seen: ModelRequest[] = [];
    const { server, model } = await serve(adapter, [
      recording(seen, { toolCalls: [{ name: 'echo', input: { text: 'issue 12' } }] }),
      recording(seen, answerStep(adapter, valid)),
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow'), output: Triage });
    const run = agent.run('Triage issue 12');
    const { events, error } = await drain(run);
    expect(error).toBeUndefined();
    const result = await run.result;

    expectTypeOf(result.output).toEqualTypeOf<z.output<typeof Triage> | undefined>();
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(valid);
    // Every call asks for the schema, the one that may still use tools too.
    expect(seen).toHaveLength(2);
    for (const request of seen) expect(askedFor(adapter, request, 'summary')).toBe(true);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({ name: 'echo', isError: false });

    const objects = partials(events);
    expect(objects.length).toBeGreaterThan(1);
    expect(objects.at(-1)).toEqual(valid);
    for (const object of objects) expect(typeof object === 'object' && !Array.isArray(object)).toBe(true);
    // Partial objects grow: each later summary extends the one before.
    const summaries = objects.map((o) => (o as { summary?: string }).summary ?? '');
    for (let i = 1; i < summaries.length; i++) expect(summaries[i]!.startsWith(summaries[i - 1]!)).toBe(true);
    expect(server.rejections).toEqual([]);
  });

  it('gives one repair turn to an answer the schema refuses, then succeeds', async () => {
    const seen: ModelRequest[] = [];
    const { server, model } = await serve(adapter, [
      recording(seen, answerStep(adapter, wrongLabel)),
      recording(seen, answerStep(adapter, valid)),
    ]);
    const agent = createAgent({ provider: model, output: Triage });
    const result = await agent.run('Triage issue 12').result;
    expect(result.status).toBe('completed');
    expect(result.output).toEqual(valid);
    expect(result.turns).toBe(2);
    // The repair turn tells the model what was wrong, as the last user message of the second request.
    const repair = seen[1]!.messages.filter((m) => m.role === 'user').at(-1);
    const text = JSON.stringify(repair);
    expect(text).toContain('cannot be used');
    expect(text).toContain('label');
    expect(server.rejections).toEqual([]);
  });

  it('fails with OutputValidationError carrying the raw text when the repaired answer is invalid too', async () => {
    const second = { label: 'bug', summary: 42, files: 'src/parse.ts' };
    const { server, model } = await serve(adapter, [answerStep(adapter, wrongLabel), answerStep(adapter, second)]);
    const agent = createAgent({ provider: model, output: Triage });
    const error = await agent.run('Triage issue 12').result.catch((e: unknown) => e);
    expect(OutputValidationError.isInstance(error)).toBe(true);
    const failure = error as OutputValidationError;
    expect(failure.code).toBe('OUTPUT_INVALID');
    expect(JSON.parse(failure.rawText)).toEqual(second);
    expect(failure.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['files', 'summary']);
    expect(failure.result?.status).toBe('failed');
    expect(server.requests).toHaveLength(2);
    expect(server.rejections).toEqual([]);
  });

  it("takes run(input, { output }) over the agent's schema, and types the result by it", async () => {
    const seen: ModelRequest[] = [];
    const { model } = await serve(adapter, [recording(seen, answerStep(adapter, { title: 'Fix the parser' }))]);
    const agent = createAgent({ provider: model, output: Triage });
    const result = await agent.run('Name the fix', { output: z.object({ title: z.string() }) }).result;
    expectTypeOf(result.output).toEqualTypeOf<{ title: string } | undefined>();
    expect(result.output).toEqual({ title: 'Fix the parser' });
    expect(askedFor(adapter, seen[0]!, 'title')).toBe(true);
    expect(askedFor(adapter, seen[0]!, 'summary')).toBe(false);
  });

  it("answers a parent's sub-agent call with the child's validated object", async () => {
    const { model } = await serve(adapter, [answerStep(adapter, wrongLabel), answerStep(adapter, valid)]);
    const child = createAgent({ provider: model, name: 'triager', output: Triage });
    const parentModel = mockProvider([
      { toolCalls: [{ name: 'triager', input: { prompt: 'Triage issue 12' } }] },
      (request) => {
        const result = request.messages.at(-1)?.content[0];
        return { text: result?.type === 'tool-result' ? `Filed as ${JSON.stringify(result.output)}` : 'no result' };
      },
    ]);
    const parent = createAgent({
      provider: parentModel,
      name: 'lead',
      tools: [subagent({ name: 'triager', description: 'Triages an issue', agent: child })],
      policy: fixedPolicy('allow'),
    });
    const run = parent.run('Handle issue 12');
    const { events } = await drain(run);
    const result = await run.result;
    parentModel.assertComplete();
    const toolResult = events.find((e) => e.type === 'tool-result' && e.path === undefined);
    // The object itself, not its JSON text; the child's own repair turn stays inside the child.
    expect(toolResult).toMatchObject({ name: 'triager', isError: false, output: valid });
    expect(partials(events.filter((e) => e.path !== undefined)).at(-1)).toEqual(valid);
    expect(result.text).toBe(`Filed as ${JSON.stringify(valid)}`);
  });
});
