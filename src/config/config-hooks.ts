/**
 * Command hooks from config files (and from plugins): hook data made into `commandHook`s.
 *
 * @packageDocumentation
 */
import type { AgentHooks } from '../agent/hooks.js';
import { ConfigError } from '../errors/config-error.js';
import { commandHook, type CommandHookEvent, type CommandHookOptions } from '../hooks/command-hook.js';
import type { HookEvent } from './schema.js';
import type { IcodeConfig } from './types.js';

/** Each accepted event name, and the Claude Code event `commandHook` runs for it. */
const COMMAND_EVENTS: Readonly<Record<HookEvent, CommandHookEvent>> = {
  PreToolUse: 'PreToolUse',
  PostToolUse: 'PostToolUse',
  UserPromptSubmit: 'UserPromptSubmit',
  Stop: 'Stop',
  SubagentStop: 'SubagentStop',
  SessionStart: 'SessionStart',
  SessionEnd: 'SessionEnd',
  PreCompact: 'PreCompact',
  beforeToolCall: 'PreToolUse',
  afterToolCall: 'PostToolUse',
  userPromptSubmit: 'UserPromptSubmit',
  stop: 'Stop',
  subagentStop: 'SubagentStop',
  sessionStart: 'SessionStart',
  sessionEnd: 'SessionEnd',
  beforeCompact: 'PreCompact',
};

/** A hook as data: a config file's entry or a plugin manifest's. */
export interface HookData {
  readonly command: string;
  readonly args?: readonly string[];
  readonly events: readonly string[];
  readonly matcher?: string;
  readonly timeoutMs?: number;
  readonly onError?: 'warn' | 'block';
}

/**
 * The `commandHook` of one hook entry. It runs in the project root (the `cwd` it is told, and
 * `ICODE_PROJECT_DIR`/`CLAUDE_PROJECT_DIR`), like Claude Code's hooks.
 *
 * @throws ConfigError naming `where` for an event name neither Claude Code's nor icode's, or a bad matcher.
 */
export function hookFromData(
  data: HookData,
  where: string,
  extra: Pick<CommandHookOptions, 'cwd' | 'env' | 'name'>,
): AgentHooks {
  const events = data.events.map((event) => {
    if (!Object.hasOwn(COMMAND_EVENTS, event))
      throw new ConfigError(
        `${where}: unknown hook event "${event}"; use one of ${Object.keys(COMMAND_EVENTS).join(', ')}.`,
      );
    return COMMAND_EVENTS[event as HookEvent];
  });
  try {
    return commandHook({
      command: data.command,
      ...(data.args !== undefined ? { args: data.args } : {}),
      events: [...new Set(events)],
      ...(data.matcher !== undefined ? { matcher: data.matcher } : {}),
      ...(data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {}),
      ...(data.onError !== undefined ? { onError: data.onError } : {}),
      ...extra,
    });
  } catch (error) {
    throw new ConfigError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The command hooks of the config's `hooks`, user file's first, each running in the project root.
 *
 * @throws ConfigError naming the file of a hook `commandHook` refuses (an invalid matcher).
 */
export function configHooks(config: IcodeConfig): AgentHooks[] {
  return config.hooks.map((hook, index) =>
    hookFromData(hook, `hooks[${index}] (${hook.source})`, { cwd: config.root }),
  );
}
