/**
 * Bringing the shadow index up to date with the workspace, cheaply: only what git reports as new or
 * changed is looked at, measured and hashed.
 *
 * @packageDocumentation
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { abortReason } from '../internal/abort.js';
import { git, splitNul, type GitTarget } from './git-runner.js';
import { SnapshotError } from './snapshot-error.js';
import type { SkippedPath } from './snapshot-types.js';

/** Size caps of one staging. */
export interface StageLimits {
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

/** The workspace recorded in the shadow index. */
export interface Staged {
  readonly tree: string;
  readonly skipped: SkippedPath[];
}

/**
 * Brings the shadow index to the workspace and writes it as a tree. Only the paths git reports as new or
 * changed are looked at and hashed, which keeps an unchanged workspace cheap. It refuses, before
 * anything is hashed, new and changed files that alone pass `limits.maxTotalBytes` (pass `Infinity` for none).
 */
export async function stageWorkspace(
  target: GitTarget,
  limits: StageLimits,
  signal: AbortSignal | undefined,
): Promise<Staged> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await stageOnce(target, limits, signal);
    } catch (error) {
      // A file that vanished between the listing and `git add` (a build running alongside): list again.
      const vanished = SnapshotError.isInstance(error) && /did not match any files|No such file/.test(error.message);
      if (!vanished || attempt >= 3) throw error;
    }
  }
}

async function stageOnce(target: GitTarget, limits: StageLimits, signal: AbortSignal | undefined): Promise<Staged> {
  const root = target.workTree;
  // One listing of untracked (`? path`) and changed or deleted tracked (`C path`) files, with their
  // tags; a second, in parallel, of recorded files that an ignore rule now covers.
  const [listed, ignoredTracked] = await Promise.all(
    [
      ['ls-files', '-z', '-t', '--others', '--modified', '--exclude-standard'],
      ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard'],
    ].map(async (args) => splitNul((await git(target, { args, signal })).stdout)),
  );
  const skipped: SkippedPath[] = [];
  const toAdd: string[] = [];
  // Tracked entries to drop: now ignored, deleted, or grown past the cap.
  const toRemove: string[] = [...ignoredTracked!];
  const ignoredSet = new Set(ignoredTracked);
  let candidateBytes = 0;
  const trackedSet = new Set<string>();
  const candidateSet = new Set<string>();
  for (const entry of listed!) {
    const file = entry.slice(2);
    if (entry.startsWith('C ')) trackedSet.add(file);
    if (!ignoredSet.has(file)) candidateSet.add(file);
  }
  const candidates = [...candidateSet];
  // Whether a directory on the way to a path is now a symlink: git refuses to add through one, and the
  // file behind it is outside what the snapshot covers, so the recorded path counts as deleted.
  const linkChecks = new Map<string, Promise<boolean>>();
  const isLink = (relative: string): Promise<boolean> => {
    let check = linkChecks.get(relative);
    if (!check) {
      check = lstat(path.join(root, relative)).then(
        (stat) => stat.isSymbolicLink(),
        () => false,
      );
      linkChecks.set(relative, check);
    }
    return check;
  };
  const beyondLink = async (file: string): Promise<boolean> => {
    const parts = file.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      if (await isLink(parts.slice(0, depth).join('/'))) return true;
    }
    return false;
  };
  const NESTED = -1;
  const GONE = -2;
  const sizes = await Promise.all(
    candidates.map(async (file) => {
      if (file.endsWith('/')) return NESTED;
      // Untracked paths come from git's own walk, which never enters a symlinked directory.
      if (trackedSet.has(file) && (await beyondLink(file))) return GONE;
      try {
        return (await lstat(path.join(root, file))).size;
      } catch {
        return GONE;
      }
    }),
  );
  candidates.forEach((file, index) => {
    const bytes = sizes[index]!;
    if (bytes === NESTED) skipped.push({ path: file, reason: 'nested-repository' });
    else if (bytes === GONE) {
      // A recorded file deleted since; an untracked one that vanished after the listing is just gone.
      if (trackedSet.has(file)) toRemove.push(file);
    } else if (bytes > limits.maxFileBytes) {
      skipped.push({ path: file, reason: 'too-large', bytes });
      if (trackedSet.has(file)) toRemove.push(file);
    } else {
      toAdd.push(file);
      candidateBytes += bytes;
    }
  });
  if (candidateBytes > limits.maxTotalBytes) throw tooLarge(root, candidateBytes, limits.maxTotalBytes);
  if (signal?.aborted) throw abortReason(signal);
  if (toRemove.length > 0) {
    await git(target, {
      args: ['update-index', '-z', '--force-remove', '--stdin'],
      input: `${toRemove.join('\0')}\0`,
      signal,
    });
  }
  if (toAdd.length > 0) {
    await git(target, {
      args: ['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'],
      input: `${toAdd.join('\0')}\0`,
      signal,
    });
  }
  const tree = (await git(target, { args: ['write-tree'], signal })).stdout.toString('utf8').trim();
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { tree, skipped };
}

/** The error of a snapshot that would pass `maxTotalBytes`. */
export function tooLarge(root: string, bytes: number, maxTotalBytes: number): SnapshotError {
  return new SnapshotError(
    'too-large',
    `The workspace ${root} holds at least ${bytes} bytes of files to snapshot, more than maxTotalBytes (${maxTotalBytes}). ` +
      'Exclude large generated or data directories (gitSnapshots({ exclude }) or .gitignore), or raise maxTotalBytes.',
    { totalBytes: bytes, maxTotalBytes },
  );
}
