/**
 * The built-in hooks, through createAgent with the real coding tools (todo_write among them) and the real
 * policy: todoContinuation, contextWindowMonitor and toolOutputTruncator.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  contextWindowMonitor,
  memoryStore,
  todoContinuation,
  toolOutputTruncator,
  type ModelRequest,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { workspace, type Workspace } from './workspace.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.remove());

const todos = (...statuses: string[]) => ({
  name: 'todo_write',
  input: { todos: statuses.map((status, i) => ({ content: `Task ${i + 1}`, status })) },
});
const lastUserText = (request: ModelRequest) => {
  const last = request.messages.at(-1)!;
  return last.role === 'user' ? last.content.map((p) => (p as { text: string }).text).join('') : undefined;
};

describe('todoContinuation', () => {
  it('continues a run that stops with open todos, until they are done', async () => {
    const model = mockProvider([
      { toolCalls: [todos('completed', 'in_progress', 'pending')] },
      { text: 'Stopping here.' },
      { toolCalls: [todos('completed', 'completed', 'completed')] },
      { text: 'All done.' },
    ]);
    const result = await ws.agent({ provider: model, hooks: todoContinuation({ maxContinuations: 3 }) }).run('work')
      .result;
    expect(result).toMatchObject({ status: 'completed', text: 'All done.', turns: 4 });
    const nudge = lastUserText(model.requests[2]!)!;
    expect(nudge).toContain('2 of 3 tasks in your todo list are not completed');
    expect(nudge).toContain('[>] Task 2');
    expect(nudge).toContain('[ ] Task 3');
    model.assertComplete();
  });

  it('gives up after maxContinuations in one run, and starts afresh in the next run', async () => {
    const model = mockProvider([
      { toolCalls: [todos('pending')] },
      { text: 'no' },
      { text: 'still no' },
      { text: 'next run' },
      { text: 'and no' },
    ]);
    const store = memoryStore();
    const agent = ws.agent({ provider: model, store, hooks: todoContinuation({ maxContinuations: 1 }) });
    const first = await agent.run('work').result;
    expect(first).toMatchObject({ status: 'completed', text: 'still no', turns: 3 });
    // The list is kept with the session: the next run is sent back to it once more.
    const second = await agent.run('go on', { sessionId: first.sessionId }).result;
    expect(second).toMatchObject({ status: 'completed', text: 'and no', turns: 2 });
    model.assertComplete();
  });

  it('lets a run without todos stop', async () => {
    const model = mockProvider([{ text: 'done' }]);
    const result = await ws.agent({ provider: model, hooks: todoContinuation() }).run('hi').result;
    expect(result.turns).toBe(1);
    model.assertComplete();
  });

  it('rejects a bad cap', () => {
    expect(() => todoContinuation({ maxContinuations: 0 })).toThrow(ConfigError);
  });
});

describe('contextWindowMonitor', () => {
  it('tells the model once per threshold crossed, on the tool result that crossed it', async () => {
    await writeFile(join(ws.root, 'a.txt'), 'alpha\n');
    const read = { toolCalls: [{ name: 'read', input: { file_path: 'a.txt' } }] };
    const model = mockProvider(
      [
        { ...read, usage: { inputTokens: 300, outputTokens: 10 } },
        { ...read, usage: { inputTokens: 650, outputTokens: 10 } },
        { ...read, usage: { inputTokens: 700, outputTokens: 10 } },
        { ...read, usage: { inputTokens: 900, outputTokens: 10 } },
        { text: 'done', usage: { inputTokens: 950, outputTokens: 5 } },
      ],
      { contextWindow: 1000 },
    );
    await ws
      .agent({
        provider: model,
        compaction: false,
        hooks: contextWindowMonitor({ thresholds: [0.6, 0.85] }),
      })
      .run('read a lot').result;
    const outputs = model.requests
      .slice(1)
      .map((r) => String((r.messages.at(-1)!.content[0] as { output: unknown }).output));
    expect(outputs.map((o) => /Context window (\d+) % full/.exec(o)?.[1])).toEqual([undefined, '66', undefined, '91']);
    model.assertComplete();
  });

  it('does nothing when no context window is known', async () => {
    await writeFile(join(ws.root, 'a.txt'), 'alpha\n');
    const model = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'a.txt' } }], usage: { inputTokens: 10_000, outputTokens: 1 } },
      { text: 'done' },
    ]);
    await ws.agent({ provider: model, hooks: contextWindowMonitor() }).run('read').result;
    expect(JSON.stringify(model.requests[1]!.messages.at(-1))).not.toContain('Context window');
    model.assertComplete();
  });

  it('rejects thresholds outside (0, 1)', () => {
    expect(() => contextWindowMonitor({ thresholds: [1.2] })).toThrow(ConfigError);
  });
});

describe('toolOutputTruncator', () => {
  it('cuts long results per tool, keeping head and tail around a marker', async () => {
    await writeFile(join(ws.root, 'big.txt'), `${'head '.repeat(400)}${'tail '.repeat(400)}`);
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'bash', input: { command: 'cat big.txt' } },
          { name: 'read', input: { file_path: 'big.txt' } },
        ],
      },
      { text: 'done' },
    ]);
    await ws
      .agent({
        provider: model,
        policy: { mode: 'full-access' },
        hooks: toolOutputTruncator({ maxChars: 10_000, perTool: { bash: 300 } }),
      })
      .run('look').result;
    const [bash, read] = model.requests[1]!.messages.at(-1)!.content as readonly { output: unknown }[];
    const cut = typeof bash!.output === 'string' ? bash!.output : JSON.stringify(bash!.output);
    expect(cut).toMatch(/characters truncated of/);
    expect(cut.length).toBeLessThan(500);
    expect(JSON.stringify(read!.output)).not.toMatch(/characters truncated/);
    model.assertComplete();
  });

  it('needs a cap', () => {
    expect(() => toolOutputTruncator({})).toThrow(ConfigError);
    expect(() => toolOutputTruncator({ perTool: { bash: -1 } })).toThrow(ConfigError);
  });
});
