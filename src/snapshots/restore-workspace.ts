/**
 * Putting a snapshot's tree back into the workspace, then checking that it is there: a restore never
 * reports success for files it could not write.
 *
 * @packageDocumentation
 */
import { git, splitNul, type GitTarget } from './git-runner.js';
import { findRestoreConflicts, type TreeChange } from './restore-conflicts.js';
import { SnapshotError } from './snapshot-error.js';
import type { SkippedPath, UnrestoredPath } from './snapshot-types.js';
import { listForMessage } from './snapshot-warnings.js';

/** The paths that differ between two trees, with git's status letter from `from` to `to`. */
export async function diffTrees(
  target: GitTarget,
  from: string,
  to: string,
  signal: AbortSignal | undefined,
): Promise<TreeChange[]> {
  const { stdout } = await git(target, {
    args: ['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to],
    signal,
  });
  const fields = splitNul(stdout);
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) changes.push({ status: fields[i]!, path: fields[i + 1]! });
  return changes;
}

/**
 * Updates the workspace from the `current` tree to `wanted` as `git checkout` switches trees: writes the
 * files that differ, removes those `wanted` lacks, touches nothing else (ignored paths and skipped files
 * are in neither tree; `--reset` overwrites a skipped big file the snapshot had recorded small). Refuses,
 * before touching anything, when unrecorded files stand in the way. Returns git's message when it failed
 * part way (an unwritable directory, a full disk): what it could write is written, and the caller checks.
 */
export async function switchTrees(
  target: GitTarget,
  snapshotId: string,
  current: string,
  wanted: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const conflicts = await findRestoreConflicts(target.workTree, await diffTrees(target, current, wanted, signal));
  if (conflicts.length > 0) {
    throw new SnapshotError(
      'conflict',
      `Restoring snapshot ${snapshotId} would delete files that no snapshot covers (ignored, excluded or too ` +
        `large) at: ${conflicts.join(', ')}. Nothing was changed; move them away and restore again.`,
      { paths: conflicts },
    );
  }
  try {
    await git(target, { args: ['read-tree', '--reset', '-u', current, wanted], signal });
    return undefined;
  } catch (error) {
    if (SnapshotError.isInstance(error) && error.reason === 'git-failed') return error.message;
    throw error;
  }
}

/**
 * What still differs after a restore: `wanted` (the snapshot) against `now` (the workspace staged again).
 * A file the snapshot recorded small that is still over the per-file cap (`tooBig`) counts as modified.
 */
export async function unrestoredPaths(
  target: GitTarget,
  wanted: string,
  now: string,
  tooBig: readonly SkippedPath[],
  signal: AbortSignal | undefined,
): Promise<UnrestoredPath[]> {
  if (wanted === now) return [];
  const skipped = new Set(tooBig.map((entry) => entry.path));
  return (await diffTrees(target, wanted, now, signal)).map(({ status, path }) => ({
    path,
    reason: status === 'A' ? 'not-removed' : status === 'D' && !skipped.has(path) ? 'missing' : 'modified',
  }));
}

/** The error of a restore that could not put everything back. */
export function incompleteRestore(
  snapshotId: string,
  before: string,
  unrestored: readonly UnrestoredPath[],
  gitMessage: string | undefined,
): SnapshotError {
  const paths = unrestored.map((entry) => entry.path);
  return new SnapshotError(
    'incomplete',
    `Restoring snapshot ${snapshotId} put back everything except ${unrestored.length} path(s): ` +
      `${listForMessage(unrestored.map((entry) => `${entry.path} (${entry.reason})`))}.` +
      (gitMessage ? ` ${gitMessage}` : '') +
      ` Fix the cause (a read-only or immutable directory, a full disk) and restore again; the state before ` +
      `this restore is snapshot ${before}.`,
    { unrestored, paths, snapshotId: before },
  );
}
