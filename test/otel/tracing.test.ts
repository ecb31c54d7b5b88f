/**
 * OpenTelemetry spans of real runs: createAgent + codingTools + the real policy on the mock provider,
 * exported by the SDK's in-memory exporter.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byName, inMemoryTracing, ms, parentId } from './helpers.js';
import { createAgent } from '../../src/index.js';
import { withTracing } from '../../src/otel/index.js';
import type { ModelRequest } from '../../src/model/language-model.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const { exporter, tracer } = inMemoryTracing();
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-otel-'));
  await writeFile(join(root, 'notes.txt'), 'remember the milk\n');
  await writeFile(join(root, '.env'), 'TOKEN=secret\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

function twoTurnAgent(recordContent = false) {
  const provider = mockProvider([
    {
      toolCalls: [
        { name: 'read', input: { file_path: 'notes.txt' } },
        { name: 'read', input: { file_path: '.env' } },
      ],
      usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 60 },
    },
    { text: 'The notes say: remember the milk.', usage: { inputTokens: 150, outputTokens: 12 } },
  ]);
  const agent = createAgent(
    withTracing(
      {
        provider,
        name: 'helper',
        instructions: 'Be brief.',
        tools: codingTools({ root }),
        policy: { root, deny: ['Read(.env)'] },
      },
      { tracer, recordContent },
    ),
  );
  return { agent, provider };
}

describe('withTracing', () => {
  it('makes a run span with a chat span per model call and a tool span per call, with GenAI attributes', async () => {
    const { agent, provider } = twoTurnAgent();
    const result = await agent.run('What do the notes say?').result;
    provider.assertComplete();
    expect(result.status).toBe('completed');

    const spans = exporter.getFinishedSpans();
    const [run] = byName(spans, 'invoke_agent helper');
    expect(run).toBeDefined();
    expect(parentId(run!)).toBeUndefined();
    expect(run!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'helper',
      'gen_ai.conversation.id': result.sessionId,
      'gen_ai.provider.name': provider.provider,
      'gen_ai.request.model': provider.modelId,
      'gen_ai.usage.input_tokens': 250,
      'gen_ai.usage.output_tokens': 32,
      'icode.run.status': 'completed',
    });

    const chats = byName(spans, `chat ${provider.modelId}`);
    expect(chats).toHaveLength(2);
    for (const chat of chats) expect(parentId(chat)).toBe(run!.spanContext().spanId);
    expect(chats[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.usage.cache_read.input_tokens': 60,
      'gen_ai.response.finish_reasons': ['tool-calls'],
      'icode.turn': 1,
    });
    expect(chats[1]!.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);

    const tools = byName(spans, 'execute_tool read');
    expect(tools).toHaveLength(2);
    for (const span of tools) expect(parentId(span)).toBe(run!.spanContext().spanId);
    const [allowed, denied] = [...tools].sort((a, b) =>
      String(a.attributes['gen_ai.tool.call.id']).localeCompare(String(b.attributes['gen_ai.tool.call.id'])),
    );
    expect(allowed!.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'read',
      'gen_ai.tool.type': 'function',
    });
    expect(allowed!.attributes['error.type']).toBeUndefined();
    expect(allowed!.status.code).toBe(0);
    expect(denied!.attributes).toMatchObject({
      'icode.permission.decision': 'deny',
      'icode.permission.source': 'rule',
      'error.type': 'PERMISSION_DENIED',
    });
    expect(denied!.status.code).toBe(2);
    // The model call ends before its tool calls run: the spans of one turn do not overlap.
    for (const span of tools) {
      // Each span's clock is anchored when it starts: compare to the millisecond.
      expect(ms(span.startTime) + 1).toBeGreaterThanOrEqual(ms(chats[0]!.endTime));
    }
  });

  it('records no content unless asked, and prompts, outputs and tool results when asked', async () => {
    const plain = twoTurnAgent();
    await plain.agent.run('What do the notes say?').result;
    const quiet = exporter.getFinishedSpans().flatMap((span) => Object.keys(span.attributes));
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments']) {
      expect(quiet).not.toContain(key);
    }
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toContain('milk');

    exporter.reset();
    const loud = twoTurnAgent(true);
    await loud.agent.run('What do the notes say?').result;
    const spans = exporter.getFinishedSpans();
    const chats = byName(spans, `chat ${loud.provider.modelId}`);
    expect(String(chats[1]!.attributes['gen_ai.output.messages'])).toContain('remember the milk');
    const tool = byName(spans, 'execute_tool read').find((s) => !s.attributes['error.type']);
    expect(JSON.parse(String(tool!.attributes['gen_ai.tool.call.arguments']))).toEqual({ file_path: 'notes.txt' });
    expect(String(tool!.attributes['gen_ai.tool.call.result'])).toContain('remember the milk');
  });

  it('nests a run under the span active where agent.run is called', async () => {
    const { agent } = twoTurnAgent();
    const outer = tracer.startSpan('POST /ask');
    await context.with(trace.setSpan(context.active(), outer), () => agent.run('What do the notes say?').result);
    outer.end();
    const [run] = byName(exporter.getFinishedSpans(), 'invoke_agent helper');
    expect(parentId(run!)).toBe(outer.spanContext().spanId);
    expect(run!.spanContext().traceId).toBe(outer.spanContext().traceId);
  });

  it('marks a failed run and its open model call as errors', async () => {
    const provider = mockProvider([{ error: new Error('upstream exploded') }]);
    const agent = createAgent(withTracing({ provider, name: 'helper' }, { tracer }));
    await expect(agent.run('Hi').result).rejects.toThrow('upstream exploded');
    const spans = exporter.getFinishedSpans();
    const [run] = byName(spans, 'invoke_agent helper');
    expect(run!.status).toMatchObject({ code: 2, message: expect.stringContaining('upstream exploded') });
    expect(run!.attributes['icode.run.status']).toBe('failed');
    expect(run!.attributes['error.type']).toBeDefined();
    const [chat] = byName(spans, `chat ${provider.modelId}`);
    expect(chat!.status.code).toBe(2);
  });

  it('makes a compaction span between the turns it sits between', async () => {
    let turn = 0;
    const provider = mockProvider(
      (request: ModelRequest) => {
        if (request.toolChoice === 'none') return { text: 'Summary.', usage: { inputTokens: 300, outputTokens: 20 } };
        turn++;
        if (turn <= 3) {
          const input = { file_path: 'notes.txt' };
          return { toolCalls: [{ name: 'read', input }], usage: { inputTokens: 250 * turn, outputTokens: 30 } };
        }
        return { text: 'done', usage: { inputTokens: 200, outputTokens: 5 } };
      },
      { contextWindow: 1000 },
    );
    const agent = createAgent(
      withTracing(
        {
          provider,
          tools: codingTools({ root }),
          policy: { root },
          compaction: { threshold: 0.7, keepRecentTurns: 1 },
          repeatLimit: false,
        },
        { tracer },
      ),
    );
    await agent.run('Read the notes three times').result;
    const spans = exporter.getFinishedSpans();
    const [compaction] = byName(spans, 'compaction');
    const [run] = byName(spans, 'invoke_agent agent');
    expect(compaction!.attributes).toMatchObject({
      'gen_ai.operation.name': 'compaction',
      'icode.compaction.strategy': 'summarize',
    });
    expect(Number(compaction!.attributes['icode.compaction.tokens_after'])).toBeLessThan(
      Number(compaction!.attributes['icode.compaction.tokens_before']),
    );
    expect(parentId(compaction!)).toBe(run!.spanContext().spanId);
    // It starts where the turn before it ended and ends before the next turn starts.
    const chats = byName(spans, `chat ${provider.modelId}`).sort((a, b) => ms(a.startTime) - ms(b.startTime));
    const before = chats.filter((c) => ms(c.startTime) <= ms(compaction!.startTime)).at(-1)!;
    const after = chats.find((c) => ms(c.startTime) + 1 >= ms(compaction!.endTime))!;
    expect(ms(compaction!.startTime) + 1).toBeGreaterThanOrEqual(ms(before.startTime));
    expect(after).toBeDefined();
  });

  it('keeps the agent’s own hooks', async () => {
    const seen: string[] = [];
    const provider = mockProvider([{ text: 'hello' }]);
    const agent = createAgent(
      withTracing({ provider, hooks: { onEvent: (event) => void seen.push(event.type) } }, { tracer }),
    );
    await agent.run('Hi').result;
    provider.assertComplete();
    expect(seen).toContain('run-end');
    expect(byName(exporter.getFinishedSpans(), 'invoke_agent agent')).toHaveLength(1);
  });

  it('tracks nothing when no SDK is registered (a no-op tracer)', async () => {
    const provider = mockProvider([{ text: 'hello' }]);
    const agent = createAgent(withTracing({ provider }));
    const result = await agent.run('Hi').result;
    expect(result.status).toBe('completed');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
