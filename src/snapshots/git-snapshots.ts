/**
 * Workspace snapshots in a shadow git repository: the user's own `.git`, index and configuration are never
 * read for state nor written.
 *
 * @packageDocumentation
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { abortReason } from '../internal/abort.js';
import { git, splitNul, type GitTarget } from './git-runner.js';
import { defaultSnapshotDir, excludeFile, prepareRepo } from './shadow-repo.js';
import { findRestoreConflicts, type TreeChange } from './restore-conflicts.js';
import { HEAD_REF, parseCommit, readHead, treeBytes, type Head, type SnapshotMeta } from './snapshot-commits.js';
import { SnapshotError } from './snapshot-error.js';
import { withSnapshotLock } from './snapshot-lock.js';
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  type GitSnapshotsOptions,
  type SnapshotChange,
  type WorkspaceSnapshots,
} from './snapshot-types.js';
import { stageWorkspace, tooLarge, type StageLimits } from './stage-workspace.js';

const SNAPSHOT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function checkByteCap(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ConfigError(
      `gitSnapshots: ${name} must be a positive number of bytes (or Infinity), got ${String(value)}.`,
    );
  }
  return value;
}

function canonicalRoot(root: string): string {
  let canonical: string;
  try {
    canonical = realpathSync(path.resolve(root));
  } catch (error) {
    throw new ConfigError(`gitSnapshots: the workspace root ${root} does not exist.`, { cause: error });
  }
  if (!statSync(canonical).isDirectory())
    throw new ConfigError(`gitSnapshots: the workspace root ${root} is not a directory.`);
  return canonical;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Snapshots of the workspace `root` in a shadow git repository (the `git` binary, 2.26 or newer, must be on
 * `PATH`). The user's own `.git` is never touched, and works whether or not the workspace is a repository.
 *
 * - What is recorded: every file git would add with `git add -A`, so `.gitignore` files at every level and
 *   the repository's `.git/info/exclude` apply, plus `exclude`; `.git/` and `node_modules/` never. Symlinks
 *   are recorded as links (never followed), the executable bit is kept, contents are byte for byte (no
 *   line-ending or filter conversion, whatever `.gitattributes` say).
 * - Left out and reported by {@link WorkspaceSnapshots.skipped}: files over `maxFileBytes`, and
 *   directories holding their own repository (`.git`), whose files belong to that repository.
 * - Serialised: operations on one workspace run one at a time in a process; across processes git's lock
 *   files serialise them (waited on for up to 10 s).
 * - Snapshot ids are commits on `refs/icode/snapshots` in the shadow repository: a new process over the
 *   same `dir` restores snapshots an earlier one took. No automatic gc runs, so ids stay valid.
 *
 * @example
 * ```ts
 * import { gitSnapshots } from 'icode/sandbox';
 *
 * const snapshots = gitSnapshots({ root: '/srv/app', exclude: ['*.sqlite'], maxFileBytes: 2_000_000 });
 * const id = await snapshots.take();
 * // … the agent edits files and runs commands …
 * await snapshots.restore(id);
 * ```
 */
export function gitSnapshots(options: GitSnapshotsOptions): WorkspaceSnapshots {
  const root = canonicalRoot(options.root);
  const dir = path.resolve(options.dir ?? defaultSnapshotDir(root));
  if (dir === root) throw new ConfigError('gitSnapshots: dir must not be the workspace root itself.');
  const maxFileBytes = checkByteCap('maxFileBytes', options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
  const maxTotalBytes = checkByteCap('maxTotalBytes', options.maxTotalBytes, DEFAULT_MAX_TOTAL_BYTES);
  const extraExcludes = [...(options.exclude ?? [])];
  for (const pattern of extraExcludes) {
    if (typeof pattern !== 'string' || /[\r\n]/.test(pattern) || pattern.trim() === '') {
      throw new ConfigError(
        `gitSnapshots: exclude patterns are single non-empty .gitignore lines, got ${JSON.stringify(pattern)}.`,
      );
    }
  }
  const target: GitTarget = { gitDir: dir, workTree: root };
  const limits: StageLimits = { maxFileBytes, maxTotalBytes };
  // Restores and comparisons must see the whole workspace, however large.
  const uncapped: StageLimits = { maxFileBytes, maxTotalBytes: Number.POSITIVE_INFINITY };

  /**
   * The newest snapshot this object recorded or read. Using it without re-reading the ref is safe: when
   * its tree matches, it is a snapshot of exactly the workspace as staged, whoever recorded newer ones;
   * when another process moved the ref, the compare-and-swap below fails and the ref is read again.
   */
  let knownHead: Head | undefined;

  async function prepare(signal: AbortSignal | undefined): Promise<void> {
    // A repository created now (the old one was deleted) holds none of the snapshots remembered.
    if (await prepareRepo(target, await excludeFile(root, dir, extraExcludes), signal)) knownHead = undefined;
  }

  /** The tree of a snapshot id, or a clear error when the shadow repository does not hold it. */
  async function resolveTree(snapshotId: string, signal: AbortSignal | undefined): Promise<string> {
    if (typeof snapshotId !== 'string' || !SNAPSHOT_ID.test(snapshotId)) {
      throw new SnapshotError(
        'unknown-snapshot',
        `${JSON.stringify(snapshotId)} is not a snapshot id (a 40- or 64-digit hex hash).`,
      );
    }
    const { stdout, code } = await git(target, {
      args: ['rev-parse', '--quiet', '--verify', `${snapshotId}^{tree}`],
      okCodes: [1, 128],
      signal,
    });
    if (code !== 0) {
      throw new SnapshotError(
        'unknown-snapshot',
        `Snapshot ${snapshotId} does not exist in ${dir} (workspace ${root}).`,
      );
    }
    return stdout.toString('utf8').trim();
  }

  async function takeLocked(signal: AbortSignal | undefined, capTotal: boolean): Promise<Head> {
    await prepare(signal);
    const staged = await stageWorkspace(target, capTotal ? limits : uncapped, signal);
    for (let attempt = 1; ; attempt++) {
      const head = attempt === 1 && knownHead ? knownHead : await readHead(target, signal);
      const sameSkips = JSON.stringify(head?.meta?.skipped) === JSON.stringify(staged.skipped);
      if (head && head.tree === staged.tree && head.meta && sameSkips) {
        knownHead = head;
        return head;
      }
      const bytes =
        head?.tree === staged.tree && head.meta ? head.meta.bytes : await treeBytes(target, staged.tree, head, signal);
      if (capTotal && bytes > maxTotalBytes) throw tooLarge(root, bytes, maxTotalBytes);
      const meta: SnapshotMeta = { version: 1, bytes, skipped: staged.skipped };
      const message = `icode workspace snapshot\n\n${JSON.stringify(meta)}\n`;
      const parentArgs = head ? ['-p', head.id] : [];
      const id = (
        await git(target, { args: ['commit-tree', staged.tree, ...parentArgs, '-F', '-'], input: message, signal })
      ).stdout
        .toString('utf8')
        .trim();
      // Compare-and-swap: another process may have recorded a snapshot since we read the head.
      const expected = head?.id ?? '0'.repeat(id.length);
      const update = await git(target, { args: ['update-ref', HEAD_REF, id, expected], okCodes: [1, 128], signal });
      if (update.code === 0) {
        knownHead = { id, tree: staged.tree, meta };
        return knownHead;
      }
      knownHead = undefined;
      if (attempt >= 5) {
        throw new SnapshotError('git-failed', `Could not record the snapshot in ${dir}: ${update.stderr.trim()}`);
      }
    }
  }

  return {
    root,
    dir,

    take(takeOptions = {}) {
      const { signal } = takeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        return (await takeLocked(signal, true)).id;
      });
    },

    restore(snapshotId, restoreOptions = {}) {
      const { signal } = restoreOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        // Record the present first: it is what the two-tree update below starts from, and a restore point
        // for undoing this restore. The total cap does not apply: refusing here would leave no way back.
        const current = await takeLocked(signal, false);
        const { stdout } = await git(target, {
          args: ['diff-tree', '-r', '-z', '--no-renames', '--name-status', current.tree, targetTree],
          signal,
        });
        const fields = splitNul(stdout);
        const diff: TreeChange[] = [];
        for (let i = 0; i + 1 < fields.length; i += 2) diff.push({ status: fields[i]!, path: fields[i + 1]! });
        const conflicts = await findRestoreConflicts(root, diff);
        if (conflicts.length > 0) {
          throw new SnapshotError(
            'conflict',
            `Restoring snapshot ${snapshotId} would delete files that no snapshot covers (ignored, excluded or too ` +
              `large) at: ${conflicts.join(', ')}. Nothing was changed; move them away and restore again.`,
            { paths: conflicts },
          );
        }
        // A two-tree switch like `git checkout` does: writes the files that differ, removes those the
        // snapshot does not have, and touches nothing else (ignored paths and skipped files are in neither
        // tree). `--reset` overwrites a skipped big file the snapshot had recorded small.
        await git(target, { args: ['read-tree', '--reset', '-u', current.tree, targetTree], signal });
        return current.id;
      });
    },

    changes(snapshotId, changeOptions = {}) {
      const { signal } = changeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        const staged = await stageWorkspace(target, uncapped, signal);
        const { stdout } = await git(target, {
          args: ['diff-tree', '-r', '-z', '--no-renames', '--name-status', targetTree, staged.tree],
          signal,
        });
        const tooBig = new Set(staged.skipped.map((entry) => entry.path));
        const fields = splitNul(stdout);
        const changes: SnapshotChange[] = [];
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const code = fields[i]!;
          const file = fields[i + 1]!;
          // A recorded file that has since grown past the cap is still there, just not recorded now.
          const status = code === 'A' ? 'added' : code === 'D' && !tooBig.has(file) ? 'deleted' : 'modified';
          changes.push({ path: file, status });
        }
        return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      });
    },

    skipped(snapshotId) {
      return withSnapshotLock(dir, async () => {
        await prepare(undefined);
        await resolveTree(snapshotId, undefined);
        const { stdout } = await git(target, { args: ['cat-file', 'commit', snapshotId], okCodes: [128] });
        const body = stdout.toString('utf8');
        return [...(body ? (parseCommit(snapshotId, body).meta?.skipped ?? []) : [])];
      });
    },
  };
}
