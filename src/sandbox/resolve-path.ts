/**
 * Canonical path resolution for sandboxes: the security boundary of every file tool.
 *
 * @packageDocumentation
 */
import { resolveBeneath } from './file-ops.js';
import type { WalkContext } from './fs-walk.js';
import type { AccessIntent } from './types.js';

export { isWithin, toAbsolute } from './fs-paths.js';

/** What {@link resolveInRoot} needs to know about the sandbox: its bases, home and protected paths. */
export type ResolveOptions = WalkContext;

/**
 * Resolves `input` to a canonical absolute path inside the root or an additional directory (a writable
 * one for a write), or throws `WorkspaceEscapeError`. The path is walked below a held handle of the base
 * (see `fs-walk.ts`), links followed like the kernel follows them, missing components appended as
 * written. Re-run on every access: nothing is cached, so a link swapped in later is seen.
 *
 * The answer is a path string, so it can be stale the moment it is returned; the file methods do not
 * rely on it: they walk again and act on what they hold.
 *
 * @throws WorkspaceEscapeError outside; Error with a code (`ELOOP`, `ENAMETOOLONG`, `EACCES`, …) and a
 *   clear message when the path cannot be walked.
 */
export async function resolveInRoot(input: string, intent: AccessIntent, options: ResolveOptions): Promise<string> {
  return resolveBeneath(options, input, intent);
}
