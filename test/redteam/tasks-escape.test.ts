/**
 * A sub-agent that starts a background agent task: the task's agent runs under its own policy, so the
 * sub-agent's parent's deny rule must still bind what comes back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, subagent, taskTools } from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import { observe, workspace } from '../subagents/helpers.js';
import { taskIds } from '../tasks/helpers.js';

let ws: Awaited<ReturnType<typeof workspace>>;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

describe('task_create inside a sub-agent', () => {
  it("does not read a file the sub-agent's parent denies", async () => {
    const readerModel = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: '.env' } }] },
      // A model that repeats what it read: the task's output is what the creating model gets back.
      (request) => ({ text: JSON.stringify(request.messages.at(-1)) }),
    ]);
    const reader = createAgent({
      provider: readerModel,
      name: 'reader',
      tools: codingTools({ root: ws.root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'full-access', root: ws.root },
    });
    const tasks = taskTools({ agents: { reader } });
    const childModel = mockProvider([
      {
        toolCalls: [{ name: 'task_create', input: { description: 'read env', agent: 'reader', prompt: 'read .env' } }],
      },
      (request) => ({ toolCalls: [{ name: 'task_output', input: { task_id: taskIds(request)[0]! } }] }),
      { text: 'child done' },
    ]);
    const parentModel = mockProvider([{ toolCalls: [{ name: 'helper', input: { prompt: 'go' } }] }, { text: 'done' }]);
    const agent = createAgent({
      provider: parentModel,
      name: 'main',
      tools: [subagent({ name: 'helper', description: 'Helps', options: { provider: childModel, tools: [...tasks] } })],
      sandbox: localSandbox({ root: ws.root }),
      policy: { mode: 'workspace-write', deny: ['Read(./.env)'], root: ws.root },
    });
    const { events } = await observe(agent.run('go'));
    await tasks.close();
    const seen = events.flatMap((e) => (e.type === 'tool-result' ? [JSON.stringify(e.output)] : [])).join('\n');
    expect(seen).not.toContain('hunter2');
  });
});
