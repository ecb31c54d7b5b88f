import { BudgetExceededError } from '../errors/provider-error.js';
import type { ModelPricing } from '../model/language-model.js';
import type { Usage } from '../model/usage.js';

/**
 * The cost in USD of `usage` at `pricing`. `inputTokens` includes cached tokens, which are billed at
 * their own rates.
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

/**
 * Throws {@link BudgetExceededError} when the next call would pass `limitUsd`. The next call's cost is
 * estimated from below: it sends at least everything the last call read and wrote as input.
 */
export function checkBudget(
  spentUsd: number,
  limitUsd: number,
  lastUsage: Usage | undefined,
  pricing: ModelPricing,
): void {
  const nextInput = lastUsage ? lastUsage.inputTokens + lastUsage.outputTokens : 0;
  const estimate = (nextInput * pricing.inputPerMTok) / 1_000_000;
  if (spentUsd + estimate > limitUsd || spentUsd >= limitUsd) throw new BudgetExceededError({ spentUsd, limitUsd });
}
