/**
 * `taskTools`: background tasks for the model. A task is a sub-agent run or a shell command that goes on
 * after the turn (and the run) that started it; its record lives in the session store.
 *
 * @packageDocumentation
 */
import type { Agent } from '../agent/types.js';
import { ConfigError } from '../errors/config-error.js';
import { memoryStore } from '../stores/memory-store.js';
import type { SessionStore } from '../stores/types.js';
import type { Tool } from '../tools/tool.js';
import type { TaskStore } from './live-task.js';
import { TaskManager } from './task-manager.js';
import {
  taskCreateTool,
  taskGetTool,
  taskListTool,
  taskOutputTool,
  taskStopTool,
  taskUpdateTool,
  type TaskToolLimits,
} from './task-tool-defs.js';

/**
 * Options of {@link taskTools}.
 *
 * @example
 * ```ts
 * const options: TaskToolsOptions = { agents: { explorer }, shell: true, store, maxConcurrent: 2 };
 * ```
 */
export interface TaskToolsOptions {
  /** The sub-agents a task may run, by the name the model uses. @defaultValue none */
  readonly agents?: Readonly<Record<string, Agent>>;
  /**
   * Whether a task may run a shell command (in the agent's sandbox, judged by the policy exactly as a
   * `bash` command). @defaultValue false
   */
  readonly shell?: boolean;
  /** Tasks of this instance running at once; more wait as `pending`. @defaultValue 4 */
  readonly maxConcurrent?: number;
  /**
   * Where task records live. Pass the agent's store (`sqliteStore`, `postgresStore`) so tasks survive a
   * restart: a task whose process ended before it did then reads as `interrupted`.
   * @defaultValue a private `memoryStore()` (tasks last as long as the process)
   */
  readonly store?: SessionStore;
  /** Output characters kept per task (head and tail). @defaultValue 30000 */
  readonly maxOutputChars?: number;
  /** The longest `task_output` may wait for a task to end, in milliseconds. @defaultValue 600000 */
  readonly maxWaitMs?: number;
}

/**
 * The six task tools, and a `close()` that stops every task they run.
 *
 * @example
 * ```ts
 * const tasks: TaskTools = taskTools({ shell: true, store });
 * createAgent({ provider, tools: [...tasks], store });
 * process.on('SIGTERM', () => void tasks.close());
 * ```
 */
export type TaskTools = Tool[] & {
  /** Stops every task this instance runs and waits until their records say so (`stopped`). */
  close(): Promise<void>;
};

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min) || (value !== Infinity && !Number.isInteger(value)))
    throw new ConfigError(`taskTools: \`${name}\` must be an integer of at least ${min}, got ${String(value)}.`);
  return value;
}

function checkAgents(agents: Readonly<Record<string, Agent>>): void {
  for (const [name, agent] of Object.entries(agents)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw new ConfigError(`taskTools: agent name ${JSON.stringify(name)} must be 1-64 letters, digits, _ or -.`);
    if (typeof agent?.run !== 'function')
      throw new ConfigError(`taskTools: agents.${name} must be an agent made by createAgent.`);
  }
}

function taskStore(store: SessionStore): TaskStore {
  if (
    typeof store.putTask !== 'function' ||
    typeof store.getTask !== 'function' ||
    typeof store.listTasks !== 'function'
  )
    throw new ConfigError(
      'taskTools: the store keeps no task records (putTask, getTask, listTasks); use memoryStore, sqliteStore or postgresStore.',
    );
  return store as TaskStore;
}

/**
 * The background task tools: `task_create` starts a sub-agent run (one of `agents`, with a prompt, in its
 * own session whose metadata names the creating session and the task) or a shell command (with
 * `shell: true`); `task_output` waits for a task, up to a timeout, and returns its output so far or its
 * result; `task_get` and `task_list` show where tasks are (`pending`, `running`, `completed`, `failed`,
 * `stopped`, `interrupted`); `task_update` changes a task's description or notes, or sends a follow-up
 * message to an agent task that has ended (it runs again in the same session); `task_stop` stops one (the
 * run is aborted, the command's process group killed).
 *
 * A task outlives the turn and the run that started it: it runs in this process until it ends or is
 * stopped, and a later run of the session reads it. At most `maxConcurrent` run at once; the rest wait,
 * `pending`. Records are kept in `store`, so after a restart the tasks of a session are still listed, and
 * one whose process ended before it did reads as `interrupted`, with its output so far.
 *
 * Shell tasks are judged by the policy as `bash` commands (`Bash(…)` rules, read-only analysis, the mode),
 * and run read-only in `read-only` mode as `bash` does. Starting a sub-agent is a call that is not
 * read-only (the sub-agent has its own policy), so `read-only` mode refuses it unless a rule allows
 * `task_create`.
 *
 * @example
 * ```ts
 * const store = sqliteStore({ path: '.icode/sessions.db' });
 * const explorer = createAgent({ provider, tools: [readTool(), grepTool()], policy: { mode: 'read-only' }, store });
 * const tasks = taskTools({ agents: { explorer }, shell: true, store, maxConcurrent: 2 });
 * const agent = createAgent({ provider, tools: [...codingTools(), ...tasks], store });
 * // … at shutdown:
 * await tasks.close();
 * ```
 * @throws ConfigError for an agent that is not one, a bad limit, a store without task records, or
 * neither agents nor `shell: true`.
 */
export function taskTools(options: TaskToolsOptions = {}): TaskTools {
  const agents = options.agents ?? {};
  checkAgents(agents);
  const shell = options.shell ?? false;
  if (typeof shell !== 'boolean') throw new ConfigError('taskTools: `shell` must be true or false.');
  if (!shell && Object.keys(agents).length === 0)
    throw new ConfigError('taskTools: give `agents` to run, or `shell: true`; a task needs something to run.');
  const limits: TaskToolLimits = {
    shell,
    maxWaitMs: positive('maxWaitMs', options.maxWaitMs, 600_000),
    maxConcurrent: positive('maxConcurrent', options.maxConcurrent, 4),
  };
  const manager = new TaskManager({
    store: taskStore(options.store ?? memoryStore({ maxSessions: Infinity, idleTtlMs: Infinity })),
    agents,
    maxConcurrent: limits.maxConcurrent,
    maxOutputChars: positive('maxOutputChars', options.maxOutputChars, 30_000, 100),
  });
  const tools = [
    taskCreateTool(manager, limits),
    taskGetTool(manager),
    taskListTool(manager),
    taskOutputTool(manager, limits),
    taskUpdateTool(manager),
    taskStopTool(manager),
  ];
  return Object.assign(tools, { close: () => manager.close() });
}
