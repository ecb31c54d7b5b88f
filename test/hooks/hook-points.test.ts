/**
 * The in-process hook points, through createAgent with the real coding tools and the real policy: the run's
 * start and end, the user's input, stop, compaction, arrays of hook objects, and a hook's ask and allow
 * against the policy.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GuardrailError,
  MAX_STOP_CONTINUATIONS,
  memoryStore,
  type AgentHooks,
  type RunResult,
  type SessionEndInfo,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { collect, drain } from '../helpers/agent.js';
import { workspace, type Workspace } from './workspace.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.remove());

const userTexts = (messages: readonly { role: string; content: readonly { type: string }[] }[]) =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content.map((p) => (p as { text?: string }).text ?? '').join('|'));

describe('run start and end', () => {
  it('sessionStart and userPromptSubmit add context to the input; sessionEnd gets the result', async () => {
    const model = mockProvider([{ text: 'noted' }, { text: 'again' }]);
    const seen: string[] = [];
    const ended: SessionEndInfo[] = [];
    const store = memoryStore();
    const agent = ws.agent({
      provider: model,
      store,
      hooks: {
        sessionStart: ({ source }) => {
          seen.push(source);
          return { additionalContext: `source=${source}` };
        },
        userPromptSubmit: ({ text }) => ({ additionalContext: `prompt had ${text.length} chars` }),
        sessionEnd: (info) => void ended.push(info),
      },
    });
    const first = await agent.run('hello').result;
    await agent.run('more', { sessionId: first.sessionId }).result;
    expect(seen).toEqual(['new', 'continue']);
    expect(userTexts(model.requests[0]!.messages)).toEqual(['hello|source=new|prompt had 5 chars']);
    // The context is stored with the input: a later run sees the same history.
    expect(userTexts(model.requests[1]!.messages)).toEqual([
      'hello|source=new|prompt had 5 chars',
      'more|source=continue|prompt had 4 chars',
    ]);
    expect(ended.map((e) => [e.status, e.result.text])).toEqual([
      ['completed', 'noted'],
      ['completed', 'again'],
    ]);
    model.assertComplete();
  });

  it('userPromptSubmit blocks the input: GuardrailError, status failed, no model call, nothing stored', async () => {
    const model = mockProvider([]);
    const store = memoryStore();
    const ended: string[] = [];
    const agent = ws.agent({
      provider: model,
      store,
      hooks: {
        name: 'prompt-policy',
        userPromptSubmit: ({ text }) =>
          text.includes('password') ? { block: 'no credentials in prompts' } : undefined,
        sessionEnd: ({ status }) => void ended.push(status),
      },
    });
    const run = agent.run('my password is hunter2');
    const { events, error } = await drain(run);
    expect(GuardrailError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'GUARDRAIL_TRIPPED',
      guardrail: 'prompt-policy',
      reason: 'no credentials in prompts',
      stage: 'input',
      result: { status: 'failed' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { status: 'failed' } });
    expect((await store.load(run.sessionId)).entries).toEqual([]);
    expect(ended).toEqual(['failed']);
    model.assertComplete();
  });
});

describe('stop', () => {
  it('makes a completed run go on with a message, as the next user input', async () => {
    const model = mockProvider([
      { text: 'done?' },
      { toolCalls: [{ name: 'write', input: { file_path: 'out.txt', content: 'ok' } }] },
      { text: 'now done' },
    ]);
    const infos: { text: string; continuations: number }[] = [];
    const result = await ws
      .agent({
        provider: model,
        hooks: {
          stop: (info) => {
            infos.push(info);
            return existsSync(join(ws.root, 'out.txt')) ? undefined : { continue: 'Write out.txt first.' };
          },
        },
      })
      .run('write the file').result;
    expect(result).toMatchObject({ status: 'completed', text: 'now done', turns: 3 });
    expect(infos).toEqual([
      { text: 'done?', continuations: 0 },
      { text: 'now done', continuations: 1 },
    ]);
    expect(userTexts(model.requests[1]!.messages)).toEqual(['write the file', 'Write out.txt first.']);
    expect(await readFile(join(ws.root, 'out.txt'), 'utf8')).toBe('ok');
    model.assertComplete();
  });

  it('cannot loop forever: a run goes on at most MAX_STOP_CONTINUATIONS times', async () => {
    const model = mockProvider(() => ({ text: 'stopping' }));
    const result = await ws
      .agent({
        provider: model,
        maxTurns: 100,
        hooks: { stop: () => ({ continue: 'Keep going.' }) },
      })
      .run('go').result;
    expect(result.status).toBe('completed');
    expect(result.turns).toBe(MAX_STOP_CONTINUATIONS + 1);
    model.assertComplete();
  });

  it('is not asked when no turn is left, so the session never ends on a dangling message', async () => {
    const model = mockProvider([{ text: 'one' }]);
    let asked = 0;
    const result = await ws
      .agent({
        provider: model,
        maxTurns: 1,
        hooks: { stop: () => (asked++, { continue: 'more' }) },
      })
      .run('go').result;
    expect(result).toMatchObject({ status: 'completed', turns: 1 });
    expect(asked).toBe(0);
    model.assertComplete();
  });
});

describe('hook arrays', () => {
  it('run in array order: inputs chain, the first deny wins, contexts join, events reach every listener', async () => {
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'write', input: { file_path: 'a.txt', content: 'model' } },
          { name: 'write', input: { file_path: 'secret.txt', content: 'x' } },
        ],
      },
      { text: 'done' },
    ]);
    const order: string[] = [];
    const events: string[][] = [[], []];
    const first: AgentHooks = {
      name: 'first',
      userPromptSubmit: () => (order.push('first:prompt'), { additionalContext: 'ctx-1' }),
      beforeToolCall: (call) => {
        order.push(`first:${String((call.input as { file_path: string }).file_path)}`);
        if ((call.input as { file_path: string }).file_path === 'secret.txt') return { deny: 'first says no' };
        return { input: { ...(call.input as object), content: 'first' } };
      },
      afterToolCall: (_call, result) => ({ ...result, output: `${String(result.output)} +first` }),
      onEvent: (event) => void events[0]!.push(event.type),
    };
    const second: AgentHooks = {
      name: 'second',
      userPromptSubmit: () => (order.push('second:prompt'), { additionalContext: 'ctx-2' }),
      beforeToolCall: (call) => {
        order.push(`second:${String((call.input as { content: string }).content)}`);
        return {
          input: { ...(call.input as object), content: `${(call.input as { content: string }).content}+second` },
        };
      },
      afterToolCall: (_call, result) => ({ ...result, output: `${String(result.output)} +second` }),
      onEvent: (event) => void events[1]!.push(event.type),
    };
    const result = await ws.agent({ provider: model, hooks: [first, second] }).run('go').result;
    expect(result.status).toBe('completed');
    expect(order.slice(0, 2)).toEqual(['first:prompt', 'second:prompt']);
    // The denied call never reached the second hook; the other got the first hook's input.
    expect(order.slice(2).sort()).toEqual(['first:a.txt', 'first:secret.txt', 'second:first'].sort());
    expect(await readFile(join(ws.root, 'a.txt'), 'utf8')).toBe('first+second');
    expect(existsSync(join(ws.root, 'secret.txt'))).toBe(false);
    expect(userTexts(model.requests[0]!.messages)).toEqual(['go|ctx-1|ctx-2']);
    const results = model.requests[1]!.messages.at(-1)!.content as readonly { output: string; isError: boolean }[];
    expect(results[0]!.output).toMatch(/ \+first \+second$/);
    expect(results[1]).toMatchObject({ isError: true });
    expect(results[1]!.output).toContain('first says no');
    expect(events[0]).toEqual(events[1]);
    expect(events[0]).toContain('run-end');
    model.assertComplete();
  });

  it('rejects an entry that is not a hook object with a ConfigError', () => {
    const model = mockProvider([]);
    const agent = ws.agent({ provider: model, hooks: [null as unknown as AgentHooks] });
    expect(() => agent.run('go')).toThrow(/hooks\[0\] must be an object/);
    model.assertComplete();
  });
});

describe("a hook's ask and allow against the policy", () => {
  it('ask routes an allowed call to the approver', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'a.txt', content: 'x' } }] },
      { text: 'done' },
    ]);
    const asked: string[] = [];
    const run = ws
      .agent({
        provider: model,
        policy: {
          allow: ['Edit'],
          approve: (request) => {
            asked.push(request.reason);
            return 'deny';
          },
        },
        hooks: { beforeToolCall: () => ({ ask: 'writes need a look' }) },
      })
      .run('go');
    const { events } = await collect(run);
    expect(asked).toEqual(['A hook asks: writes need a look']);
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    expect(existsSync(join(ws.root, 'a.txt'))).toBe(false);
    model.assertComplete();
  });

  it('ask without an approver pauses the run; a policy deny still refuses without asking', async () => {
    const model = mockProvider([
      {
        toolCalls: [
          { name: 'write', input: { file_path: 'a.txt', content: 'x' } },
          { name: 'bash', input: { command: 'rm -f a.txt' } },
        ],
      },
    ]);
    const result: RunResult = await ws
      .agent({
        provider: model,
        policy: { deny: ['Bash(rm:*)'] },
        hooks: { beforeToolCall: () => ({ ask: 'check it' }) },
      })
      .run('go').result;
    expect(result.status).toBe('paused');
    expect(result.pending?.map((p) => p.name)).toEqual(['write']);
    model.assertComplete();
  });

  it("allow is a hint: the policy's deny rule still refuses", async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'bash', input: { command: 'rm -rf build' } }] }, { text: 'ok' }]);
    const run = ws
      .agent({
        provider: model,
        policy: { deny: ['Bash(rm:*)'] },
        hooks: { beforeToolCall: () => ({ allow: true }) },
      })
      .run('go');
    const { events } = await collect(run);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({ decision: 'deny', source: 'rule' });
    expect(events.find((e) => e.type === 'tool-result')).toMatchObject({
      isError: true,
      errorCode: 'PERMISSION_DENIED',
    });
    model.assertComplete();
  });
});

describe('beforeCompact', () => {
  it('is told before the history is compacted', async () => {
    let turn = 0;
    const model = mockProvider(
      (request) => {
        if (request.toolChoice === 'none') return { text: 'summary', usage: { inputTokens: 300, outputTokens: 20 } };
        turn++;
        if (turn <= 3) {
          return {
            toolCalls: [{ name: 'write', input: { file_path: `f${turn}.txt`, content: 'x'.repeat(200) } }],
            usage: { inputTokens: 250 * turn, outputTokens: 30 },
          };
        }
        return { text: 'all done', usage: { inputTokens: 200, outputTokens: 5 } };
      },
      { contextWindow: 1000 },
    );
    const told: { tokens: number; contextWindow: number }[] = [];
    const run = ws
      .agent({
        provider: model,
        compaction: { threshold: 0.7, keepRecentTurns: 1 },
        hooks: { beforeCompact: (info) => void told.push(info) },
      })
      .run('write three files');
    const { events } = await collect(run);
    const compactions = events.filter((e) => e.type === 'compaction');
    expect(compactions).toHaveLength(1);
    expect(told).toEqual([{ tokens: (compactions[0] as { tokensBefore: number }).tokensBefore, contextWindow: 1000 }]);
    model.assertComplete();
  });
});
