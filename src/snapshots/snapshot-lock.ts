/**
 * Serialising snapshot operations on one shadow repository within this process. Across processes, git's
 * own lock files do it (the runner retries while one is held).
 *
 * @packageDocumentation
 */

/** The tail of the queue of operations per shadow repository, shared by every snapshot store object. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `task` once every earlier task on the same `key` has settled, so two `take`s (also from two store
 * objects over the same workspace) never interleave their index updates.
 */
export async function withSnapshotLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(key, tail);
  await previous;
  try {
    return await task();
  } finally {
    release();
    // Forget the key once nothing is queued behind this task, so the map does not grow without bound.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
