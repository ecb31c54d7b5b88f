import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, taskTools, tool, type Agent, type SessionStore, type TaskTools } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { eventually, resultOf, taskIdOf, taskIds, workspace } from './helpers.js';

let root: string;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  root = workspace();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** A gate the test opens; `entered` tells when the tool started waiting at it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const state = { entered: false, aborted: false };
  const scan = tool({
    name: 'scan',
    description: 'Scans the workspace; slow',
    input: z.object({}),
    readOnly: true,
    execute: async (_input, ctx) => {
      state.entered = true;
      await new Promise<void>((resolve, reject) => {
        void opened.then(resolve);
        ctx.signal.addEventListener('abort', () => ((state.aborted = true), reject(ctx.signal.reason)), { once: true });
      });
      return 'config.json, tsconfig.json, .eslintrc';
    },
  });
  return { open, state, scan };
}

/** A parent agent whose tasks run `explorer`, both over one SQLite store. */
function parent(script: Parameters<typeof mockProvider>[0], explorer: Agent, store: SessionStore) {
  const tasks: TaskTools = taskTools({ agents: { explorer }, store });
  const provider = mockProvider(script);
  const agent = createAgent({ provider, tools: tasks, store, sandbox: localSandbox({ root }) });
  cleanups.push(() => tasks.close());
  return { agent, provider };
}

function sqlite(): SessionStore {
  const store = sqliteStore({ path: path.join(root, 'sessions.db') });
  cleanups.push(() => store.close());
  return store;
}

describe('agent tasks', () => {
  it('runs a sub-agent in its own linked session past the turn that started it; a later turn reads its result', async () => {
    const store = sqlite();
    const { open, state, scan } = gate();
    const explorerModel = mockProvider([
      { text: 'Looking for config files. ', toolCalls: [{ name: 'scan', input: {} }] },
      { text: 'Found 3 config files.' },
    ]);
    const explorer = createAgent({
      provider: explorerModel,
      tools: [scan],
      store,
      name: 'explorer',
      policy: { mode: 'read-only' },
      sandbox: localSandbox({ root }),
    });
    const { agent, provider } = parent(
      [
        {
          toolCalls: [
            {
              name: 'task_create',
              input: { description: 'Find config files', agent: 'explorer', prompt: 'List the config files.' },
            },
          ],
        },
        { text: 'The explorer is on it.' },
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
        { text: 'It found 3.' },
      ],
      explorer,
      store,
    );
    const first = await agent.run('Find the config files').result;
    expect(first.status).toBe('completed');
    const id = taskIdOf(resultOf(first, 'task_create'));
    const running = await eventually(async () => {
      const task = await store.getTask!(id);
      return state.entered && task?.output?.includes('Looking for config files.') ? task : undefined;
    }, 'the sub-agent runs and its text so far is stored');
    expect(running).toMatchObject({
      status: 'running',
      kind: 'agent',
      agent: 'explorer',
      prompt: 'List the config files.',
    });
    const child = await store.get(running.runSessionId!);
    expect(child?.metadata).toEqual({ parentSessionId: first.sessionId, taskId: id, agent: 'explorer' });

    open();
    const second = await agent.run('Did it find them?', { sessionId: first.sessionId }).result;
    const output = String(resultOf(second, 'task_output').output);
    expect(output).toContain('Status: completed');
    expect(output).toContain('Found 3 config files.');
    expect(await store.getTask!(id)).toMatchObject({ status: 'completed', output: 'Found 3 config files.' });
    provider.assertComplete();
    explorerModel.assertComplete();
  });

  it('stops a sub-agent mid-way: its run is aborted and the task reads as stopped', async () => {
    const store = sqlite();
    const { state, scan } = gate();
    const explorerModel = mockProvider([{ toolCalls: [{ name: 'scan', input: {} }] }]);
    const explorer = createAgent({ provider: explorerModel, tools: [scan], store, sandbox: localSandbox({ root }) });
    const { agent, provider } = parent(
      [
        {
          toolCalls: [
            { name: 'task_create', input: { description: 'Scan', agent: 'explorer', prompt: 'Scan it all.' } },
          ],
        },
        async (request) => {
          await eventually(() => state.entered, 'the sub-agent calls scan');
          return { toolCalls: [{ name: 'task_stop', input: { task_id: taskIds(request)[0]! } }] };
        },
        { text: 'Stopped it.' },
      ],
      explorer,
      store,
    );
    const result = await agent.run('Scan, then stop').result;
    expect(String(resultOf(result, 'task_stop').output)).toMatch(/Status: stopped at .*Stopped by task_stop/);
    expect(state.aborted).toBe(true);
    const [task] = await store.listTasks!(result.sessionId);
    expect(task).toMatchObject({ status: 'stopped' });
    provider.assertComplete();
    explorerModel.assertComplete();
  });

  it('sends a follow-up message to an agent task that ended: it runs again in the same session', async () => {
    const store = sqlite();
    const explorerModel = mockProvider([{ text: 'There are 2 packages.' }, { text: 'And 14 test files.' }]);
    const explorer = createAgent({ provider: explorerModel, store, sandbox: localSandbox({ root }) });
    const { agent, provider } = parent(
      [
        {
          toolCalls: [
            { name: 'task_create', input: { description: 'Survey', agent: 'explorer', prompt: 'Count the packages.' } },
          ],
        },
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
        (request) => ({
          toolCalls: [
            {
              name: 'task_update',
              input: { task_id: taskIds(request)[0]!, message: 'Now count the test files.', notes: 'survey' },
            },
          ],
        }),
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
        { text: 'Done.' },
      ],
      explorer,
      store,
    );
    const result = await agent.run('Survey the repo').result;
    const outputs = result.messages
      .flatMap((m) => (m.role === 'tool' ? m.content : []))
      .filter((p) => p.type === 'tool-result' && p.name === 'task_output')
      .map((p) => String((p as { output: unknown }).output));
    expect(outputs[0]).toContain('There are 2 packages.');
    expect(String(resultOf(result, 'task_update').output)).toContain('got the message and runs again');
    expect(outputs[1]).toContain('Status: completed');
    expect(outputs[1]).toContain('And 14 test files.');
    const [task] = await store.listTasks!(result.sessionId);
    expect(task).toMatchObject({ status: 'completed', notes: 'survey', output: 'And 14 test files.' });
    // One session holds both exchanges: the sub-agent remembered the first.
    const { entries } = await store.load(task!.runSessionId!);
    const userTexts = entries.flatMap((e) =>
      e.entry.type === 'message' && e.entry.message.role === 'user'
        ? e.entry.message.content.map((p) => (p.type === 'text' ? p.text : ''))
        : [],
    );
    expect(userTexts).toEqual(['Count the packages.', 'Now count the test files.']);
    expect(explorerModel.requests[1]!.messages.length).toBeGreaterThan(2);
    provider.assertComplete();
    explorerModel.assertComplete();
  });

  it('fails a sub-agent that pauses for an approval, saying how to go on', async () => {
    const store = sqlite();
    const deploy = tool({
      name: 'deploy',
      description: 'Deploys',
      input: z.object({}),
      needsApproval: true,
      execute: () => 'deployed',
    });
    const explorerModel = mockProvider([{ toolCalls: [{ name: 'deploy', input: {} }] }]);
    const explorer = createAgent({ provider: explorerModel, tools: [deploy], store, sandbox: localSandbox({ root }) });
    const { agent, provider } = parent(
      [
        { toolCalls: [{ name: 'task_create', input: { description: 'Ship', agent: 'explorer', prompt: 'Deploy.' } }] },
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
        { text: 'It needs an approval.' },
      ],
      explorer,
      store,
    );
    const result = await agent.run('Ship it').result;
    const output = String(resultOf(result, 'task_output').output);
    expect(output).toContain('Status: failed');
    expect(output).toContain('The sub-agent paused for approval of deploy: a background task cannot ask.');
    const [task] = await store.listTasks!(result.sessionId);
    expect(output).toContain(`resume its session ${task!.runSessionId} with agent.resume`);
    provider.assertComplete();
    explorerModel.assertComplete();
  });

  it('refuses to start a sub-agent in read-only mode unless a rule allows task_create', async () => {
    const store = sqlite();
    const explorer = createAgent({ provider: mockProvider([]), store, sandbox: localSandbox({ root }) });
    const tasks = taskTools({ agents: { explorer }, store });
    cleanups.push(() => tasks.close());
    const provider = mockProvider([
      {
        toolCalls: [{ name: 'task_create', input: { description: 'Look', agent: 'explorer', prompt: 'Look around.' } }],
      },
      { text: 'Refused.' },
    ]);
    const agent = createAgent({
      provider,
      tools: tasks,
      store,
      sandbox: localSandbox({ root }),
      policy: { mode: 'read-only' },
    });
    const result = await agent.run('Explore').result;
    expect(resultOf(result, 'task_create')).toMatchObject({
      isError: true,
      output: expect.stringContaining('task_create is not read-only'),
    });
    expect(await store.listTasks!(result.sessionId)).toEqual([]);
    provider.assertComplete();
  });
});
