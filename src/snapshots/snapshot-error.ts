import { AgentError } from '../errors/agent-error.js';

/**
 * Why a snapshot operation failed:
 * - `unknown-snapshot`: `restore` or `changes` got an id the snapshot store does not hold.
 * - `too-large`: the files a `take` would record pass `maxTotalBytes`.
 * - `git-missing`: the `git` binary cannot be started.
 * - `git-failed`: git itself failed (the message carries its output).
 */
export type SnapshotErrorReason = 'unknown-snapshot' | 'too-large' | 'git-missing' | 'git-failed';

/**
 * A workspace snapshot could not be taken, compared or restored. Code `RUN_FAILED`; `reason` says which
 * case, and `totalBytes`/`maxTotalBytes` are set for `too-large`.
 *
 * @example
 * ```ts
 * try {
 *   await snapshots.take();
 * } catch (error) {
 *   if (SnapshotError.isInstance(error) && error.reason === 'too-large') console.warn(error.message);
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

  constructor(
    reason: SnapshotErrorReason,
    message: string,
    options: { cause?: unknown; totalBytes?: number; maxTotalBytes?: number } = {},
  ) {
    super('RUN_FAILED', { message, cause: options.cause });
    this.reason = reason;
    if (options.totalBytes !== undefined) this.totalBytes = options.totalBytes;
    if (options.maxTotalBytes !== undefined) this.maxTotalBytes = options.maxTotalBytes;
  }
}
