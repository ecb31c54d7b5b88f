import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createAgent, hasToolCall, stepCountIs, type StopState } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-stop-'));
  await writeFile(join(root, 'notes.txt'), 'first line\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function codingAgent(model: ReturnType<typeof mockProvider>, stopWhen?: Parameters<typeof createAgent>[0]['stopWhen']) {
  return createAgent({
    provider: model,
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy: createPolicy({ mode: 'workspace-write', root }),
    ...(stopWhen ? { stopWhen } : {}),
  });
}

describe('stop conditions', () => {
  it('hasToolCall: the named call runs, then the run stops with its result last', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'notes.txt' } }] },
      { toolCalls: [{ name: 'write', input: { file_path: 'report.md', content: '# Report\n' } }] },
    ]);
    const result = await codingAgent(model, hasToolCall('write')).run('Read the notes, then write a report').result;
    expect(result.status).toBe('stopped');
    expect(result.turns).toBe(2);
    expect(await readFile(join(root, 'report.md'), 'utf8')).toBe('# Report\n');
    const last = result.messages.at(-1);
    expect(last?.role).toBe('tool');
    expect(last?.content[0]).toMatchObject({ type: 'tool-result', name: 'write', isError: false });
    model.assertComplete();
  });

  it('hasToolCall stops also when the policy refused the call: the model did call it', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: '../outside.md', content: 'x' } }] },
    ]);
    const result = await codingAgent(model, hasToolCall('write', 'edit')).run('Write outside').result;
    expect(result.status).toBe('stopped');
    expect(result.messages.at(-1)?.content[0]).toMatchObject({ isError: true });
    expect(existsSync(join(root, '..', 'outside.md'))).toBe(false);
    model.assertComplete();
  });

  it('stepCountIs: stops after the tool calls of that turn, not at maxTurns', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'list', input: { path: '.' } }] },
      { toolCalls: [{ name: 'read', input: { file_path: 'notes.txt' } }] },
    ]);
    const result = await codingAgent(model).run('Explore', { stopWhen: stepCountIs(2) }).result;
    expect(result.status).toBe('stopped');
    expect(result.turns).toBe(2);
    model.assertComplete();
  });

  it('takes an array (any holds) and custom conditions that see the run state', async () => {
    const states: StopState[] = [];
    const model = mockProvider([
      { toolCalls: [{ name: 'echo', input: { text: 'a' } }], usage: { inputTokens: 10, outputTokens: 5 } },
      { toolCalls: [{ name: 'echo', input: { text: 'DONE' } }], usage: { inputTokens: 20, outputTokens: 5 } },
    ]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow') });
    const result = await agent.run('Echo until done', {
      stopWhen: [
        stepCountIs(10),
        (state) => {
          states.push(state);
          return state.lastToolResults.some((r) => r.output === 'echo: DONE');
        },
      ],
    }).result;
    expect(result.status).toBe('stopped');
    expect(states.map((s) => s.turns)).toEqual([1, 2]);
    expect(states[1]?.usage).toMatchObject({ inputTokens: 30, outputTokens: 10 });
    expect(states[1]?.lastToolCalls.map((c) => c.input)).toEqual([{ text: 'DONE' }]);
    expect(states[1]?.sessionId).toBe(result.sessionId);
    model.assertComplete();
  });

  it('stops a resumed run once the approved call it waited for has run, without calling the model again', async () => {
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: 'final.md', content: 'done\n' } }] },
    ]);
    const agent = createAgent({
      provider: model,
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({ mode: 'workspace-write', ask: ['Edit'], root }),
      stopWhen: hasToolCall('write'),
    });
    const paused = await agent.run('Write the final file').result;
    expect(paused.status).toBe('paused');
    const request = paused.pending![0]!;
    const resumed = await agent.resume(paused.sessionId, {
      approvals: { [request.id]: { answer: 'allow', digest: request.digest } },
    }).result;
    expect(resumed.status).toBe('stopped');
    expect(resumed.turns).toBe(0);
    expect(await readFile(join(root, 'final.md'), 'utf8')).toBe('done\n');
    expect(resumed.messages.at(-1)?.content[0]).toMatchObject({ name: 'write', isError: false });
    model.assertComplete();
  });

  it('does not stop at a structured-output repair, which ran no tool', async () => {
    const model = mockProvider([{ text: 'not json' }, { output: { ok: true } }]);
    const agent = createAgent({ provider: model, output: z.object({ ok: z.boolean() }), stopWhen: stepCountIs(1) });
    const result = await agent.run('Check').result;
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ ok: true });
    model.assertComplete();
  });

  it('is not consulted when the model answers: the run completes', async () => {
    let asked = 0;
    const model = mockProvider([{ text: 'Nothing to do.' }]);
    const agent = createAgent({ provider: model, stopWhen: () => ++asked > 0 });
    expect((await agent.run('Hi').result).status).toBe('completed');
    expect(asked).toBe(0);
    model.assertComplete();
  });

  it("the run's stopWhen overrides the agent's", async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'a' } }] }, { text: 'Done.' }]);
    const agent = createAgent({
      provider: model,
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      stopWhen: stepCountIs(1),
    });
    const result = await agent.run('Echo', { stopWhen: hasToolCall('read') }).result;
    expect(result.status).toBe('completed');
    model.assertComplete();
  });

  it('a condition that throws fails the run with its error', async () => {
    const model = mockProvider([{ toolCalls: [{ name: 'echo', input: { text: 'a' } }] }]);
    const agent = createAgent({ provider: model, tools: [echoTool], policy: fixedPolicy('allow') });
    const run = agent.run('Echo', {
      stopWhen: () => {
        throw new Error('condition broke');
      },
    });
    const error = await run.result.catch((e: unknown) => e);
    expect((error as Error).message).toContain('condition broke');
    expect((error as ConfigError).result?.status).toBe('failed');
    model.assertComplete();
  });

  it('refuses malformed conditions with a ConfigError', () => {
    const model = mockProvider([]);
    expect(() => createAgent({ provider: model, stopWhen: 3 as never })).toThrow(ConfigError);
    const agent = createAgent({ provider: model });
    expect(() => agent.run('x', { stopWhen: [stepCountIs(1), 'done' as never] })).toThrow(/`stopWhen` must be/);
    expect(() => hasToolCall()).toThrow(ConfigError);
    expect(() => hasToolCall('')).toThrow(ConfigError);
    expect(() => stepCountIs(0)).toThrow(ConfigError);
    expect(() => stepCountIs(1.5)).toThrow(ConfigError);
    model.assertComplete();
  });
});
