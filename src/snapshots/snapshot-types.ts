/**
 * The public shapes of workspace snapshots.
 *
 * @packageDocumentation
 */

/**
 * Files larger than this are left out of snapshots unless `maxFileBytes` says otherwise (10 MiB).
 *
 * @example
 * ```ts
 * gitSnapshots({ root, maxFileBytes: 4 * DEFAULT_MAX_FILE_BYTES }); // also record files up to 40 MiB
 * ```
 */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * A snapshot may hold at most this many bytes of files unless `maxTotalBytes` says otherwise (1 GiB).
 *
 * @example
 * ```ts
 * gitSnapshots({ root, maxTotalBytes: Infinity }); // no cap: a data-heavy workspace the user accepts
 * ```
 */
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * Options of `gitSnapshots`.
 *
 * @example
 * ```ts
 * const options: GitSnapshotsOptions = { root: '/srv/app', exclude: ['*.sqlite', '/tmp/'], maxFileBytes: 2_000_000 };
 * ```
 */
export interface GitSnapshotsOptions {
  /** The workspace directory. It must exist; symlinks in it are resolved once, here. */
  readonly root: string;
  /** The shadow repository; default `defaultSnapshotDir` of the canonical root. */
  readonly dir?: string;
  /** More paths to leave out, in `.gitignore` syntax (one pattern each), on top of `.git/`,
   *  `node_modules/` and what the workspace's ignore files ignored when the shadow repository was created. */
  readonly exclude?: readonly string[];
  /** Files whose size (apparent, the bytes git would read) is larger than this are not recorded, and
   *  restores leave them alone. Default 10 MiB. */
  readonly maxFileBytes?: number;
  /** The disk space (allocated blocks, so sparse files count what they really use) a snapshot's files may
   *  take. Past it, a `take` leaves out the largest new or changed files, reports them (`over-total`) and
   *  still records the rest: it never fails for size. Default 1 GiB; `Infinity` for no cap. */
  readonly maxTotalBytes?: number;
}

export type { SnapshotWarning, UnrestoredPath } from '../events/snapshot-warning.js';
import type { SnapshotWarning } from '../events/snapshot-warning.js';

/**
 * Options of {@link WorkspaceSnapshots.take} and {@link WorkspaceSnapshots.restore}.
 *
 * @example
 * ```ts
 * const options: SnapshotCallOptions = { signal: AbortSignal.timeout(60_000), onWarning: (w) => console.warn(w.message) };
 * ```
 */
export interface SnapshotCallOptions {
  readonly signal?: AbortSignal;
  /** Called (synchronously, before the call settles) with what was left out or left alone. */
  readonly onWarning?: (warning: SnapshotWarning) => void;
}

/**
 * A path a snapshot did not record, and why.
 *
 * @example
 * ```ts
 * for (const { path, reason, bytes } of await snapshots.skipped(id)) console.warn(`not recorded: ${path} (${reason}, ${bytes ?? '-'} bytes)`);
 * ```
 */
export interface SkippedPath {
  /** Relative to the root, with `/` separators; a nested repository's ends in `/`. */
  readonly path: string;
  /** `too-large`: over `maxFileBytes`. `over-total`: left out to keep the snapshot under `maxTotalBytes`.
   *  `nested-repository`: a directory with its own `.git`, whose files belong to that repository. */
  readonly reason: 'too-large' | 'over-total' | 'nested-repository';
  /** The file's size, for `too-large` (apparent) and `over-total` (allocated). */
  readonly bytes?: number;
}

/**
 * One path that differs between a snapshot and the workspace.
 *
 * @example
 * ```ts
 * const changed = (await snapshots.changes(id)).filter((change) => change.status !== 'added');
 * ```
 */
export interface SnapshotChange {
  /** Relative to the root, with `/` separators. */
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

/**
 * Snapshots of one workspace directory, to put its files back as they were.
 *
 * @example
 * ```ts
 * const snapshots = gitSnapshots({ root });
 * const before = await snapshots.take();
 * await run(agent);                                  // edits files, runs bash
 * console.log(await snapshots.changes(before));     // [{ path: 'src/a.ts', status: 'modified' }, …]
 * await snapshots.restore(before);                   // every recorded file as it was
 * ```
 */
export interface WorkspaceSnapshots {
  /** The canonical workspace root. */
  readonly root: string;
  /** The shadow repository that holds the snapshots. */
  readonly dir: string;
  /** Records the workspace's files as they are now; returns the snapshot id (a commit hash). Taking an
   *  unchanged workspace again returns the same id. Files it leaves out are reported to `onWarning` the
   *  first time this object sees them, and listed by {@link WorkspaceSnapshots.skipped}. */
  take(options?: SnapshotCallOptions): Promise<string>;
  /** Makes the workspace byte-identical to the snapshot for every path it recorded: changed files restored,
   *  files created since deleted (and the directories they leave empty), deleted files recreated, the
   *  executable bit and symlinks as they were. Ignored and excluded paths, files over `maxFileBytes` and
   *  empty directories (git records none) are left alone; those that are there now are reported to
   *  `onWarning` (`not-recorded`). The state before the restore is taken as a snapshot first and its id
   *  returned, so a restore can itself be undone.
   *
   *  An unknown id, or unrecorded files standing where the snapshot puts a file or directory (`conflict`),
   *  fail before any file is touched. Afterwards the workspace is compared with the snapshot: when any
   *  recorded path could not be put back (an unwritable directory, a full disk), the restore rejects with
   *  an `incomplete` `SnapshotError` listing them in `unrestored` (everything else was restored; restoring
   *  again once the cause is fixed finishes the job). It never reports success for a partial restore. */
  restore(snapshotId: string, options?: SnapshotCallOptions): Promise<string>;
  /** Paths that differ between the snapshot and the workspace now (added, modified, deleted), sorted. */
  changes(snapshotId: string, options?: { signal?: AbortSignal }): Promise<SnapshotChange[]>;
  /** The paths a snapshot left out (files over `maxFileBytes`, nested repositories). */
  skipped(snapshotId: string): Promise<SkippedPath[]>;
}
