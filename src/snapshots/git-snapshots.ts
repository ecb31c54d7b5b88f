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
import { git, type GitTarget } from './git-runner.js';
import { diffTrees, incompleteRestore, switchTrees, unrestoredPaths } from './restore-workspace.js';
import { defaultSnapshotDir, excludeFile, prepareRepo } from './shadow-repo.js';
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
import { notRecordedWarning, takeWarnings } from './snapshot-warnings.js';
import { stageWorkspace, type RecordedBytes, type StageLimits, type Staged } from './stage-workspace.js';
import { workspaceIgnores } from './workspace-ignores.js';

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
 * - What is recorded: every file not ignored by the workspace's `.gitignore` files (at every level) and the
 *   repository's `.git/info/exclude` **as they were when the shadow repository was created** (captured
 *   once into it, never re-read: an ignore file the agent writes later changes nothing), nor by `exclude`;
 *   `.git/` and `node_modules/` never. A path once recorded stays recorded whatever rule covers it later.
 *   Symlinks are recorded as links (never followed), the executable bit is kept, contents are byte for
 *   byte (no line-ending or filter conversion, whatever `.gitattributes` say).
 * - Left out, reported to `take`'s `onWarning` and by {@link WorkspaceSnapshots.skipped}: files over
 *   `maxFileBytes`; the largest new or changed files when the snapshot would take more than `maxTotalBytes`
 *   of disk (allocated blocks: sparse files count what they use); directories holding their own repository
 *   (`.git`), whose files belong to that repository. A take never fails for size.
 * - A restore checks its result: paths it could not put back make it reject with an `incomplete`
 *   `SnapshotError` listing them.
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
 * const id = await snapshots.take({ onWarning: (warning) => console.warn(warning.message) });
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
  /** The workspace's ignore rules as the shadow repository captured them. */
  let ignores: string | undefined;
  /** What `take` has warned about already (`reason:path`). */
  const warned = new Set<string>();
  /** The snapshot's own exclude patterns, which also bound the walk that captures the workspace's rules. */
  const ownPatterns = excludeFile(root, dir, extraExcludes)
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));

  async function prepare(signal: AbortSignal | undefined): Promise<void> {
    const created = await prepareRepo(
      target,
      async (fresh) => {
        // Captured once, at the first operation on a new repository (or kept from before, if the
        // repository was deleted under this object), before the exclude file is first written: never
        // from ignore files written since, and never a window where the file lacks them.
        if (ignores === undefined || fresh) ignores = await workspaceIgnores(target, ownPatterns, signal, ignores);
        return excludeFile(root, dir, extraExcludes, ignores);
      },
      signal,
    );
    // A repository created now (the old one was deleted) holds none of the snapshots remembered.
    if (created) knownHead = undefined;
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

  /** What the newest snapshot's files take on disk, for the total cap. */
  async function recordedBytes(signal: AbortSignal | undefined): Promise<RecordedBytes> {
    // Remembered as read: `record` starts from it, and its compare-and-swap catches a newer one.
    const head = (knownHead ??= await readHead(target, signal));
    return { bytes: head?.meta?.bytes ?? 0, sparse: head?.meta?.sparse ?? {} };
  }

  async function stage(capTotal: boolean, signal: AbortSignal | undefined): Promise<Staged> {
    return stageWorkspace(target, capTotal ? limits : uncapped, await recordedBytes(signal), signal);
  }

  /** Records `staged` as the newest snapshot (or finds it already is), compare-and-swap on the ref. */
  async function record(staged: Staged, signal: AbortSignal | undefined): Promise<Head> {
    for (let attempt = 1; ; attempt++) {
      const head = attempt === 1 && knownHead ? knownHead : await readHead(target, signal);
      const sameSkips = JSON.stringify(head?.meta?.skipped) === JSON.stringify(staged.skipped);
      if (head && head.tree === staged.tree && head.meta && sameSkips) {
        knownHead = head;
        return head;
      }
      const counted =
        head?.tree === staged.tree && head.meta
          ? { bytes: head.meta.bytes, sparse: { ...head.meta.sparse } }
          : await treeBytes(target, staged.tree, head, staged.sparse, signal);
      const meta: SnapshotMeta = {
        version: 2,
        bytes: counted.bytes,
        skipped: staged.skipped,
        ...(Object.keys(counted.sparse).length > 0 ? { sparse: counted.sparse } : {}),
      };
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

  async function takeLocked(signal: AbortSignal | undefined, capTotal: boolean): Promise<Head> {
    await prepare(signal);
    return record(await stage(capTotal, signal), signal);
  }

  return {
    root,
    dir,

    take(takeOptions = {}) {
      const { signal, onWarning } = takeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        const head = await takeLocked(signal, true);
        for (const warning of takeWarnings(head.meta?.skipped ?? [], warned, limits)) onWarning?.(warning);
        return head.id;
      });
    },

    restore(snapshotId, restoreOptions = {}) {
      const { signal, onWarning } = restoreOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        // Record the present first: it is what the two-tree update below starts from, and a restore point
        // for undoing this restore. The total cap does not apply: leaving files out of it would leave them
        // in place, files created since that the restore must delete.
        const current = await takeLocked(signal, false);
        const failure = await switchTrees(target, snapshotId, current.tree, targetTree, signal);
        // Check the result rather than trust it: whatever git could not write shows up here.
        const now = await stage(false, signal);
        const unrestored = await unrestoredPaths(target, targetTree, now.tree, now.skipped, signal);
        // Files no snapshot records (too large, nested repositories) were left as they are.
        const warning = notRecordedWarning(now.skipped);
        if (warning) onWarning?.(warning);
        if (unrestored.length > 0) throw incompleteRestore(snapshotId, current.id, unrestored, failure);
        return current.id;
      });
    },

    changes(snapshotId, changeOptions = {}) {
      const { signal } = changeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        const staged = await stage(false, signal);
        const tooBig = new Set(staged.skipped.map((entry) => entry.path));
        const changes: SnapshotChange[] = (await diffTrees(target, targetTree, staged.tree, signal)).map(
          ({ status: code, path: file }) => ({
            path: file,
            // A recorded file that has since grown past the cap is still there, just not recorded now.
            status: code === 'A' ? 'added' : code === 'D' && !tooBig.has(file) ? 'deleted' : 'modified',
          }),
        );
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
