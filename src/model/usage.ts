import type { ModelPricing } from './language-model.js';

/**
 * Token usage, as providers report it.
 *
 * @example
 * ```ts
 * const usage: Usage = { inputTokens: 1200, outputTokens: 85, cacheReadTokens: 1000 };
 * ```
 */
export interface Usage {
  /** Input tokens billed at the normal rate plus those read from or written to a cache. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache, where it reports them. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache, where it reports them. */
  cacheWriteTokens?: number;
  /**
   * Output tokens spent on reasoning (thinking), where the provider reports them. They are already counted
   * in `outputTokens` and billed with them; this says how many of those the answer did not show.
   */
  reasoningTokens?: number;
}

/** A usage of zero tokens. Returns a fresh object each time because usages are summed in place. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0 };
}

/**
 * Adds `more` into `total` in place and returns `total`. Cache fields appear in the total as soon as any
 * addend reports them.
 *
 * @example
 * ```ts
 * const total = emptyUsage();
 * addUsage(total, { inputTokens: 10, outputTokens: 2 });
 * ```
 */
export function addUsage(total: Usage, more: Usage): Usage {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
  if (more.cacheReadTokens !== undefined) total.cacheReadTokens = (total.cacheReadTokens ?? 0) + more.cacheReadTokens;
  if (more.cacheWriteTokens !== undefined)
    total.cacheWriteTokens = (total.cacheWriteTokens ?? 0) + more.cacheWriteTokens;
  if (more.reasoningTokens !== undefined) total.reasoningTokens = (total.reasoningTokens ?? 0) + more.reasoningTokens;
  return total;
}

/**
 * The cost in USD of `usage` at `pricing` (USD per million tokens). `inputTokens` includes cached tokens,
 * which are billed at their own rates.
 *
 * @example
 * ```ts
 * costOf({ inputTokens: 1_000_000, outputTokens: 0 }, { inputPerMTok: 3, outputPerMTok: 15 }); // 3
 * ```
 */
export function costOf(usage: Usage, pricing: ModelPricing): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const fresh = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  return (
    (fresh * pricing.inputPerMTok +
      cacheRead * (pricing.cacheReadPerMTok ?? pricing.inputPerMTok) +
      cacheWrite * (pricing.cacheWritePerMTok ?? pricing.inputPerMTok) +
      usage.outputTokens * pricing.outputPerMTok) /
    1_000_000
  );
}
