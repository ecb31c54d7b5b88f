import { ConfigError } from '../errors/config-error.js';
import type { SettingsInput } from './run-settings.js';
import type { ModelTool } from '../model/language-model.js';
import type { Policy } from '../policy/types.js';
import type { Sandbox } from '../sandbox/types.js';
import type { SessionStore } from '../stores/types.js';
import type { Tool } from '../tools/tool.js';
import type { ResolvedCompaction } from './compaction/maybe-compact.js';
import { summarizeCompaction } from './compaction/strategies.js';
import type { CompactionOptions } from './compaction/types.js';
import type { RepeatGuard } from './repeat-guard.js';
import type { AgentToolsets } from './toolsets.js';
import type { AgentOptions } from './types.js';

/** Everything a run needs, resolved and validated once per agent. */
export interface AgentConfig {
  readonly options: AgentOptions;
  /** The agent's own run settings (`output`, `stopWhen`), which its sub-agent runs start from. */
  readonly runDefaults?: SettingsInput;
  readonly tools: ReadonlyMap<string, Tool>;
  /** Tool descriptions for the model, computed once: not per turn. */
  readonly modelTools: readonly ModelTool[];
  /** The toolsets given in `tools`, when there are any: `tools` is then their live map. */
  readonly toolsets?: AgentToolsets;
  readonly policy: Policy;
  readonly store: SessionStore;
  /** How long a run waits for its session's lock; `undefined`: no limit. */
  readonly lockTimeoutMs: number | undefined;
  readonly maxTurns: number;
  readonly maxParallelTools: number;
  readonly maxToolOutputChars: number;
  /** Characters one model turn may stream (text, reasoning, tool arguments) before it is cut. */
  readonly maxTurnOutputChars: number;
  /** Levels of nesting a tool call's input may have. */
  readonly maxToolInputDepth: number;
  readonly eventBufferSize: number;
  readonly name: string;
  /** The repeated-call guard, or `undefined` when it is off. */
  readonly repeatGuard: RepeatGuard | undefined;
  /** Compaction settings, or `undefined` when the agent does not compact. */
  readonly compaction: ResolvedCompaction | undefined;
  /** The sandbox, created on first use when none was given (it is Node-only). */
  sandbox(): Promise<Sandbox>;
}

/** Throws a {@link ConfigError} unless `value` is a positive integer (or undefined). */
export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got ${value}.`);
  return value;
}

/** Throws a {@link ConfigError} unless `lockTimeoutMs` is a non-negative integer (or undefined). */
export function lockTimeout(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`lockTimeoutMs must be a non-negative integer of milliseconds, got ${String(value)}.`);
  }
  return value;
}

/** Indexes the tools by name, refusing duplicates. */
export function indexTools(tools: readonly Tool[]): Map<string, Tool> {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (!tool || typeof tool.execute !== 'function' || typeof tool.name !== 'string') {
      throw new ConfigError('Every entry of `tools` must be a tool made with tool().');
    }
    if (byName.has(tool.name)) throw new ConfigError(`Two tools are named "${tool.name}"; tool names must be unique.`);
    byName.set(tool.name, tool);
  }
  return byName;
}

/**
 * The compaction settings of an agent: off when disabled, or when no context window is known (neither
 * the option nor the model's `contextWindow`), since there is then nothing to measure against.
 */
export function resolveCompaction(
  options: CompactionOptions | false | undefined,
  modelWindow: number | undefined,
): ResolvedCompaction | undefined {
  if (options === false) return undefined;
  const contextWindow = options?.contextWindow ?? modelWindow;
  if (contextWindow === undefined) return undefined;
  const threshold = options?.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1))
    throw new ConfigError(`compaction.threshold must be in (0, 1], got ${threshold}.`);
  return {
    strategy: options?.strategy ?? summarizeCompaction(),
    threshold,
    contextWindow: positiveInteger('compaction.contextWindow', contextWindow, contextWindow),
    keepRecentTurns: positiveInteger('compaction.keepRecentTurns', options?.keepRecentTurns, 2),
  };
}
