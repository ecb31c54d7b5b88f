import { ConfigError } from '../errors/config-error.js';
import type { AgentHooks } from '../agent/hooks.js';

/** Options of {@link contextWindowMonitor}. */
export interface ContextWindowMonitorOptions {
  /** Fractions of the context window at which the model is told how full it is. @defaultValue [0.7, 0.85] */
  readonly thresholds?: readonly number[];
  /** The context window, when the model does not say. @defaultValue the model's `contextWindow` */
  readonly contextWindow?: number;
}

/** The session state key holding the highest threshold already reported. */
const STATE_KEY = 'contextWindowMonitor';

/**
 * An `afterToolCall` hook that tells the model how full its context window is, once per threshold crossed:
 * a note added to the tool result that crossed it ("Context window 72 % full: …"), so the model can wrap
 * up, summarise or work in smaller steps before the history is compacted or the model refuses the request.
 * The fill is the provider's token count for the last call plus an estimate of what was added since. The
 * thresholds already reported are kept in the session state, so a note is not repeated in later runs; after
 * a compaction lowers the fill, they are reported again.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: codingTools({ root }), hooks: contextWindowMonitor({ thresholds: [0.6, 0.8] }) });
 * ```
 * @throws ConfigError when a threshold is not in (0, 1) or the window is not a positive integer.
 */
export function contextWindowMonitor(options: ContextWindowMonitorOptions = {}): AgentHooks {
  const thresholds = [...(options.thresholds ?? [0.7, 0.85])].sort((a, b) => a - b);
  if (thresholds.length === 0 || thresholds.some((t) => !(typeof t === 'number' && t > 0 && t < 1))) {
    throw new ConfigError('contextWindowMonitor: `thresholds` must be fractions of the window, each in (0, 1).');
  }
  const configured = options.contextWindow;
  if (configured !== undefined && (!Number.isInteger(configured) || configured < 1)) {
    throw new ConfigError(
      `contextWindowMonitor: \`contextWindow\` must be a positive integer, got ${String(configured)}.`,
    );
  }
  return {
    name: 'contextWindowMonitor',
    afterToolCall(_call, result, ctx) {
      const window = configured ?? ctx.contextWindow;
      if (window === undefined) return undefined;
      const used = ctx.contextTokens + estimate(result.output);
      const fill = used / window;
      const reported = ctx.state.get(STATE_KEY);
      const last = typeof reported === 'number' ? reported : 0;
      const crossed = thresholds.filter((t) => fill >= t).at(-1) ?? 0;
      // Below the last reported threshold again (a compaction): forget it, so it is reported when crossed.
      if (crossed < last) ctx.state.set(STATE_KEY, crossed);
      if (crossed <= last) return undefined;
      ctx.state.set(STATE_KEY, crossed);
      const percent = Math.round(fill * 100);
      const note = `[Context window ${percent} % full: about ${used} of ${window} tokens. Finish the current task economically: prefer targeted reads (offset/limit, grep) over whole files, and keep outputs short.]`;
      const output = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
      return { ...result, output: `${output}\n\n${note}` };
    },
  };
}

/** Tokens of a result not yet in the history, by the usual four characters a token. */
function estimate(output: unknown): number {
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? '');
  return Math.ceil(text.length / 4);
}
