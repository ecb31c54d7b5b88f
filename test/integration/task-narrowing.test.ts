/**
 * Background agent tasks and the parent's policy. A `subagent` child can never do what its parent's policy
 * denies; a task is "a sub-agent run that outlives the turn", so the same should hold for an agent that
 * `task_create` starts. This puts both side by side with the same child and the same parent deny rule.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAgent,
  memoryStore,
  subagent,
  taskTools,
  type AgentOptions,
  type JsonValue,
  type ModelRequest,
  type SessionStore,
} from '../../src/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
let store: SessionStore;
const closers: (() => Promise<void>)[] = [];
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'icode-task-narrow-')));
  store = memoryStore();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  rmSync(root, { recursive: true, force: true });
});

/** The parent's policy: it may start tasks and sub-agents, and it denies `touch`. */
const parentPolicy = () => ({
  mode: 'workspace-write' as const,
  allow: ['task_create', 'task_output', 'fixer'],
  deny: ['Bash(touch:*)'],
  root,
});

/** A child whose own policy allows what the parent denies. */
function fixer(): { options: AgentOptions; assertComplete: () => void } {
  const model = mockProvider([
    { toolCalls: [{ name: 'bash', input: { command: 'touch pwned.txt', description: 'touch' } }] },
    { text: 'tried' },
  ]);
  return {
    options: {
      provider: model,
      name: 'fixer',
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      store,
      sandbox: localSandbox({ root }),
      policy: { mode: 'full-access', allow: ['Bash(touch:*)'], root },
    },
    assertComplete: () => model.assertComplete(),
  };
}

const taskIdIn = (request: ModelRequest): string => {
  const result = request.messages.at(-1)?.content[0];
  return /task_[a-z0-9]+/.exec(JSON.stringify(result?.type === 'tool-result' ? result.output : ''))![0];
};
const call = (name: string, input: JsonValue): MockStep => ({ toolCalls: [{ name, input }] });

describe("the parent's deny rule against a child that allows it", () => {
  it('holds for a sub-agent', async () => {
    const child = fixer();
    const parentModel = mockProvider([call('fixer', { prompt: 'touch it' }), { text: 'done' }]);
    const agent = createAgent({
      provider: parentModel,
      tools: [subagent({ name: 'fixer', description: 'Fixes', options: child.options })],
      store,
      sandbox: localSandbox({ root }),
      policy: parentPolicy(),
    });
    await agent.run('go').result;
    parentModel.assertComplete();
    child.assertComplete();
    expect(existsSync(join(root, 'pwned.txt'))).toBe(false);
  });

  // Known gap: `task_create` runs the registered agent under its own policy (src/tasks/agent-task.ts calls
  // `agent.run`), not narrowed by the policy of the run that creates the task, so a parent's deny rule does
  // not bind its background sub-agents.
  it('holds for a background agent task', async () => {
    const child = fixer();
    const tasks = taskTools({ agents: { fixer: createAgent(child.options) }, store });
    closers.push(() => tasks.close());
    const parentModel = mockProvider([
      call('task_create', { description: 'Touch', agent: 'fixer', prompt: 'touch it' }),
      (request) => call('task_output', { task_id: taskIdIn(request), timeout_ms: 60_000 }),
      { text: 'done' },
    ]);
    const agent = createAgent({
      provider: parentModel,
      tools: tasks,
      store,
      sandbox: localSandbox({ root }),
      policy: parentPolicy(),
    });
    const result = await agent.run('go').result;
    parentModel.assertComplete();
    child.assertComplete();
    expect(JSON.stringify(result.messages)).toContain('Status: completed');
    expect(existsSync(join(root, 'pwned.txt'))).toBe(false);
  });
});
