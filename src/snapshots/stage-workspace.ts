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
import { excludePath } from './shadow-repo.js';
import { SnapshotError } from './snapshot-error.js';
import { fitUnderTotal, type Candidate } from './total-cap.js';
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
  /** Disk bytes of the files added now whose allocation is below their size (sparse files), by path. */
  readonly sparse: ReadonlyMap<string, number>;
}

/**
 * Brings the shadow index to the workspace and writes it as a tree. Only the paths git reports as new or
 * changed are looked at and hashed, which keeps an unchanged workspace cheap. `recordedBytes` is the disk
 * space the newest snapshot's files take: when the new and changed files would bring the total past
 * `limits.maxTotalBytes`, the largest of them are left out (and reported as `over-total`) before anything
 * is hashed. It never fails for size.
 */
export async function stageWorkspace(
  target: GitTarget,
  limits: StageLimits,
  recorded: RecordedBytes,
  signal: AbortSignal | undefined,
): Promise<Staged> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await stageOnce(target, limits, recorded, signal);
    } catch (error) {
      // A file that vanished between the listing and `git add` (a build running alongside): list again.
      const vanished = SnapshotError.isInstance(error) && /did not match any files|No such file/.test(error.message);
      if (!vanished || attempt >= 3) throw error;
    }
  }
}

/** What the newest snapshot holds, for the total cap. */
export interface RecordedBytes {
  /** Disk bytes of its files. */
  readonly bytes: number;
  /** Disk bytes of its sparse files, by path (a file not listed takes its size). */
  readonly sparse: Readonly<Record<string, number>>;
}

const NESTED = 'nested';
const GONE = 'gone';

/** What one listed path is on disk now. */
type Measured = typeof NESTED | typeof GONE | { readonly size: number; readonly disk: number };

/**
 * Lists untracked (`? path`) and changed or deleted recorded (`C path`) files. Untracked ones are filtered
 * by the shadow repository's exclude file only: the workspace's own ignore files (which the agent may have
 * rewritten) are never read here; their rules were captured when the shadow repository was created.
 * Recorded paths stay recorded whatever rule covers them later.
 */
async function listChanges(
  target: GitTarget,
  signal: AbortSignal | undefined,
): Promise<{ tracked: Set<string>; candidates: string[] }> {
  const listed = splitNul(
    (
      await git(target, {
        args: ['ls-files', '-z', '-t', '--others', '--modified', `--exclude-from=${excludePath(target.gitDir)}`],
        signal,
      })
    ).stdout,
  );
  const tracked = new Set<string>();
  const candidates = new Set<string>();
  for (const entry of listed) {
    const file = entry.slice(2);
    if (entry.startsWith('C ')) tracked.add(file);
    candidates.add(file);
  }
  return { tracked, candidates: [...candidates] };
}

/** Measures each listed path: its size, the disk space it takes, or why it is not a file to add. */
async function measure(root: string, candidates: readonly string[], tracked: ReadonlySet<string>): Promise<Measured[]> {
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
  return Promise.all(
    candidates.map(async (file): Promise<Measured> => {
      if (file.endsWith('/')) return NESTED;
      // Untracked paths come from git's own walk, which never enters a symlinked directory.
      if (tracked.has(file) && (await beyondLink(file))) return GONE;
      try {
        const stat = await lstat(path.join(root, file));
        // A recorded file now a directory: the file is gone, and the listing names what the directory
        // holds as new files (`git add` of the directory itself would take ignored ones too).
        if (stat.isDirectory()) return GONE;
        // Allocated blocks, so a sparse file counts the disk it uses; Windows reports no blocks, and a
        // symlink's target often lives in its inode.
        const allocated = process.platform === 'win32' || stat.isSymbolicLink() ? stat.size : stat.blocks * 512;
        return { size: stat.size, disk: Math.min(stat.size, allocated) };
      } catch {
        return GONE;
      }
    }),
  );
}

async function stageOnce(
  target: GitTarget,
  limits: StageLimits,
  recorded: RecordedBytes,
  signal: AbortSignal | undefined,
): Promise<Staged> {
  const root = target.workTree;
  const { tracked, candidates } = await listChanges(target, signal);
  const measured = await measure(root, candidates, tracked);
  const skipped: SkippedPath[] = [];
  const toRemove: string[] = [];
  const fitting: Candidate[] = [];
  candidates.forEach((file, index) => {
    const what = measured[index]!;
    if (what === NESTED) skipped.push({ path: file, reason: 'nested-repository' });
    else if (what === GONE) {
      // A recorded file deleted since; an untracked one that vanished after the listing is just gone.
      if (tracked.has(file)) toRemove.push(file);
    } else if (what.size > limits.maxFileBytes) {
      // git reads and stores the apparent size, holes included: the per-file cap is on that.
      skipped.push({ path: file, reason: 'too-large', bytes: what.size });
      if (tracked.has(file)) toRemove.push(file);
    } else fitting.push({ path: file, tracked: tracked.has(file), size: what.size, disk: what.disk });
  });
  const { kept, left } = await fitUnderTotal(target, fitting, [...toRemove], recorded, limits.maxTotalBytes, signal);
  for (const file of left) {
    skipped.push({ path: file.path, reason: 'over-total', bytes: file.disk });
    if (file.tracked) toRemove.push(file.path);
  }
  if (signal?.aborted) throw abortReason(signal);
  if (toRemove.length > 0) {
    await git(target, {
      args: ['update-index', '-z', '--force-remove', '--stdin'],
      input: `${toRemove.join('\0')}\0`,
      signal,
    });
  }
  if (kept.length > 0) {
    // `-f`: the listing already applied the captured rules; an ignore file written since must not make
    // `git add` refuse a path.
    await git(target, {
      args: ['add', '-f', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'],
      input: `${kept.map((file) => file.path).join('\0')}\0`,
      signal,
    });
  }
  const tree = (await git(target, { args: ['write-tree'], signal })).stdout.toString('utf8').trim();
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sparse = new Map(kept.filter((file) => file.disk < file.size).map((file) => [file.path, file.disk]));
  return { tree, skipped, sparse };
}
