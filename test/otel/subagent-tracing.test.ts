/**
 * OpenTelemetry spans of a run that delegates: a parent traced with `withTracing`, a real tool and a
 * sub-agent with tools of its own, on the mock provider, exported by the SDK's in-memory exporter. The
 * child's run nests under the tool call that started it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byName, inMemoryTracing, ms, parentId } from './helpers.js';
import { createAgent, subagent, type RunResult } from '../../src/index.js';
import { withTracing } from '../../src/otel/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { readTool } from '../../src/tools/builtin/index.js';

const { exporter, tracer } = inMemoryTracing();
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-otel-sub-'));
  await writeFile(join(root, 'notes.txt'), 'remember the milk\n');
  await writeFile(join(root, 'todo.txt'), 'buy bread\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
const readTools = () => [readTool({ root })];

/** A traced parent `lead` with the read tools and an `explorer` sub-agent on a model of its own. */
function delegatingAgent(parentSteps: MockStep[], childSteps: MockStep[]) {
  const parentModel = mockProvider(parentSteps, { modelId: 'lead-model' });
  const childModel = mockProvider(childSteps, { modelId: 'explorer-model' });
  const explorer = subagent({
    name: 'explorer',
    description: 'Reads files and reports',
    options: { provider: childModel, tools: readTools(), policy: { mode: 'read-only', root } },
  });
  const agent = createAgent(
    withTracing(
      {
        provider: parentModel,
        name: 'lead',
        tools: [...readTools(), explorer],
        sandbox: localSandbox({ root }),
        policy: { mode: 'read-only', root },
      },
      { tracer },
    ),
  );
  return { agent, assertComplete: () => [parentModel, childModel].forEach((m) => m.assertComplete()) };
}

const explore = (id: string, file: string) => ({ id, name: 'explorer', input: { prompt: `Read ${file}` } });

describe('withTracing with a sub-agent', () => {
  it('nests the child run under the tool call that started it, beside the parent’s own tool call', async () => {
    const { agent, assertComplete } = delegatingAgent(
      [
        {
          toolCalls: [{ id: 'own', name: 'read', input: { file_path: 'todo.txt' } }, explore('sub', 'notes.txt')],
          usage: { inputTokens: 100, outputTokens: 10 },
        },
        { text: 'Bread and milk.', usage: { inputTokens: 200, outputTokens: 5 } },
      ],
      [
        {
          toolCalls: [{ id: 'c1', name: 'read', input: { file_path: 'notes.txt' } }],
          usage: { inputTokens: 40, outputTokens: 4 },
        },
        { text: 'It says remember the milk.', usage: { inputTokens: 60, outputTokens: 6 } },
      ],
    );
    const result: RunResult = await agent.run('What is to do?').result;
    assertComplete();
    expect(result.status).toBe('completed');
    const spans = exporter.getFinishedSpans();

    const [lead] = byName(spans, 'invoke_agent lead');
    expect(parentId(lead!)).toBeUndefined();
    expect(lead!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'lead',
      'gen_ai.conversation.id': result.sessionId,
      'gen_ai.request.model': 'lead-model',
      'icode.run.status': 'completed',
    });

    // The parent's own tool call and the sub-agent's call are both children of the parent's run.
    const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    const ownRead = tools.find((s) => s.attributes['gen_ai.tool.call.id'] === 'own')!;
    const call = tools.find((s) => s.attributes['gen_ai.tool.call.id'] === 'sub')!;
    expect(ownRead.name).toBe('execute_tool read');
    expect(call.name).toBe('execute_tool explorer');
    expect(parentId(ownRead)).toBe(idOf(lead!));
    expect(parentId(call)).toBe(idOf(lead!));
    expect(call.status.code).toBe(0);

    const [child] = byName(spans, 'invoke_agent explorer');
    expect(parentId(child!)).toBe(idOf(call));
    expect(child!.spanContext().traceId).toBe(lead!.spanContext().traceId);
    expect(child!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'explorer',
      'icode.agent.path': ['lead', 'explorer'],
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
      'icode.run.status': 'completed',
    });
    // The child has a session of its own.
    expect(child!.attributes['gen_ai.conversation.id']).not.toBe(result.sessionId);

    // The child's model calls and tool call are children of the child's run, not of the parent's.
    const underChild = spans.filter((s) => parentId(s) === idOf(child!));
    expect(underChild.map((s) => s.attributes['gen_ai.operation.name']).sort()).toEqual([
      'chat',
      'chat',
      'execute_tool',
    ]);
    const childTool = underChild.find((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool')!;
    expect(childTool.attributes).toMatchObject({ 'gen_ai.tool.name': 'read', 'gen_ai.tool.call.id': 'c1' });
    const childChats = underChild.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(childChats.map((s) => s.attributes['gen_ai.usage.input_tokens']).sort()).toEqual([40, 60]);

    // The parent's chats stay under the parent's run.
    const leadChats = spans.filter(
      (s) => s.attributes['gen_ai.operation.name'] === 'chat' && parentId(s) === idOf(lead!),
    );
    expect(leadChats).toHaveLength(2);
    // The call span covers the child's run. The SDK anchors each span's clock when the span starts, so two
    // spans' times can disagree by microseconds: compare to the millisecond.
    expect(ms(call.startTime)).toBeLessThanOrEqual(ms(child!.startTime) + 1);
    expect(ms(call.endTime) + 1).toBeGreaterThanOrEqual(ms(child!.endTime));
  });

  // Known gap: the tracer names and labels every chat span with the traced (top-level) agent's model, also
  // the chat spans of a sub-agent that runs on another model: events do not say which model a run uses.
  it('labels the chat spans of a child on another model with that model', async () => {
    const { agent, assertComplete } = delegatingAgent(
      [{ toolCalls: [explore('sub', 'notes.txt')] }, { text: 'done' }],
      [{ text: 'It says remember the milk.' }],
    );
    await agent.run('What is to do?').result;
    assertComplete();
    const spans = exporter.getFinishedSpans();
    const [child] = byName(spans, 'invoke_agent explorer');
    const [chat] = spans.filter(
      (s) => s.attributes['gen_ai.operation.name'] === 'chat' && parentId(s) === idOf(child!),
    );
    expect(chat!.attributes['gen_ai.request.model']).toBe('explorer-model');
    expect(chat!.name).toBe('chat explorer-model');
  });

  // Known gap: two calls of the same sub-agent in one turn both nest under the first call's span: a
  // child's run-start says which agent it is (its path) but not which tool call started it.
  it('nests two concurrent runs of the same sub-agent each under its own tool call', async () => {
    const { agent, assertComplete } = delegatingAgent(
      [{ toolCalls: [explore('a', 'notes.txt'), explore('b', 'todo.txt')] }, { text: 'done' }],
      [{ text: 'first' }, { text: 'second' }],
    );
    await agent.run('Read both').result;
    assertComplete();
    const spans = exporter.getFinishedSpans();
    const calls = byName(spans, 'execute_tool explorer');
    const children = byName(spans, 'invoke_agent explorer');
    expect(calls).toHaveLength(2);
    expect(children).toHaveLength(2);
    expect(new Set(children.map(parentId))).toEqual(new Set(calls.map(idOf)));
  });
});
