/**
 * The six task tools, over one {@link TaskManager}.
 */
import type { Agent } from '../agent/types.js';
import { boundAgent } from './bound-agent.js';
import { z } from 'zod';
import { tool } from '../tools/define-tool.js';
import { withAliases } from '../tools/builtin/tool-input.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { statusLine, taskDetails, taskLine, taskOutput } from './task-format.js';
import type { TaskManager, TaskSpec } from './task-manager.js';

/** The limits the tools enforce, resolved by `taskTools`. */
export interface TaskToolLimits {
  readonly shell: boolean;
  readonly maxWaitMs: number;
  readonly maxConcurrent: number;
}

/** How long `task_output` waits when the model names no timeout. */
export const DEFAULT_TASK_WAIT_MS = 30_000;

/** How long `task_stop` waits for a task to end after stopping it. */
const STOP_WAIT_MS = 15_000;

const TASK_ID_ALIASES: Readonly<Record<string, string>> = { taskId: 'task_id', id: 'task_id' };
const taskId = z.string().min(1).describe('The id task_create returned, e.g. "task_…".');

// Modes in which nothing may be written. As `bash` does, a command then runs with the file system read-only,
// so a command the policy wrongly judged read-only still cannot write.
const READ_ONLY_MODES: ReadonlySet<string> = new Set(['read-only', 'plan']);

function createInput(agentNames: readonly string[], shell: boolean) {
  const [first, ...rest] = agentNames;
  return withAliases(
    z.object({
      description: z.string().min(1).max(200).describe('What the task is for, in 3-10 words.'),
      ...(first === undefined
        ? {}
        : {
            agent: z
              .enum([first, ...rest])
              .optional()
              .describe('The sub-agent to run, with `prompt`.'),
            prompt: z.string().min(1).optional().describe('The sub-agent’s instructions: everything it needs to know.'),
          }),
      ...(shell
        ? {
            command: z
              .string()
              .min(1)
              .optional()
              .describe('A shell command to run in the workspace (instead of an agent).'),
            workdir: z.string().min(1).optional().describe('Directory to run the command in, inside the workspace.'),
            timeout: z
              .number()
              .int()
              .positive()
              .optional()
              .describe('Kill the command after this many ms. Default: none.'),
          }
        : {}),
    }),
    { workDir: 'workdir', cwd: 'workdir', timeoutMs: 'timeout', subagent: 'agent', subagent_type: 'agent' },
  );
}

type CreateInput = {
  description: string;
  agent?: string;
  prompt?: string;
  command?: string;
  workdir?: string;
  timeout?: number;
};

/** A checked `task_create` input, before its agent is bound to the creating run. */
type DraftSpec = Exclude<TaskSpec, { kind: 'agent' }> | Omit<Extract<TaskSpec, { kind: 'agent' }>, 'run'>;

function toSpec(args: CreateInput, ctx: ToolContext, names: readonly string[], shell: boolean): DraftSpec {
  const wantsAgent = args.agent !== undefined || args.prompt !== undefined;
  if (wantsAgent && args.command !== undefined)
    throw new Error('Give either `agent` and `prompt` (a sub-agent task) or `command` (a shell task), not both.');
  if (args.command !== undefined) {
    return {
      kind: 'shell',
      description: args.description,
      command: args.command,
      sandbox: ctx.sandbox,
      readOnly: ctx.permissionMode !== undefined && READ_ONLY_MODES.has(ctx.permissionMode),
      ...(args.workdir === undefined ? {} : { cwd: args.workdir }),
      ...(args.timeout === undefined ? {} : { timeoutMs: args.timeout }),
    };
  }
  if (args.agent === undefined || args.prompt === undefined) {
    const choices = [
      names.length > 0 ? `\`agent\` (one of ${names.join(', ')}) and \`prompt\`` : '',
      shell ? '`command`' : '',
    ];
    throw new Error(`Give ${choices.filter(Boolean).join(', or ')}.`);
  }
  return { kind: 'agent', description: args.description, agent: args.agent, prompt: args.prompt };
}

/** `task_create`: starts a task and returns its id at once. */
export function taskCreateTool(manager: TaskManager, limits: TaskToolLimits): Tool<CreateInput> {
  const names = Object.keys(manager.agents);
  const kinds = [
    names.length > 0 ? `a sub-agent (${names.join(', ')}) with a prompt` : '',
    limits.shell ? 'a shell command' : '',
  ].filter(Boolean);
  return tool({
    name: 'task_create',
    description: [
      `Starts a background task: ${kinds.join(', or ')}. Returns its id at once; the task keeps running after this turn.`,
      '- Use it for work that takes long or can go on while you do something else; check it with task_output (which waits for it) or task_get.',
      `- At most ${limits.maxConcurrent} tasks run at once; more wait as pending.`,
    ].join('\n'),
    input: createInput(names, limits.shell) as unknown as z.ZodType<CreateInput>,
    readOnly: false,
    // A shell task is judged exactly as a bash command would be.
    access: (args) =>
      args.command === undefined
        ? []
        : [{ kind: 'exec', command: args.command, ...(args.workdir === undefined ? {} : { cwd: args.workdir }) }],
    async execute(args, ctx) {
      const draft = toSpec(args, ctx, names, limits.shell);
      const spec: TaskSpec =
        draft.kind === 'agent'
          ? { ...draft, run: await boundAgent(manager.agents[draft.agent]!, draft.agent, ctx) }
          : draft;
      // Check the directory now, so a bad one is this call's error rather than a failed task found later.
      if (spec.kind === 'shell' && spec.cwd !== undefined) await ctx.sandbox.resolve(spec.cwd, 'read');
      const { running, pending } = manager.load;
      const queued = running + pending >= limits.maxConcurrent;
      const record = await manager.create(spec, ctx.sessionId);
      return [
        `${queued ? 'Queued' : 'Started'} task ${record.id}: ${record.description}.`,
        queued
          ? `${running} tasks are running (at most ${limits.maxConcurrent} at once); it starts when one ends.`
          : '',
        `Wait for it and read its output with task_output (task_id "${record.id}"); stop it with task_stop. It keeps running after this turn.`,
      ]
        .filter(Boolean)
        .join('\n');
    },
  });
}

const idInput = withAliases(z.object({ task_id: taskId }), TASK_ID_ALIASES);

/** `task_get`: where one task is. */
export function taskGetTool(manager: TaskManager): Tool<z.output<typeof idInput>> {
  return tool({
    name: 'task_get',
    description: 'Shows a background task: its status, what it runs, its notes, and how much output it has.',
    input: idInput,
    readOnly: true,
    execute: async (args, ctx) => taskDetails(await manager.get(args.task_id, ctx.sessionId)),
  });
}

const listInput = z.object({});

/** `task_list`: the tasks of this session. */
export function taskListTool(manager: TaskManager): Tool<z.output<typeof listInput>> {
  return tool({
    name: 'task_list',
    description: 'Lists the background tasks of this session, oldest first, with their status.',
    input: listInput,
    readOnly: true,
    async execute(_args, ctx) {
      const tasks = await manager.list(ctx.sessionId);
      return tasks.length === 0 ? 'No tasks in this session.' : tasks.map(taskLine).join('\n');
    },
  });
}

/** `task_output`: waits for a task (up to a timeout) and returns its output so far or its result. */
export function taskOutputTool(manager: TaskManager, limits: TaskToolLimits): Tool {
  const input = withAliases(
    z.object({
      task_id: taskId,
      timeout_ms: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe(
          `How long to wait for the task to end, in ms (default ${Math.min(DEFAULT_TASK_WAIT_MS, limits.maxWaitMs)}, at most ${limits.maxWaitMs}; 0 returns at once).`,
        ),
    }),
    { ...TASK_ID_ALIASES, timeoutMs: 'timeout_ms', timeout: 'timeout_ms' },
  );
  return tool({
    name: 'task_output',
    description:
      'Waits until a background task ends (or the timeout passes) and returns its output: the final result once it ended, else its output so far and that it is still running.',
    input,
    readOnly: true,
    // Longer than the longest wait, so the wait's own timeout (which reports the output so far) wins.
    timeoutMs: limits.maxWaitMs + 60_000,
    async execute(args, ctx) {
      const wait = Math.min(args.timeout_ms ?? DEFAULT_TASK_WAIT_MS, limits.maxWaitMs);
      const snapshot = await manager.wait(args.task_id, ctx.sessionId, wait, ctx.signal);
      const active = snapshot.record.status === 'pending' || snapshot.record.status === 'running';
      return taskOutput(snapshot, active && wait > 0);
    },
  });
}

const updateInput = withAliases(
  z.object({
    task_id: taskId,
    description: z.string().min(1).max(200).optional().describe('A new description.'),
    notes: z.string().optional().describe('Notes to keep with the task (replaces the previous notes).'),
    message: z
      .string()
      .min(1)
      .optional()
      .describe('A follow-up message to an agent task that has ended: it runs again, remembering what it did.'),
  }),
  TASK_ID_ALIASES,
);

/** `task_update`: changes a task's description or notes, or sends a follow-up message to an agent task. */
export function taskUpdateTool(manager: TaskManager): Tool<z.output<typeof updateInput>> {
  return tool({
    name: 'task_update',
    description:
      'Changes a background task: its description or notes, or sends a follow-up message to an agent task that has ended (it continues in the same conversation, as a new run of the task).',
    input: updateInput,
    readOnly: false,
    async execute(args, ctx) {
      if (args.description === undefined && args.notes === undefined && args.message === undefined)
        throw new Error('Give `description`, `notes` or `message` to change.');
      const record = await manager.update(args.task_id, ctx.sessionId, {
        ...args,
        bind: (agent: Agent, name: string) => boundAgent(agent, name, ctx),
      });
      return [
        args.message === undefined ? `Task ${record.id} updated.` : `Task ${record.id} got the message and runs again.`,
        statusLine(record),
      ].join('\n');
    },
  });
}

/** `task_stop`: stops a task. */
export function taskStopTool(manager: TaskManager): Tool<z.output<typeof idInput>> {
  return tool({
    name: 'task_stop',
    description:
      'Stops a background task: a pending one never starts, a running sub-agent is aborted, a running command is killed with every process it started.',
    input: idInput,
    // It only stops work the agent itself started, as bash_kill does.
    readOnly: true,
    async execute(args, ctx) {
      const before = await manager.get(args.task_id, ctx.sessionId);
      if (before.record.status !== 'pending' && before.record.status !== 'running')
        return `Task ${before.record.id} had already ended. ${statusLine(before.record)}`;
      const record = await manager.stop(args.task_id, ctx.sessionId, STOP_WAIT_MS);
      return `Task ${record.id}: ${statusLine(record)}`;
    },
  });
}
