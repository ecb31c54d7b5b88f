/**
 * What snapshots report: files a take left out, paths a restore could not put back. Shared by the agent
 * (events, `revert`) and the snapshot adapters, so both speak of the same shapes.
 */

/**
 * Something a take or a restore could not do, reported while it goes on: files a snapshot left out
 * (`too-large`, `over-total`, `nested-repository`), or files a restore left as they are because no snapshot
 * records them (`not-recorded`).
 *
 * @example
 * ```ts
 * await snapshots.take({ onWarning: (warning) => console.warn(warning.message, warning.paths) });
 * ```
 */
export interface SnapshotWarning {
  readonly kind: 'too-large' | 'over-total' | 'nested-repository' | 'not-recorded';
  /** A sentence for people, naming the paths (at most a few) and what to do. */
  readonly message: string;
  /** Relative to the root, `/`-separated; a nested repository's ends in `/`. */
  readonly paths: readonly string[];
}

/**
 * A path a restore could not put back as the snapshot has it.
 *
 * @example
 * ```ts
 * const error = await snapshots.restore(id).catch((caught) => caught);
 * if (SnapshotError.isInstance(error) && error.reason === 'incomplete')
 *   for (const { path, reason } of error.unrestored ?? []) console.warn(`${path}: ${reason}`);
 * ```
 */
export interface UnrestoredPath {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  /** `missing`: the snapshot has it, the workspace does not. `modified`: it differs (content, mode or type).
   *  `not-removed`: created since the snapshot, and still there. */
  readonly reason: 'missing' | 'modified' | 'not-removed';
}
