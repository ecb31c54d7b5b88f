import { describe, expect, it } from 'vitest';
import type { ToolContext } from '../../src/tools/tool.js';
import { readTodos, todoWriteTool } from '../../src/tools/builtin/todo-write.js';
import { toolContext } from '../sandbox/helpers.js';

const context = (): ReturnType<typeof toolContext> => toolContext(undefined);

const tool = todoWriteTool();

async function write(ctx: ToolContext, raw: unknown): Promise<string> {
  return (await tool.execute(tool.input.parse(raw), ctx)) as string;
}

describe('todo_write', () => {
  it('is read-only and named by the contract', () => {
    expect(tool.name).toBe('todo_write');
    expect(tool.readOnly).toBe(true);
  });

  it('stores the list in the session state and renders it compactly', async () => {
    const ctx = context();
    const text = await write(ctx, {
      todos: [
        { content: 'Read the code', status: 'completed' },
        { content: 'Fix the bug', status: 'in_progress', activeForm: 'Fixing the bug' },
        { content: 'Run the tests', status: 'pending', id: 't3' },
      ],
    });
    expect(text).toBe('Todos (1/3 completed):\n[x] Read the code\n[>] Fix the bug (Fixing the bug)\n[ ] Run the tests');
    expect(readTodos(ctx.state)).toEqual([
      { content: 'Read the code', status: 'completed' },
      { content: 'Fix the bug', status: 'in_progress', activeForm: 'Fixing the bug' },
      { content: 'Run the tests', status: 'pending', id: 't3' },
    ]);
    expect(JSON.parse(JSON.stringify(ctx.values.get('todos')))).toEqual(readTodos(ctx.state));
  });

  it('replaces the whole list each time, and can clear it', async () => {
    const ctx = context();
    await write(ctx, {
      todos: [
        { content: 'A', status: 'pending' },
        { content: 'B', status: 'pending' },
      ],
    });
    await write(ctx, { todos: [{ content: 'C', status: 'in_progress' }] });
    expect(readTodos(ctx.state).map((todo) => todo.content)).toEqual(['C']);
    expect(await write(ctx, { todos: [] })).toBe('Todo list cleared.');
    expect(readTodos(ctx.state)).toEqual([]);
  });

  it('refuses two tasks in progress with advice, and keeps the previous list', async () => {
    const ctx = context();
    await write(ctx, { todos: [{ content: 'A', status: 'in_progress' }] });
    await expect(
      write(ctx, {
        todos: [
          { content: 'A', status: 'in_progress' },
          { content: 'B', status: 'in_progress' },
        ],
      }),
    ).rejects.toThrow(/2 tasks are in_progress \("A", "B"\); at most one may be\. Call todo_write again/);
    expect(readTodos(ctx.state)).toEqual([{ content: 'A', status: 'in_progress' }]);
  });

  it('accepts common spellings and rejects bad items', () => {
    expect(tool.input.parse({ todos: [{ content: 'A', status: 'in-progress', active_form: 'Doing A' }] })).toEqual({
      todos: [{ content: 'A', status: 'in_progress', activeForm: 'Doing A' }],
    });
    expect(tool.input.parse({ todos: [{ content: 'A', status: 'done', id: null }] })).toEqual({
      todos: [{ content: 'A', status: 'completed' }],
    });
    expect(tool.input.safeParse({ todos: [{ content: '', status: 'pending' }] }).success).toBe(false);
    expect(tool.input.safeParse({ todos: [{ content: 'A', status: 'blocked' }] }).success).toBe(false);
    expect(tool.input.safeParse({}).success).toBe(false);
  });

  it('reads an empty list from a fresh session', () => {
    expect(readTodos(context().state)).toEqual([]);
  });

  it('has a JSON schema with the todo fields', () => {
    const schema = JSON.stringify(tool.inputSchema);
    for (const field of ['todos', 'content', 'status', 'activeForm', 'in_progress']) expect(schema).toContain(field);
  });
});
