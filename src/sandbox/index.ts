/**
 * `icode/sandbox`: where tools read and write files and run commands.
 *
 * What is promised, plainly:
 * - **File tools are always contained** (both sandboxes): every path is resolved canonically inside the
 *   root, and `..`, absolute paths, `~`, symlinks out (also dangling ones and ones a command just made),
 *   `/proc`, `/dev`, `/sys` and NUL bytes are refused with `WorkspaceEscapeError`. Writes are atomic and
 *   never go through a link out of the workspace.
 * - **Commands are contained only under an OS sandbox.** `localSandbox` runs them on the host with the
 *   user's rights (fresh process group, killed as a whole; secrets scrubbed from the environment; nothing
 *   more). `bubblewrapSandbox` runs them with the host read-only, the workspace writable, `.git`
 *   read-only and no network.
 *
 * @packageDocumentation
 */
export type {
  AccessIntent,
  AdditionalDirectory,
  ExecOptions,
  ExecResult,
  Sandbox,
  SandboxDirEntry,
  SandboxStat,
} from './types.js';
export type { IsolatedSandbox, LocalSandboxOptions } from './local-sandbox.js';
export { localSandbox } from './local-sandbox.js';
export type { ScrubEnvOption } from './scrub-env.js';
export { DEFAULT_SECRET_PATTERNS, scrubEnv } from './scrub-env.js';
export type { BubblewrapSandbox, BubblewrapSandboxOptions } from './bubblewrap-sandbox.js';
export { bubblewrapSandbox, isBubblewrapAvailable } from './bubblewrap-sandbox.js';
export type {
  GitSnapshotsOptions,
  SkippedPath,
  SnapshotCallOptions,
  SnapshotChange,
  SnapshotErrorReason,
  SnapshotWarning,
  UnrestoredPath,
  WorkspaceSnapshots,
} from '../snapshots/index.js';
export {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_TOTAL_BYTES,
  DEFAULT_SNAPSHOT_EXCLUDES,
  defaultSnapshotDir,
  gitSnapshots,
  SnapshotError,
} from '../snapshots/index.js';
