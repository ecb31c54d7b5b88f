/**
 * Finding what a restore would destroy that no snapshot covers: ignored or skipped files standing where
 * the snapshot puts a file or a directory.
 *
 * @packageDocumentation
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** One path that differs between the workspace's current snapshot and the one to restore. */
export interface TreeChange {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  /** git's status letter, from the current tree to the target (`A`, `D`, `M`, `T`). */
  readonly status: string;
}

async function kindOf(file: string): Promise<'dir' | 'other' | 'none'> {
  try {
    return (await lstat(file)).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'none';
  }
}

/** The first file or link under `dir` (relative `prefix`) that `covered` does not hold, if any. */
async function firstUncovered(dir: string, prefix: string, covered: ReadonlySet<string>): Promise<string | undefined> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const relative = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      const found = await firstUncovered(path.join(dir, entry.name), relative, covered);
      if (found) return found;
    } else if (!covered.has(relative)) return relative;
  }
  return undefined;
}

/**
 * Paths a two-tree update from the current snapshot to the target would have to delete although neither
 * snapshot recorded them (ignored files, files over the size cap, nested repositories):
 * - a directory where the target has a file or link, holding anything the current snapshot does not
 *   record (the update removes the recorded files first, so a directory holding only those is fine);
 * - a file or link where the target needs a directory, that the current snapshot does not record.
 *
 * `changes` is the diff from the current tree to the target; every path the current snapshot records
 * and the target lacks is in it with status `D`.
 */
export async function findRestoreConflicts(root: string, changes: readonly TreeChange[]): Promise<string[]> {
  const removed = new Set(changes.filter((change) => change.status === 'D').map((change) => change.path));
  const conflicts = new Set<string>();
  const checkedDirs = new Map<string, Promise<string | undefined>>();
  // Each ancestor directory of an incoming path is checked once, however many files it holds.
  const blockingAncestor = (relative: string): Promise<string | undefined> => {
    let check = checkedDirs.get(relative);
    if (!check) {
      check = (async () => {
        const parent = path.posix.dirname(relative);
        if (parent !== '.') {
          const above = await blockingAncestor(parent);
          if (above !== undefined) return above;
        }
        const kind = await kindOf(path.join(root, relative));
        return kind === 'other' && !removed.has(relative) ? relative : undefined;
      })();
      checkedDirs.set(relative, check);
    }
    return check;
  };
  await Promise.all(
    changes
      .filter((change) => change.status !== 'D')
      .map(async (change) => {
        const parent = path.posix.dirname(change.path);
        if (parent !== '.') {
          const blocker = await blockingAncestor(parent);
          if (blocker !== undefined) conflicts.add(blocker);
        }
        const here = path.join(root, change.path);
        if ((await kindOf(here)) === 'dir') {
          const uncovered = await firstUncovered(here, change.path, removed);
          if (uncovered !== undefined) conflicts.add(`${change.path}/`);
        }
      }),
  );
  return [...conflicts].sort();
}
