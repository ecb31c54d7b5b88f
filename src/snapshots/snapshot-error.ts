import { AgentError } from '../errors/agent-error.js';
import type { UnrestoredPath } from './snapshot-types.js';

/**
 * Why a snapshot operation failed:
 * - `unknown-snapshot`: `restore` or `changes` got an id the snapshot store does not hold.
 * - `too-large`: no longer raised by `take` (it leaves files out instead); kept for callers that match it.
 * - `conflict`: a `restore` would have to delete files no snapshot covers (an ignored directory where the
 *   snapshot has a file); nothing was changed, `paths` lists them.
 * - `incomplete`: a `restore` put back what it could, but `unrestored` lists paths that still differ from
 *   the snapshot (an unwritable directory, a full disk); `snapshotId` is the state before the restore.
 * - `git-missing`: the `git` binary cannot be started.
 * - `git-failed`: git itself failed (the message carries its output).
 */
export type SnapshotErrorReason =
  'unknown-snapshot' | 'too-large' | 'conflict' | 'incomplete' | 'git-missing' | 'git-failed';

/**
 * A workspace snapshot could not be taken, compared or restored. Code `RUN_FAILED`; `reason` says which
 * case, `totalBytes`/`maxTotalBytes` are set for `too-large`, `paths` for `conflict`, and `unrestored`,
 * `paths` and `snapshotId` for `incomplete`.
 *
 * @example
 * ```ts
 * try {
 *   await snapshots.restore(id);
 * } catch (error) {
 *   if (SnapshotError.isInstance(error) && error.reason === 'incomplete') console.warn(error.unrestored);
 *   else throw error;
 * }
 * ```
 */
export class SnapshotError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.SnapshotError');

  /** Which kind of failure this is. */
  readonly reason: SnapshotErrorReason;
  /** For `too-large`: the bytes the snapshot would have held (at least this many). */
  readonly totalBytes?: number;
  /** For `too-large`: the cap that was passed. */
  readonly maxTotalBytes?: number;
  /** For `conflict`: the paths in the way (directories end in `/`). For `incomplete`: the unrestored paths. */
  readonly paths?: readonly string[];
  /** For `incomplete`: each path the restore could not put back, and how it differs. */
  readonly unrestored?: readonly UnrestoredPath[];
  /** For `incomplete`: the snapshot of the workspace taken just before the restore. */
  readonly snapshotId?: string;

  constructor(
    reason: SnapshotErrorReason,
    message: string,
    options: {
      cause?: unknown;
      totalBytes?: number;
      maxTotalBytes?: number;
      paths?: readonly string[];
      unrestored?: readonly UnrestoredPath[];
      snapshotId?: string;
    } = {},
  ) {
    super('RUN_FAILED', { message, cause: options.cause });
    this.reason = reason;
    if (options.totalBytes !== undefined) this.totalBytes = options.totalBytes;
    if (options.maxTotalBytes !== undefined) this.maxTotalBytes = options.maxTotalBytes;
    if (options.paths !== undefined) this.paths = options.paths;
    if (options.unrestored !== undefined) this.unrestored = options.unrestored;
    if (options.snapshotId !== undefined) this.snapshotId = options.snapshotId;
  }
}
