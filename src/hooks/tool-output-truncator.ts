import { ConfigError } from '../errors/config-error.js';
import type { AgentHooks } from '../agent/hooks.js';
import { truncateOutput } from '../agent/truncate-output.js';

/** Options of {@link toolOutputTruncator}: a cap for every tool, caps per tool name, or both. */
export interface ToolOutputTruncatorOptions {
  /** Characters a tool result may keep; longer ones keep their head and tail around a marker. */
  readonly maxChars?: number;
  /** Caps by tool name (`{ bash: 8000, grep: 4000 }`); a tool not listed gets `maxChars`, if set. */
  readonly perTool?: Readonly<Record<string, number>>;
}

/**
 * An `afterToolCall` hook that cuts long tool results before the model reads them, keeping their head and
 * tail around a marker that says how much was left out (the agent's `maxToolOutputChars` still applies
 * after it). Use it for tighter caps than the agent's, or caps per tool.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   provider,
 *   tools: codingTools({ root }),
 *   hooks: toolOutputTruncator({ maxChars: 20_000, perTool: { bash: 8_000 } }),
 * });
 * ```
 * @throws ConfigError when neither cap is given or a cap is not a positive integer.
 */
export function toolOutputTruncator(options: ToolOutputTruncatorOptions): AgentHooks {
  const { maxChars, perTool = {} } = options ?? {};
  if (maxChars === undefined && Object.keys(perTool).length === 0) {
    throw new ConfigError('toolOutputTruncator needs `maxChars`, `perTool`, or both.');
  }
  for (const [name, cap] of [['maxChars', maxChars] as const, ...Object.entries(perTool)]) {
    if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) {
      throw new ConfigError(`toolOutputTruncator: the cap for ${name} must be a positive integer, got ${String(cap)}.`);
    }
  }
  return {
    name: 'toolOutputTruncator',
    afterToolCall(call, result) {
      const cap = Object.hasOwn(perTool, call.name) ? perTool[call.name] : maxChars;
      if (cap === undefined) return undefined;
      const output = truncateOutput(result.output, cap);
      return output === result.output ? undefined : { ...result, output };
    },
  };
}
