import { BudgetExceededError } from '../errors/provider-error.js';
import type { ModelPricing } from '../model/language-model.js';
import type { Usage } from '../model/usage.js';

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
