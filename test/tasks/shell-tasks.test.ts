import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore, taskTools, type SessionStore, type TaskTools } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { alive } from '../sandbox/helpers.js';
import { startTestPostgres, type TestPostgres } from '../stores/postgres-server.js';
import { eventually, resultOf, taskIdOf, taskIds, workspace } from './helpers.js';

let root: string;
let server: TestPostgres | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});
beforeEach(() => {
  root = workspace();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(root, { recursive: true, force: true });
});

const stores: Record<string, () => SessionStore> = {
  memory: () => memoryStore(),
  sqlite: () => sqliteStore({ path: path.join(root, '.icode', 'sessions.db') }),
  postgres: () =>
    postgresStore({ connectionString: server!.url }, { schema: `tasks_${process.pid}_${Date.now().toString(36)}` }),
};

/** An agent with the shell task tools over `store`, in a fresh workspace; closed after the test. */
function setup(
  script: Parameters<typeof mockProvider>[0],
  options: { store?: SessionStore; mode?: 'read-only' | 'workspace-write'; maxConcurrent?: number } = {},
) {
  const store = options.store ?? memoryStore();
  const tasks: TaskTools = taskTools({ shell: true, store, maxConcurrent: options.maxConcurrent ?? 4 });
  const provider = mockProvider(script);
  const agent = createAgent({
    provider,
    tools: tasks,
    store,
    sandbox: localSandbox({ root, killGraceMs: 300 }),
    // The commands record their pids with `echo $$ > file`: a write the allow rule lets through.
    policy: { mode: options.mode ?? 'workspace-write', allow: ['Bash(echo:*)'] },
  });
  cleanups.push(() => store.close());
  cleanups.push(() => tasks.close());
  return { agent, provider, store, tasks };
}

const file = (name: string): string => path.join(root, name);

describe.each(Object.keys(stores))('shell tasks over the %s store', (kind) => {
  it('keeps running after the turn that started it; a later run waits for it and reads the result', async () => {
    const store = stores[kind]!();
    const { agent, provider } = setup(
      [
        {
          toolCalls: [
            {
              name: 'task_create',
              input: {
                description: 'Build',
                command: 'echo compiling; while [ ! -f go ]; do sleep 0.05; done; echo built',
              },
            },
          ],
        },
        { text: 'The build runs in the background.' },
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
        { text: 'The build is done.' },
      ],
      { store },
    );
    const first = await agent.run('Start the build').result;
    expect(first.status).toBe('completed');
    const id = taskIdOf(resultOf(first, 'task_create'));
    expect(String(resultOf(first, 'task_create').output)).toContain(`Started task ${id}`);

    // The run is over; the task is not.
    const running = await eventually(async () => {
      const [task] = await store.listTasks!(first.sessionId);
      return task?.status === 'running' && task.output?.includes('compiling') ? task : undefined;
    }, 'the task runs and its output so far is stored');
    expect(running).toMatchObject({ id, kind: 'shell', description: 'Build', sessionId: first.sessionId });

    writeFileSync(file('go'), '');
    const second = await agent.run('Is the build done?', { sessionId: first.sessionId }).result;
    const output = resultOf(second, 'task_output');
    expect(output.isError).toBe(false);
    expect(output.output).toMatch(/Status: completed at .* \(exit code 0\)/);
    expect(output.output).toContain('compiling\nbuilt');
    expect(await store.getTask!(id)).toMatchObject({ status: 'completed', exitCode: 0, output: 'compiling\nbuilt\n' });
    provider.assertComplete();
  });

  it('stops a task mid-way: its whole process group is killed and it reads as stopped', async () => {
    const store = stores[kind]!();
    const { agent, provider } = setup(
      [
        {
          toolCalls: [
            {
              name: 'task_create',
              input: {
                description: 'Serve',
                command: 'echo listening; sleep 600 & echo $! > child.pid; echo $$ > task.pid; wait',
              },
            },
          ],
        },
        async (request) => {
          await eventually(() => existsSync(file('task.pid')) && existsSync(file('child.pid')), 'the command runs');
          return { toolCalls: [{ name: 'task_stop', input: { task_id: taskIds(request)[0]! } }] };
        },
        (request) => ({
          toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]!, timeout_ms: 0 } }],
        }),
        { text: 'Stopped.' },
      ],
      { store },
    );
    const result = await agent.run('Start the server, then stop it').result;
    expect(String(resultOf(result, 'task_stop').output)).toMatch(/Status: stopped at .*Stopped by task_stop/);
    const output = String(resultOf(result, 'task_output').output);
    expect(output).toContain('Status: stopped');
    expect(output).toContain('listening');
    for (const pid of [file('task.pid'), file('child.pid')].map((f) => Number(readFileSync(f, 'utf8'))))
      await eventually(() => !alive(pid), `process ${pid} is gone`);
    const [task] = await store.listTasks!(result.sessionId);
    expect(task).toMatchObject({ status: 'stopped', error: expect.stringContaining('task_stop') });
    provider.assertComplete();
  });
});

describe('shell tasks', () => {
  it('fails a task whose process is killed from outside, with a message saying so', async () => {
    const { agent, provider, store } = setup([
      {
        toolCalls: [
          {
            name: 'task_create',
            input: { description: 'Long job', command: 'echo $$ > task.pid; echo working; sleep 600' },
          },
        ],
      },
      { text: 'Started.' },
      (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
      { text: 'It was killed.' },
    ]);
    const first = await agent.run('Run the long job').result;
    const id = taskIdOf(resultOf(first, 'task_create'));
    const pid = await eventually(
      () => (existsSync(file('task.pid')) ? Number(readFileSync(file('task.pid'), 'utf8')) : 0),
      'the command writes its pid',
    );
    process.kill(pid, 'SIGKILL');
    const second = await agent.run('How is the job?', { sessionId: first.sessionId }).result;
    const output = String(resultOf(second, 'task_output').output);
    expect(output).toContain('Status: failed');
    expect(output).toContain('killed by SIGKILL from outside (not by task_stop or a timeout)');
    expect(output).toContain('working');
    expect(await store.getTask!(id)).toMatchObject({ status: 'failed', exitCode: null });
    provider.assertComplete();
  });

  it('runs at most maxConcurrent tasks at once; the others wait as pending, then run', async () => {
    const { agent, provider, store } = setup(
      [
        {
          toolCalls: [
            {
              name: 'task_create',
              input: { description: 'First', command: 'while [ ! -f go ]; do sleep 0.05; done; echo one' },
            },
          ],
        },
        { toolCalls: [{ name: 'task_create', input: { description: 'Second', command: 'echo two' } }] },
        { toolCalls: [{ name: 'task_list', input: {} }] },
        { text: 'Both queued.' },
        (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[1]! } }] }),
        { text: 'Both done.' },
      ],
      { maxConcurrent: 1 },
    );
    const first = await agent.run('Run two jobs').result;
    const creates = first.messages.flatMap((m) => (m.role === 'tool' ? m.content : []));
    expect(String((creates[1] as { output: string }).output)).toMatch(
      /^Queued task .*\n1 tasks are running \(at most 1 at once\)/,
    );
    expect(String(resultOf(first, 'task_list').output)).toMatch(/\[running\] First[\s\S]*\[pending\] Second/);
    const [one, two] = await store.listTasks!(first.sessionId);
    expect(two).toMatchObject({ status: 'pending' });
    expect(two!.startedAt).toBeUndefined();

    writeFileSync(file('go'), '');
    const second = await agent.run('Are they done?', { sessionId: first.sessionId }).result;
    expect(String(resultOf(second, 'task_output').output)).toMatch(/Status: completed[\s\S]*two/);
    const [doneOne, doneTwo] = await store.listTasks!(first.sessionId);
    expect(doneOne).toMatchObject({ id: one!.id, status: 'completed', output: 'one\n' });
    // The second started only once the first had ended.
    expect(doneTwo!.startedAt!).toBeGreaterThanOrEqual(doneOne!.endedAt!);
    provider.assertComplete();
  });

  it('refuses a shell task that writes in read-only mode: the policy judges it as bash, nothing runs', async () => {
    const { agent, provider, store } = setup(
      [
        { toolCalls: [{ name: 'task_create', input: { description: 'Write', command: 'echo hi > out.txt' } }] },
        { text: 'Not allowed.' },
      ],
      { mode: 'read-only' },
    );
    const events: { type: string; errorCode?: string }[] = [];
    const run = agent.run('Write a file in the background');
    for await (const event of run) events.push(event as never);
    const result = await run.result;
    const refused = resultOf(result, 'task_create');
    expect(refused.isError).toBe(true);
    expect(String(refused.output)).toMatch(/Read-only mode allows only reads/);
    expect(events.find((e) => e.type === 'tool-result')?.errorCode).toBe('PERMISSION_DENIED');
    expect(await store.listTasks!(result.sessionId)).toEqual([]);
    expect(existsSync(file('out.txt'))).toBe(false);
    provider.assertComplete();
  });

  it('returns the output so far when task_output times out, and says the task still runs', async () => {
    const { agent, provider } = setup([
      {
        toolCalls: [
          {
            name: 'task_create',
            input: { description: 'Wait', command: 'echo waiting; while [ ! -f go ]; do sleep 0.05; done' },
          },
        ],
      },
      (request) => ({
        toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]!, timeout_ms: 300 } }],
      }),
      { text: 'Still waiting.' },
    ]);
    const result = await agent.run('Start and check').result;
    const output = String(resultOf(result, 'task_output').output);
    expect(resultOf(result, 'task_output').isError).toBe(false);
    expect(output).toContain('Status: running');
    expect(output).toContain('The wait timed out before the task ended; this is its output so far.');
    provider.assertComplete();
  });

  it('answers an unknown task id, or one of another session, with an error result naming what exists', async () => {
    let firstId = '';
    const { agent, provider } = setup([
      { toolCalls: [{ name: 'task_get', input: { task_id: 'task_nope' } }] },
      { toolCalls: [{ name: 'task_create', input: { description: 'Echo', command: 'echo hi' } }] },
      (request) => ({ toolCalls: [{ name: 'task_stop', input: { taskId: `${taskIds(request)[0]!}x` } }] }),
      { text: 'ok' },
      () => ({ toolCalls: [{ name: 'task_output', input: { task_id: firstId, timeout_ms: 0 } }] }),
      { text: 'ok' },
    ]);
    const first = await agent.run('Look at a task').result;
    const unknown = resultOf(first, 'task_get');
    expect(unknown.isError).toBe(true);
    expect(unknown.output).toContain('No task "task_nope" in this session. Start one with task_create.');
    const id = taskIdOf(resultOf(first, 'task_create'));
    firstId = id;
    const typo = resultOf(first, 'task_stop');
    expect(typo.isError).toBe(true);
    expect(typo.output).toContain(`No task "${id}x" in this session. Its tasks: ${id}.`);

    // Another session does not see the first one's tasks, even by id.
    const other = await agent.run('Another conversation').result;
    expect(resultOf(other, 'task_output')).toMatchObject({
      isError: true,
      output: expect.stringContaining(`No task "${id}" in this session. Start one with task_create.`),
    });
    provider.assertComplete();
  });

  it('stops every running and pending task when the task tools close', async () => {
    const { agent, provider, store, tasks } = setup(
      [
        {
          toolCalls: [
            { name: 'task_create', input: { description: 'Serve', command: 'echo $$ > task.pid; sleep 600' } },
          ],
        },
        { toolCalls: [{ name: 'task_create', input: { description: 'Later', command: 'echo later' } }] },
        { text: 'Both started.' },
      ],
      { maxConcurrent: 1 },
    );
    const result = await agent.run('Start two').result;
    const pid = await eventually(
      () => (existsSync(file('task.pid')) ? Number(readFileSync(file('task.pid'), 'utf8')) : 0),
      'the command writes its pid',
    );
    await tasks.close();
    const listed = await store.listTasks!(result.sessionId);
    expect(listed.map((task) => task.status)).toEqual(['stopped', 'stopped']);
    expect(listed[0]).toMatchObject({
      error: expect.stringMatching(/^Stopped: the task tools closed \(killed by SIG/),
    });
    expect(listed[1]).toMatchObject({ error: 'Stopped before it started: the task tools closed.' });
    await eventually(() => !alive(pid), 'the command is gone');
    provider.assertComplete();
  });
});
