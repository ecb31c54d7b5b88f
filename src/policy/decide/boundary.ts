/**
 * Step 2: the workspace boundary. A read or write outside the root and every additional directory, or a
 * write into a read-only additional directory, is refused at once with `WORKSPACE_ESCAPE`, in every mode:
 * the sandbox would refuse it anyway, so asking a person would only stall a headless run. Only paths the
 * call surely touches count; a path known only at run time is left to the mode (it asks).
 */
import type { ResolvedPath } from '../paths.js';
import type { PathTarget } from '../policy-facts.js';
import type { PolicyDecision } from '../types.js';
import { READABLE, WRITABLE } from '../workspace.js';
import { deny, type DecideContext } from './context.js';

const ADVICE =
  'Only the workspace and the directories granted with additionalDirectories are reachable; use a path inside them.';

function escape(target: PathTarget, candidate: ResolvedPath): string {
  const verb = target.kind === 'read' ? 'Reading' : 'Writing';
  // Never the link's target: where a symlink leads outside the workspace is nobody's business here.
  if (candidate.viaLink) return `${verb} ${target.text}: it goes through a symlink that leads outside the workspace.`;
  if (target.kind === 'write' && candidate.place === 'read')
    return `${verb} ${target.text}: it is in a read-only additional directory.`;
  return `${verb} ${target.text}: it is outside the workspace.`;
}

/** `WORKSPACE_ESCAPE` for the first surely touched path outside what the tools may reach, or `undefined`. */
export function refuseOutside(ctx: DecideContext): PolicyDecision | undefined {
  for (const target of [...ctx.facts.reads, ...ctx.facts.writes]) {
    if (target.unknown || target.possible) continue;
    const allowed = target.kind === 'read' ? READABLE : WRITABLE;
    const outside = target.candidates.find((candidate) => !allowed.has(candidate.place));
    if (outside) return deny(`${escape(target, outside)} ${ADVICE}`, { errorCode: 'WORKSPACE_ESCAPE' });
  }
  return undefined;
}
