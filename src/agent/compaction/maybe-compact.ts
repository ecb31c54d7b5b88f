import { addUsage, costOf } from '../../model/usage.js';
import type { RunContext } from '../run-context.js';
import { compactHooks } from '../run-hooks.js';
import { applyCompaction } from '../session-history.js';
import { estimateTokens } from './estimate-tokens.js';
import type { CompactionStrategy } from './types.js';

/** Compaction settings resolved once per agent. */
export interface ResolvedCompaction {
  readonly strategy: CompactionStrategy;
  readonly threshold: number;
  readonly contextWindow: number;
  readonly keepRecentTurns: number;
}

/**
 * The tokens the next model call would send: the provider's count for the last call where there is one,
 * plus an estimate for the messages added since; an estimate of everything otherwise.
 */
export function contextTokens(ctx: RunContext): number {
  const { history } = ctx;
  if (ctx.contextTokens !== undefined && ctx.contextMark <= history.length) {
    return ctx.contextTokens + estimateTokens(history, ctx.contextMark);
  }
  const system = ctx.config.options.instructions;
  return estimateTokens(history) + (system ? Math.ceil(system.length / 4) : 0);
}

/**
 * Where the verbatim tail starts: at the assistant message that began the `keepRecentTurns`-th last turn
 * (with the user message before it, if any). A cut there never separates a tool call from its result.
 */
export function keepFrom(ctx: RunContext, keepRecentTurns: number): number {
  const { history } = ctx;
  let turns = 0;
  let index = history.length;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role === 'assistant' && history[i - 1]?.role !== 'assistant') {
      // The start of a turn: an assistant message after user input or after tool results.
      index = i;
      if (++turns >= keepRecentTurns) break;
    }
  }
  if (index > 0 && history[index - 1]!.role === 'user') index--;
  return index;
}

/**
 * Compacts the history before a model call when the context has reached `threshold` of the window:
 * stores a compaction boundary (the full history stays in the store), swaps the live history for the
 * compacted one, and reports tokens before and after in a `compaction` event.
 */
export async function maybeCompact(ctx: RunContext, settings: ResolvedCompaction): Promise<void> {
  const before = contextTokens(ctx);
  if (before < settings.threshold * settings.contextWindow) return;
  const cut = keepFrom(ctx, settings.keepRecentTurns);
  if (cut < 2) return;
  await compactHooks(ctx, { tokens: before, contextWindow: settings.contextWindow });
  const { provider, instructions } = ctx.config.options;
  const result = await settings.strategy.compact({
    history: ctx.history,
    keepFrom: cut,
    model: provider,
    signal: ctx.signal,
    ...(instructions !== undefined ? { system: instructions } : {}),
  });
  if (!result) return;
  if (result.mode === 'summary' && result.usage) {
    addUsage(ctx.usage, result.usage);
    if (provider.pricing) ctx.cost += costOf(result.usage, provider.pricing);
  }
  const summary = result.mode === 'summary' ? result.summary : '';
  const upTo = ctx.historySeqs[cut - 1]!;
  const compacted = applyCompaction(
    ctx.history,
    ctx.historySeqs,
    { mode: result.mode, summary, upTo },
    ctx.version + 1,
  );
  // The provider's count of what was there, less the estimate of what went, plus that of what replaced it.
  const after = Math.max(0, before - estimateTokens(ctx.history) + estimateTokens(compacted.history));
  await ctx.persist([
    {
      type: 'compaction',
      strategy: settings.strategy.name,
      mode: result.mode,
      summary,
      upTo,
      tokensBefore: before,
      tokensAfter: after,
    },
  ]);
  ctx.history = compacted.history;
  ctx.historySeqs = compacted.seqs;
  // The request object is built around the live history array, which was just replaced.
  ctx.request = undefined;
  ctx.contextTokens = after;
  ctx.contextMark = ctx.history.length;
  const wait = ctx.emit({
    type: 'compaction',
    strategy: settings.strategy.name,
    tokensBefore: before,
    tokensAfter: after,
    runId: ctx.runId,
  });
  if (wait) await wait;
}
