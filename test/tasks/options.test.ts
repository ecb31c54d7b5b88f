import { describe, expect, it } from 'vitest';
import { ConfigError, createAgent, memoryStore, taskTools, type SessionStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

describe('taskTools options', () => {
  it('makes the six tools, offering only what it can run', () => {
    const explorer = createAgent({ provider: mockProvider([]) });
    const tools = taskTools({ agents: { explorer } });
    expect(tools.map((t) => t.name)).toEqual([
      'task_create',
      'task_get',
      'task_list',
      'task_output',
      'task_update',
      'task_stop',
    ]);
    const create = tools[0]!.inputSchema as { properties: Record<string, { enum?: string[] }> };
    expect(Object.keys(create.properties).sort()).toEqual(['agent', 'description', 'prompt']);
    expect(create.properties.agent?.enum).toEqual(['explorer']);
    const shellOnly = taskTools({ shell: true })[0]!.inputSchema as { properties: Record<string, unknown> };
    expect(Object.keys(shellOnly.properties).sort()).toEqual(['command', 'description', 'timeout', 'workdir']);
  });

  it('refuses options it cannot honour with a ConfigError that says what to change', () => {
    const explorer = createAgent({ provider: mockProvider([]) });
    const { putTask: _p, getTask: _g, listTasks: _l, ...withoutTasks } = memoryStore();
    const cases: [unknown, RegExp][] = [
      [{}, /give `agents` to run, or `shell: true`/],
      [{ shell: 'yes' }, /`shell` must be true or false/],
      [{ shell: true, maxConcurrent: 0 }, /`maxConcurrent` must be an integer of at least 1, got 0/],
      [{ shell: true, maxWaitMs: 1.5 }, /`maxWaitMs` must be an integer/],
      [{ shell: true, maxOutputChars: 10 }, /`maxOutputChars` must be an integer of at least 100/],
      [{ agents: { 'two words': explorer } }, /agent name "two words"/],
      [{ agents: { explorer: {} } }, /agents.explorer must be an agent made by createAgent/],
      [{ shell: true, store: withoutTasks as SessionStore }, /the store keeps no task records/],
    ];
    for (const [options, message] of cases) {
      expect(() => taskTools(options as never), JSON.stringify(options)).toThrow(ConfigError);
      expect(() => taskTools(options as never)).toThrow(message);
    }
  });
});
