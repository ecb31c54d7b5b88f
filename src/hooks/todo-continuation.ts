import { ConfigError } from '../errors/config-error.js';
import type { AgentHooks } from '../agent/hooks.js';
import { readTodos, renderTodos } from '../tools/builtin/todo-write.js';

/** Options of {@link todoContinuation}. */
export interface TodoContinuationOptions {
  /** Times one run is sent back to work on its open tasks. @defaultValue 3 */
  readonly maxContinuations?: number;
}

/**
 * A `stop` hook that keeps a run going while its `todo_write` list has open tasks: when the model answers
 * without tools but tasks are still pending or in progress, the run goes on with a message listing them.
 * At most `maxContinuations` times per run, so a model that cannot finish does not loop; the run's
 * `maxTurns` still holds. The list is the one `todo_write` keeps in the session state.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   provider,
 *   tools: codingTools({ root }),
 *   hooks: todoContinuation({ maxContinuations: 5 }),
 * });
 * ```
 * @throws ConfigError when `maxContinuations` is not a positive integer.
 */
export function todoContinuation(options: TodoContinuationOptions = {}): AgentHooks {
  const max = options.maxContinuations ?? 3;
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError(`todoContinuation: \`maxContinuations\` must be a positive integer, got ${String(max)}.`);
  }
  // Per run: each run of a session gets its own allowance.
  const made = new Map<string, number>();
  return {
    name: 'todoContinuation',
    stop(_info, ctx) {
      const todos = readTodos(ctx.state);
      const open = todos.filter((todo) => todo.status !== 'completed');
      const count = made.get(ctx.runId) ?? 0;
      if (open.length === 0 || count >= max) return undefined;
      made.set(ctx.runId, count + 1);
      return {
        continue: [
          `You stopped, but ${open.length} of ${todos.length} tasks in your todo list are not completed. Continue with the next one, and mark each task completed with todo_write as soon as it is done. If a task cannot or should not be done, update the list to say so instead of stopping silently.`,
          '',
          renderTodos(todos),
        ].join('\n'),
      };
    },
    sessionEnd(_info, ctx) {
      made.delete(ctx.runId);
    },
  };
}
