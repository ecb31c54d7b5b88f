/**
 * Drops what the policy does not let the model read from the results of a search or a listing: a denied
 * file shows neither its content nor its name, nor counts in a total.
 */
import type { ToolContext } from '../../tool.js';

/** Checks run at once: enough to hide the latency of each, few enough not to flood the thread pool. */
const BATCH = 64;

/**
 * The items whose path `ctx.canRead` accepts, in their order; all of them when the agent's policy has no
 * `canRead`.
 *
 * @example
 * ```ts
 * const shown = await keepReadable(ctx, results, (result) => result.path);
 * ```
 */
export async function keepReadable<T>(
  ctx: Pick<ToolContext, 'canRead'>,
  items: readonly T[],
  pathOf: (item: T) => string,
): Promise<T[]> {
  const canRead = ctx.canRead;
  if (!canRead) return [...items];
  const kept: T[] = [];
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH);
    const verdicts = await Promise.all(batch.map((item) => canRead(pathOf(item)).catch(() => false)));
    batch.forEach((item, index) => {
      if (verdicts[index] === true) kept.push(item);
    });
  }
  return kept;
}
