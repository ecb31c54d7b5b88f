import type { LanguageModel } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
import type { Usage } from '../../model/usage.js';

/** What a compaction strategy is given. */
export interface CompactionInput {
  /** The history the model sees now, oldest first. Do not mutate it. */
  readonly history: readonly Message[];
  /** The index of the first message that must be kept verbatim (the recent turns). */
  readonly keepFrom: number;
  /** The agent's model, for strategies that summarise. */
  readonly model: LanguageModel;
  readonly system?: string;
  readonly signal: AbortSignal;
}

/**
 * What a strategy produced. `summary` replaces `history[0..keepFrom)` with one summary; `prune` keeps every
 * message but replaces the outputs of tool results before `keepFrom` with a short note.
 */
export type CompactionResult =
  { readonly mode: 'summary'; readonly summary: string; readonly usage?: Usage } | { readonly mode: 'prune' };

/**
 * A way to make the history smaller when it nears the model's context window.
 *
 * @example
 * ```ts
 * const keepTitlesOnly: CompactionStrategy = {
 *   name: 'titles',
 *   compact: async ({ history, keepFrom }) => ({ mode: 'summary', summary: `${keepFrom} earlier messages omitted.` }),
 * };
 * createAgent({ provider, compaction: { strategy: keepTitlesOnly } });
 * ```
 */
export interface CompactionStrategy {
  readonly name: string;
  compact(input: CompactionInput): Promise<CompactionResult | undefined>;
}

/**
 * When and how an agent compacts its history. Compaction runs before a model call when the context
 * reaches `threshold` of the window; the full history stays in the store behind a compaction boundary.
 */
export interface CompactionOptions {
  /** @defaultValue `summarizeCompaction()`: the agent's own model writes the summary */
  readonly strategy?: CompactionStrategy;
  /** Share of the context window that triggers compaction. @defaultValue 0.8 */
  readonly threshold?: number;
  /** Context window in tokens. @defaultValue the model's `contextWindow`; without either, no compaction */
  readonly contextWindow?: number;
  /** Most recent turns kept verbatim. @defaultValue 2 */
  readonly keepRecentTurns?: number;
}
