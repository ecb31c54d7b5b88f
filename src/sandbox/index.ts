/**
 * `icode/sandbox`: where tools read and write files and run commands.
 *
 * What is promised, plainly:
 * - **File tools are always contained** (both sandboxes): every path is resolved canonically inside the
 *   root, and `..`, absolute paths, `~`, symlinks out (also dangling ones and ones a command just made),
 *   `/proc`, `/dev`, `/sys` and NUL bytes are refused with `WorkspaceEscapeError`. Writes are atomic and
 *   never go through a link out of the workspace.
 * - **Commands are contained only under an OS sandbox.** `localSandbox` runs them on the host with the
 *   user's rights (fresh process group, killed as a whole; secrets scrubbed from the environment; resource
 *   limits; a git environment that runs no configured program). `bubblewrapSandbox` runs them with the
 *   host read-only, the workspace writable, every `.git` read-only whether or not it exists, `.icode/`
 *   (the session store) hidden, per-command limits and no network. `autoSandbox` (the default of
 *   `createAgent` and `codingTools({ root })`) picks bubblewrap where it works and warns once
 *   (`ICODE_NO_OS_SANDBOX`) where it does not.
 * - **`read-only` mode is enforced by the OS** where bubblewrap works: the `bash` tool passes `readOnly`,
 *   and a sandbox that cannot enforce it refuses the command.
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
export { ReadOnlyUnavailableError } from './local-exec.js';
export type { ScrubEnvOption } from './scrub-env.js';
export { DEFAULT_SECRET_PATTERNS, scrubEnv } from './scrub-env.js';
export type { BubblewrapSandbox, BubblewrapSandboxOptions } from './bubblewrap-sandbox.js';
export { bubblewrapSandbox, DEFAULT_HIDDEN_PATHS, DEFAULT_TMP_SIZE_BYTES } from './bubblewrap-sandbox.js';
export { isBubblewrapAvailable } from './bwrap-probe.js';
export { SandboxSetupError } from './bwrap-profile.js';
export type { AutoSandboxOptions } from './auto-sandbox.js';
export { autoSandbox, NO_OS_SANDBOX_WARNING } from './auto-sandbox.js';
export type { ExecLimits, ResolvedExecLimits } from './exec-limits.js';
export { DEFAULT_EXEC_LIMITS } from './exec-limits.js';
export { safeGitEnv } from './git-env.js';
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
