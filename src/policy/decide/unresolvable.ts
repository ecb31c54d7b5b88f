/**
 * Step 0: a path the policy could not resolve (a symlink loop, an overlong name, a directory it may not
 * search, a race that broke the walk) is refused: what cannot be judged is not allowed, and nothing
 * throws into the run.
 */
import type { PolicyDecision } from '../types.js';
import { deny, type DecideContext } from './context.js';

/** A `deny` for the first path that could not be resolved, or `undefined`. */
export function refuseUnresolvable(ctx: DecideContext): PolicyDecision | undefined {
  for (const target of [...ctx.facts.reads, ...ctx.facts.writes]) {
    const failed = target.candidates.find((candidate) => candidate.error !== undefined);
    if (failed)
      return deny(`${target.text} cannot be checked: ${failed.error}. Use a plain path inside the workspace.`);
  }
  return undefined;
}
