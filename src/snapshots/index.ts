/**
 * Workspace snapshots: record a workspace's files in a shadow git repository and put them back, without
 * touching the user's own `.git`. Node-only (runs the `git` binary); exported from `icode/sandbox`.
 *
 * @packageDocumentation
 */
export type {
  GitSnapshotsOptions,
  SkippedPath,
  SnapshotCallOptions,
  SnapshotChange,
  SnapshotWarning,
  UnrestoredPath,
  WorkspaceSnapshots,
} from './snapshot-types.js';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES } from './snapshot-types.js';
export { gitSnapshots } from './git-snapshots.js';
export { DEFAULT_SNAPSHOT_EXCLUDES, defaultSnapshotDir } from './shadow-repo.js';
export type { SnapshotErrorReason } from './snapshot-error.js';
export { SnapshotError } from './snapshot-error.js';
