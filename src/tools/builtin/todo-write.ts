/**
 * The `todo_write` tool: the agent's task list, kept with the session.
 */
import { z } from 'zod';
import type { JsonValue } from '../../model/message.js';
import { tool } from '../define-tool.js';
import type { SessionState, Tool } from '../tool.js';

/** The session state key the list is stored under. */
export const TODO_STATE_KEY = 'todos';

/** Where a task is. */
export type TodoStatus = 'pending' | 'in_progress' | 'completed';

/** One task of the list. */
export interface Todo {
  readonly content: string;
  readonly status: TodoStatus;
  /** Present-continuous label shown while the task is in progress ("Running the tests"). */
  readonly activeForm?: string;
  readonly id?: string;
}

// Spellings other harnesses train models on.
const STATUS_ALIASES: Readonly<Record<string, TodoStatus>> = {
  'in-progress': 'in_progress',
  inprogress: 'in_progress',
  done: 'completed',
  complete: 'completed',
  todo: 'pending',
};

const todoItem = z.preprocess(
  (value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const item = { ...(value as Record<string, unknown>) };
    if (item.activeForm === undefined && typeof item.active_form === 'string') item.activeForm = item.active_form;
    delete item.active_form;
    for (const key of Object.keys(item)) if (item[key] === null) delete item[key];
    if (typeof item.status === 'string') item.status = STATUS_ALIASES[item.status.toLowerCase()] ?? item.status;
    return item;
  },
  z.object({
    content: z.string().trim().min(1).describe('The task, in the imperative ("Run the tests").'),
    status: z.enum(['pending', 'in_progress', 'completed']),
    activeForm: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('The task in the present continuous ("Running the tests"), shown while it is in progress.'),
    id: z.string().optional(),
  }),
);

const input = z.object({
  todos: z.array(todoItem).describe('The whole updated list; it replaces the previous one.'),
});

/** The list stored in the session, or an empty list. */
export function readTodos(state: SessionState): Todo[] {
  const value = state.get(TODO_STATE_KEY);
  return Array.isArray(value) ? (value as unknown as Todo[]) : [];
}

const MARK: Readonly<Record<TodoStatus, string>> = { pending: '[ ]', in_progress: '[>]', completed: '[x]' };

/** The list as the model reads it: one line per task, the task in progress with its active form. */
export function renderTodos(todos: readonly Todo[]): string {
  if (todos.length === 0) return 'Todo list cleared.';
  const done = todos.filter((todo) => todo.status === 'completed').length;
  const lines = todos.map((todo) => {
    const label =
      todo.status === 'in_progress' && todo.activeForm ? `${todo.content} (${todo.activeForm})` : todo.content;
    return `${MARK[todo.status]} ${label}`;
  });
  return [`Todos (${done}/${todos.length} completed):`, ...lines].join('\n');
}

/**
 * The `todo_write` tool: replaces the whole task list (at most one task `in_progress`; otherwise an error
 * tells the model to fix the list) and stores it in the session state under `'todos'`, so it survives
 * across runs of the session. Returns the list rendered compactly. Read it from the host with
 * {@link readTodos}.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [todoWriteTool()] });
 * ```
 */
export function todoWriteTool(): Tool<z.output<typeof input>> {
  return tool({
    name: 'todo_write',
    description: [
      'Writes your task list for the current work: send the whole updated list each time (it replaces the previous one).',
      'Use it for work with three or more steps: plan the steps, mark one `in_progress` before you start it, and mark it `completed` as soon as it is done. Exactly one task may be in_progress at a time.',
      'Skip it for trivial, single-step requests.',
    ].join('\n'),
    input,
    readOnly: true,
    execute(args, ctx) {
      const active = args.todos.filter((todo) => todo.status === 'in_progress');
      if (active.length > 1) {
        throw new Error(
          `${active.length} tasks are in_progress (${active.map((todo) => `"${todo.content}"`).join(', ')}); at most one may be. Call todo_write again with one task in_progress and the others pending or completed.`,
        );
      }
      const todos: Todo[] = args.todos.map((todo) => ({
        content: todo.content,
        status: todo.status,
        ...(todo.activeForm === undefined ? {} : { activeForm: todo.activeForm }),
        ...(todo.id === undefined ? {} : { id: todo.id }),
      }));
      ctx.state.set(TODO_STATE_KEY, todos as unknown as JsonValue);
      return renderTodos(todos);
    },
  });
}
