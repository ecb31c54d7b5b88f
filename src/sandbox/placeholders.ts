/**
 * The empty directories and files bubblewrap leaves where a protected or hidden path was missing: removed
 * again once no command of this process has a mount on them.
 *
 * @packageDocumentation
 */
import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';

interface Hold {
  count: number;
  /** Missing when a command of this process planned it: bwrap made it, so it is ours to remove. */
  created: boolean;
}

const holds = new Map<string, Hold>();

/**
 * Records that a command is about to mount on `paths`, of which `missing` do not exist yet (bwrap will
 * create them as mount points). Returns the release to call once the command has ended: a path no
 * command holds any more is removed if this process made it and it is still empty.
 *
 * Removing it while another command runs would be a hole: the kernel detaches the mounts on a removed
 * directory in every namespace, and the other command could then create the path. So removal waits for
 * the last holder in this process. Commands of another process on the same workspace are not counted;
 * see the notes of `bubblewrapSandbox`.
 */
export function holdPlaceholders(paths: readonly string[], missing: ReadonlySet<string>): () => void {
  for (const entry of paths) {
    const hold = holds.get(entry) ?? { count: 0, created: false };
    hold.count++;
    if (missing.has(entry)) hold.created = true;
    holds.set(entry, hold);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Deepest first, so a placeholder directory goes after anything made inside it.
    for (const entry of [...paths].sort((a, b) => b.length - a.length)) {
      const hold = holds.get(entry);
      if (!hold) continue;
      hold.count--;
      if (hold.count > 0) continue;
      holds.delete(entry);
      if (hold.created) removeIfEmpty(entry);
    }
  };
}

function removeIfEmpty(entry: string): void {
  try {
    const stats = lstatSync(entry);
    if (stats.isDirectory()) rmdirSync(entry);
    else if (stats.isFile() && stats.size === 0) unlinkSync(entry);
  } catch {
    // Not empty (someone put something there since) or already gone: leave it.
  }
}
