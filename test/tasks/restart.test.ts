import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, taskTools } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { bundleWorker, startWorker } from '../stores/helpers.js';
import { resultOf, workspace } from './helpers.js';

let root: string;
let worker: Awaited<ReturnType<typeof bundleWorker>>;
beforeAll(async () => {
  root = workspace();
  worker = await bundleWorker('task-worker');
});
afterAll(async () => {
  await worker?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('tasks across a restart', () => {
  it(
    'reads the tasks of a killed process as interrupted, with their output so far, never lost',
    { timeout: 60_000 },
    async () => {
      const dbPath = path.join(root, 'sessions.db');
      const child = startWorker(worker.file, { STORE_PATH: dbPath, ROOT: root });
      const ready = await child.waitFor(/^ready /, 30_000);
      const sessionId = ready.slice('ready '.length);
      child.child.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      // The command's process group outlives the killed process (nothing reaps it): end it here.
      const pid = Number(readFileSync(path.join(root, 'task.pid'), 'utf8'));
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }

      // A new process: the same store file, new task tools, a later run of the session.
      const store = sqliteStore({ path: dbPath });
      try {
        const listed = await store.listTasks(sessionId);
        const shell = listed.find((task) => task.kind === 'shell');
        const deploy = listed.find((task) => task.kind === 'agent');
        expect(shell).toMatchObject({ kind: 'shell', status: 'interrupted', owner: { pid: child.child.pid } });
        expect(deploy).toMatchObject({ kind: 'agent', status: 'interrupted', agent: 'deployer' });
        const provider = mockProvider([
          {
            toolCalls: [
              { name: 'task_list', input: {} },
              { name: 'task_get', input: { task_id: shell!.id } },
              { name: 'task_output', input: { task_id: shell!.id, timeout_ms: 5_000 } },
              { name: 'task_stop', input: { task_id: deploy!.id } },
            ],
          },
          {
            toolCalls: [
              { name: 'task_update', input: { task_id: deploy!.id, message: 'The restart cut you off: try again.' } },
            ],
          },
          { toolCalls: [{ name: 'task_output', input: { task_id: deploy!.id } }] },
          { text: 'Both were interrupted by the restart; the deploy went through on the second try.' },
        ]);
        // The interrupted sub-agent continues its own session in this process.
        const deployerModel = mockProvider([{ text: 'Deployed after the restart.' }]);
        const deployer = createAgent({ provider: deployerModel, store });
        const tasks = taskTools({ shell: true, agents: { deployer }, store });
        const agent = createAgent({ provider, tools: tasks, store, sandbox: localSandbox({ root }) });
        const result = await agent.run('What happened to the tasks?', { sessionId }).result;
        const lines = {
          [shell!.id]: `${shell!.id} [interrupted] Long build ($ echo $$ > task.pid; echo working; sleep 600)`,
          [deploy!.id]: `${deploy!.id} [interrupted] Deploy (agent deployer)`,
        };
        expect(String(resultOf(result, 'task_list').output)).toBe(listed.map((task) => lines[task.id]).join('\n'));
        expect(String(resultOf(result, 'task_get').output)).toMatch(
          new RegExp(
            `Status: interrupted\\. The process that ran it \\(pid ${child.child.pid} on .*\\) ended before the task finished; it was running then\\.`,
          ),
        );
        const outputs = result.messages
          .flatMap((m) => (m.role === 'tool' ? m.content : []))
          .filter((p) => p.type === 'tool-result' && p.name === 'task_output')
          .map((p) => String((p as { output: unknown }).output));
        const output = outputs[0]!;
        expect(output).toContain('Status: interrupted');
        expect(output).toContain('working');
        expect(String(resultOf(result, 'task_stop').output)).toContain(`Task ${deploy!.id} had already ended.`);
        expect(String(resultOf(result, 'task_update').output)).toContain('got the message and runs again');
        expect(outputs[1]).toContain('Status: completed');
        expect(outputs[1]).toContain('Deployed after the restart.');
        // Its unfinished tool call was answered as interrupted before the new message, in the same session.
        const history = JSON.stringify(deployerModel.requests[0]!.messages);
        expect(history).toContain('Deploy to staging.');
        expect(history).toContain('the run was interrupted before this tool call finished');
        expect(await store.getTask(deploy!.id)).toMatchObject({
          status: 'completed',
          runSessionId: deploy!.runSessionId,
        });
        deployerModel.assertComplete();
        await tasks.close();
        provider.assertComplete();
      } finally {
        await store.close();
      }
      expect(existsSync(dbPath)).toBe(true);
    },
  );
});
