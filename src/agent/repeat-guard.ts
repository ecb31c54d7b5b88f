/**
 * The repeated-call guard: a model stuck in a loop makes the same call again and again. The same call (tool
 * and input) made in `limit` turns in a row is asked about when the policy has an approver, else refused
 * with a message telling the model to change its approach.
 *
 * Identical calls within one turn count once (a model fanning out the same fetch is not looping), and
 * read-only tools are not guarded by default: polling a job until it says "done" is their purpose.
 */
import { ConfigError } from '../errors/config-error.js';
import { jsonEqual } from '../internal/json-safe.js';
import type { JsonValue } from '../model/message.js';
import type { Tool } from '../tools/tool.js';
import type { RunContext } from './run-context.js';
import type { AgentOptions } from './types.js';

/** The guard's settings, resolved. */
export interface RepeatGuard {
  /** Turns in a row with the same call that trip the guard. */
  readonly limit: number;
  /** Whether read-only tools are guarded too. */
  readonly readOnlyTools: boolean;
}

/** The most recent guarded call, and in how many turns in a row it was made. */
export interface LastCall {
  readonly name: string;
  readonly input: JsonValue;
  count: number;
  /** The run's turn it was last counted in. */
  turn: number;
}

const DEFAULT_REPEAT_LIMIT = 3;

/**
 * The `repeatLimit` option, checked: `false` turns the guard off, a number sets the limit, an object also
 * says whether read-only tools are guarded.
 *
 * @throws ConfigError for a limit that is not an integer of at least 2.
 */
export function repeatGuard(option: AgentOptions['repeatLimit']): RepeatGuard | undefined {
  if (option === false) return undefined;
  const { limit = DEFAULT_REPEAT_LIMIT, readOnlyTools = false } =
    typeof option === 'object' && option !== null ? option : { limit: option };
  if (!Number.isInteger(limit) || limit < 2) {
    throw new ConfigError(`repeatLimit must be an integer of at least 2, or false, got ${String(limit)}.`);
  }
  if (typeof readOnlyTools !== 'boolean') throw new ConfigError('repeatLimit.readOnlyTools must be a boolean.');
  return { limit, readOnlyTools };
}

/** Records the call and tells whether it has now been made in `limit` turns in a row. */
export function isRepeated(ctx: RunContext, tool: Tool, input: JsonValue): boolean {
  const guard = ctx.config.repeatGuard;
  if (!guard || (tool.readOnly && !guard.readOnlyTools)) return false;
  const last = ctx.lastCall;
  if (last && last.name === tool.name && jsonEqual(last.input, input)) {
    if (last.turn !== ctx.turns) {
      last.turn = ctx.turns;
      last.count++;
    }
    return last.count >= guard.limit;
  }
  ctx.lastCall = { name: tool.name, input, count: 1, turn: ctx.turns };
  return false;
}
