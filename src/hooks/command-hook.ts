/**
 * `commandHook`: hooks that run an external program with the Claude Code hook contract, so hook scripts
 * written for Claude Code work with icode.
 */
import { ConfigError } from '../errors/config-error.js';
import { GuardrailError } from '../errors/guardrail-error.js';
import type { AgentHooks, HookContext, ToolCallInfo, ToolResultInfo } from '../agent/hooks.js';
import type { JsonValue } from '../model/message.js';
import { readReply, type HookReply } from './hook-reply.js';
import type { HookProcessOptions, HookProcessResult } from './spawn-hook.js';

/** The hook events of the Claude Code contract that icode runs, and the hook point each maps to. */
const EVENTS = {
  PreToolUse: 'beforeToolCall',
  PostToolUse: 'afterToolCall',
  UserPromptSubmit: 'userPromptSubmit',
  Stop: 'stop',
  SubagentStop: 'subagentStop',
  SessionStart: 'sessionStart',
  SessionEnd: 'sessionEnd',
  PreCompact: 'beforeCompact',
} as const;

/** A hook event of the Claude Code contract. */
export type CommandHookEvent = keyof typeof EVENTS;

/** Options of {@link commandHook}. */
export interface CommandHookOptions {
  /** The program to run; without `args`, a shell command line (`./hooks/check.sh --strict`). */
  readonly command: string;
  /** Arguments: `command` is then run directly, without a shell. */
  readonly args?: readonly string[];
  /** The events that run the program. */
  readonly events: readonly CommandHookEvent[];
  /**
   * For `PreToolUse` and `PostToolUse`: a regular expression the whole tool name must match (`bash`,
   * `edit|write`, `mcp__.*`), case-insensitive so Claude Code's `Bash` matches icode's `bash`. Empty or
   * `*`: every tool. @defaultValue every tool
   */
  readonly matcher?: string;
  /** Past this, the process group is killed; a guard hook then refuses. @defaultValue 60000 */
  readonly timeoutMs?: number;
  /** Working directory of the program, and the `cwd` it is told. @defaultValue `process.cwd()` */
  readonly cwd?: string;
  /** Variables added to the environment (which also gets `ICODE_PROJECT_DIR` and `CLAUDE_PROJECT_DIR`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Names the hook in warnings and errors. @defaultValue the command */
  readonly name?: string;
  /**
   * What an exit code other than 0 and 2 means for a guard (`PreToolUse`, `UserPromptSubmit`): `'warn'` lets
   * the call go on with a `hook-warning` event, as the contract says; `'block'` refuses it, so a hook whose
   * script is missing (exit 127) cannot silently turn a guard off. @defaultValue 'warn'
   */
  readonly onError?: 'warn' | 'block';
}

const DEFAULT_TIMEOUT_MS = 60_000;

let spawner: Promise<typeof import('./spawn-hook.js')> | undefined;

/**
 * Hooks that run an external program on the chosen events, with the Claude Code hook contract:
 *
 * - JSON on stdin: `session_id`, `hook_event_name`, `cwd`, `permission_mode`, and per event `tool_name`,
 *   `tool_input`, `tool_use_id`, `tool_response`, `prompt`, `stop_hook_active`, `source`, `trigger`.
 * - Exit 0: go on. JSON on stdout may answer `hookSpecificOutput.permissionDecision` `allow` | `deny` |
 *   `ask` (or the older `decision: 'block' | 'approve'`) with a reason, `updatedInput` (the input to run
 *   instead), `additionalContext` (added for the model), or `continue: false` with a `stopReason` (the run
 *   fails with a `GuardrailError`). Plain text on stdout is context for `UserPromptSubmit` and `SessionStart`.
 * - Exit 2: block, with stderr as the reason: a `PreToolUse` call is refused, a `UserPromptSubmit` input is
 *   blocked (`GuardrailError`), a `Stop` makes the run go on with stderr as the message, `PostToolUse`
 *   feedback is added to the result (`PostToolUse` runs after calls that completed, not after errors).
 * - Any other exit code: a non-blocking error, reported as a `hook-warning` event (see `onError`).
 *
 * Guards fail closed: a `PreToolUse` or `UserPromptSubmit` hook that times out, crashes or answers output
 * that is not valid hook JSON refuses. A hook's `allow` never overrides the policy: a deny or ask rule still
 * applies; its `ask` routes the call to the policy's `approve` (or pauses the run).
 *
 * Node-only: the process module is loaded on first use.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   provider,
 *   tools: codingTools({ root }),
 *   hooks: [
 *     commandHook({ command: './.claude/hooks/guard-bash.sh', events: ['PreToolUse'], matcher: 'bash' }),
 *     commandHook({ command: 'node', args: ['hooks/format.mjs'], events: ['PostToolUse'], matcher: 'edit|write' }),
 *   ],
 * });
 * ```
 * @throws ConfigError for a missing command, an unknown event, an invalid matcher or timeout.
 */
export function commandHook(options: CommandHookOptions): AgentHooks {
  const settings = validate(options);
  const hooks: AgentHooks = { name: settings.name };
  const on = new Set(settings.events);
  const run = (event: CommandHookEvent, payload: Record<string, JsonValue | undefined>, ctx: HookContext) =>
    invoke(settings, event, payload, ctx);
  const matches = (tool: string): boolean => settings.matcher?.test(tool) ?? true;

  if (on.has('PreToolUse')) {
    hooks.beforeToolCall = async (call, ctx) => {
      if (!matches(call.name)) return undefined;
      return preToolUse(settings, await run('PreToolUse', toolPayload(call), ctx), ctx);
    };
  }
  if (on.has('PostToolUse')) {
    hooks.afterToolCall = async (call, result, ctx) => {
      // As in the contract, after a tool that completed: not after a refusal, a bad input or a failure.
      if (result.isError || !matches(call.name)) return undefined;
      const reply = await run('PostToolUse', { ...toolPayload(call), tool_response: result.output }, ctx);
      return postToolUse(settings, reply, result, ctx);
    };
  }
  if (on.has('UserPromptSubmit')) {
    hooks.userPromptSubmit = async (prompt, ctx) => {
      const reply = await run('UserPromptSubmit', { prompt: prompt.text }, ctx);
      const blocked = guardVerdict(settings, reply, ctx);
      if (blocked !== undefined) return { block: blocked };
      if (reply.kind !== 'ok') return undefined;
      stopIfAsked(settings, reply);
      if (reply.output.decision === 'block') return { block: reply.output.reason ?? 'blocked by a hook' };
      const context = reply.output.additionalContext ?? reply.text;
      return context ? { additionalContext: context } : undefined;
    };
  }
  if (on.has('Stop')) {
    hooks.stop = async (info, ctx) => {
      const reply = await run(
        'Stop',
        { stop_hook_active: info.continuations > 0, last_assistant_message: info.text },
        ctx,
      );
      if (reply.kind === 'block') return { continue: reply.reason || 'Continue.' };
      if (reply.kind === 'failed') return void warn(settings, ctx, reply.message);
      if (reply.output.continue === false) return undefined;
      return reply.output.decision === 'block' ? { continue: reply.output.reason ?? 'Continue.' } : undefined;
    };
  }
  if (on.has('SubagentStop')) {
    hooks.subagentStop = async (info, ctx) => {
      const reply = await run(
        'SubagentStop',
        { stop_hook_active: false, agent_name: info.name, last_assistant_message: info.result.text },
        ctx,
      );
      if (reply.kind === 'failed') warn(settings, ctx, reply.message);
    };
  }
  if (on.has('SessionStart')) {
    hooks.sessionStart = async (info, ctx) => {
      const reply = await run('SessionStart', { source: info.source === 'new' ? 'startup' : 'resume' }, ctx);
      if (reply.kind === 'failed') return void warn(settings, ctx, reply.message);
      if (reply.kind !== 'ok') return undefined;
      const context = reply.output.additionalContext ?? reply.text;
      return context ? { additionalContext: context } : undefined;
    };
  }
  if (on.has('SessionEnd')) {
    hooks.sessionEnd = async (info, ctx) => {
      const reply = await run('SessionEnd', { reason: 'other', status: info.status }, ctx);
      if (reply.kind === 'failed') warn(settings, ctx, reply.message);
    };
  }
  if (on.has('PreCompact')) {
    hooks.beforeCompact = async (_info, ctx) => {
      const reply = await run('PreCompact', { trigger: 'auto', custom_instructions: '' }, ctx);
      if (reply.kind === 'failed') warn(settings, ctx, reply.message);
    };
  }
  return hooks;
}

interface Settings {
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly events: readonly CommandHookEvent[];
  readonly matcher?: RegExp;
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly onError: 'warn' | 'block';
}

function validate(options: CommandHookOptions): Settings {
  const {
    command,
    args,
    events,
    matcher,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    cwd,
    env = {},
    onError = 'warn',
  } = options ?? ({} as CommandHookOptions);
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ConfigError('commandHook needs `command`: the program (or shell command line) to run.');
  }
  if (args !== undefined && (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string'))) {
    throw new ConfigError('commandHook: `args` must be an array of strings.');
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new ConfigError(`commandHook needs \`events\`: one or more of ${Object.keys(EVENTS).join(', ')}.`);
  }
  for (const event of events) {
    if (!Object.hasOwn(EVENTS, event)) {
      throw new ConfigError(
        `commandHook: unknown event "${String(event)}"; expected one of ${Object.keys(EVENTS).join(', ')}.`,
      );
    }
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new ConfigError(`commandHook: \`timeoutMs\` must be a positive integer, got ${String(timeoutMs)}.`);
  }
  if (onError !== 'warn' && onError !== 'block') {
    throw new ConfigError(`commandHook: \`onError\` must be 'warn' or 'block', got ${String(onError)}.`);
  }
  let pattern: RegExp | undefined;
  if (matcher !== undefined && matcher !== '' && matcher !== '*') {
    try {
      pattern = new RegExp(`^(?:${matcher})$`, 'i');
    } catch (error) {
      throw new ConfigError(`commandHook: \`matcher\` is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return {
    name: options.name ?? [command, ...(args ?? [])].join(' '),
    command,
    ...(args !== undefined ? { args } : {}),
    events,
    ...(pattern ? { matcher: pattern } : {}),
    timeoutMs,
    ...(cwd !== undefined ? { cwd } : {}),
    env,
    onError,
  };
}

function toolPayload(call: ToolCallInfo): Record<string, JsonValue> {
  return { tool_name: call.name, tool_input: call.input, tool_use_id: call.id };
}

/** Runs the program for one event and reads its answer. */
async function invoke(
  settings: Settings,
  event: CommandHookEvent,
  payload: Record<string, JsonValue | undefined>,
  ctx: HookContext,
): Promise<HookReply> {
  const cwd = settings.cwd ?? process.cwd();
  const input = JSON.stringify({
    session_id: ctx.sessionId,
    run_id: ctx.runId,
    cwd,
    ...(ctx.permissionMode !== undefined ? { permission_mode: ctx.permissionMode } : {}),
    hook_event_name: event,
    ...payload,
  });
  const { runHookProcess } = await (spawner ??= import('./spawn-hook.js'));
  const options: HookProcessOptions = {
    command: settings.command,
    ...(settings.args !== undefined ? { args: settings.args } : {}),
    cwd,
    env: { ICODE_PROJECT_DIR: cwd, CLAUDE_PROJECT_DIR: cwd, ...settings.env },
    input,
    timeoutMs: settings.timeoutMs,
    signal: ctx.signal,
  };
  const result: HookProcessResult = await runHookProcess(options);
  return readReply(result, settings.timeoutMs);
}

function warn(settings: Settings, ctx: HookContext, message: string): void {
  ctx.warn(`Hook "${settings.name}" ${message}`);
}

/** `continue: false` stops the run, whatever else the answer says. */
function stopIfAsked(settings: Settings, reply: Extract<HookReply, { kind: 'ok' }>): void {
  if (reply.output.continue === false) {
    throw new GuardrailError({
      guardrail: settings.name,
      reason: reply.output.stopReason ?? 'A hook stopped the run.',
      stage: 'hook',
    });
  }
}

/**
 * For a guard: the reason to refuse when the hook blocked (exit 2) or failed in a way a guard must not take
 * as a pass; `undefined` when its answer is to be read.
 */
function guardVerdict(settings: Settings, reply: HookReply, ctx: HookContext): string | undefined {
  if (reply.kind === 'block') return reply.reason || `Blocked by the hook "${settings.name}".`;
  if (reply.kind !== 'failed') return undefined;
  warn(settings, ctx, reply.message);
  if (reply.guardFails || settings.onError === 'block') {
    return `The hook "${settings.name}" ${reply.message}, so this is refused.`;
  }
  return undefined;
}

function preToolUse(settings: Settings, reply: HookReply, ctx: HookContext) {
  const refused = guardVerdict(settings, reply, ctx);
  if (refused !== undefined) return { deny: refused };
  if (reply.kind !== 'ok') return undefined;
  stopIfAsked(settings, reply);
  const { output } = reply;
  const decision =
    output.permissionDecision ??
    (output.decision === 'block' ? 'deny' : output.decision === 'approve' ? 'allow' : undefined);
  const reason = output.permissionDecisionReason ?? output.reason;
  if (decision === 'deny') return { deny: reason ?? `Denied by the hook "${settings.name}".` };
  return {
    ...(output.updatedInput !== undefined ? { input: output.updatedInput } : {}),
    ...(decision === 'ask' ? { ask: reason ?? `The hook "${settings.name}" asks for approval.` } : {}),
    ...(decision === 'allow' ? { allow: true } : {}),
  };
}

function postToolUse(settings: Settings, reply: HookReply, result: ToolResultInfo, ctx: HookContext) {
  if (reply.kind === 'failed') return void warn(settings, ctx, reply.message);
  const notes: string[] = [];
  if (reply.kind === 'block') {
    if (reply.reason) notes.push(reply.reason);
  } else {
    stopIfAsked(settings, reply);
    if (reply.output.decision === 'block' && reply.output.reason) notes.push(reply.output.reason);
    if (reply.output.additionalContext) notes.push(reply.output.additionalContext);
  }
  if (notes.length === 0) return undefined;
  const output = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
  return { ...result, output: `${output}\n\nHook feedback (${settings.name}): ${notes.join('\n')}` };
}
