import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { bashTools } from '../../src/tools/builtin/bash/bash-tools.js';
import { readTodos, todoWriteTool } from '../../src/tools/builtin/todo-write.js';
import { alive } from '../sandbox/helpers.js';

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bash-agent-')));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('bash tools inside an agent run', () => {
  it('runs commands, keeps the todo list in the session, and kills background jobs when the run ends', async () => {
    const provider = mockProvider([
      {
        toolCalls: [
          {
            name: 'bash',
            input: {
              command: 'echo serving; echo $$ > job.tmp; mv job.tmp job.pid; sleep 600',
              run_in_background: true,
            },
          },
          {
            name: 'todo_write',
            input: {
              todos: [{ content: 'Start the server', status: 'in_progress', activeForm: 'Starting the server' }],
            },
          },
        ],
      },
      { toolCalls: [{ name: 'bash', input: { command: 'while [ ! -f job.pid ]; do sleep 0.02; done; cat job.pid' } }] },
      { toolCalls: [{ name: 'bash_output', input: { bash_id: 'bash_1' } }] },
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider,
      tools: [...bashTools(), todoWriteTool()],
      sandbox: localSandbox({ root, killGraceMs: 300 }),
      policy: { mode: 'full-access' },
    });
    const run = agent.run('start the server');
    const result = await run.result;
    expect(result.status).toBe('completed');
    const outputs = JSON.stringify(result.messages);
    expect(outputs).toContain('Started background job bash_1');
    expect(outputs).toContain('Status: running');
    expect(outputs).toContain('serving');
    const pid = Number(readFileSync(path.join(root, 'job.pid'), 'utf8'));
    expect(alive(pid)).toBe(false);

    // The todo list is kept with the session: a later run sees it.
    let seen: unknown;
    const peek = tool({
      name: 'peek',
      description: 'Reads the todo list',
      input: z.object({}),
      readOnly: true,
      execute: (_input, ctx) => {
        seen = readTodos(ctx.state);
        return 'ok';
      },
    });
    const later = createAgent({
      provider: mockProvider([{ toolCalls: [{ name: 'peek', input: {} }] }, { text: 'seen' }]),
      tools: [peek],
      store: agent.store,
      sandbox: localSandbox({ root }),
      policy: { mode: 'full-access' },
    });
    await later.run('what is left?', { sessionId: result.sessionId }).result;
    expect(seen).toEqual([{ content: 'Start the server', status: 'in_progress', activeForm: 'Starting the server' }]);
  });
});
