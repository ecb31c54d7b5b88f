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
  return total;
}
