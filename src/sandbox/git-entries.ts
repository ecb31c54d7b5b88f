/**
 * Finding the nested repositories of a workspace before a command runs, so they can be kept read-only.
 *
 * @packageDocumentation
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from './resolve-path.js';

/** How deep below a writable directory nested repositories are looked for. */
export const GIT_SEARCH_MAX_DEPTH = 8;
/** How many directories are read at most per writable directory (a walk costs time on every command). */
export const GIT_SEARCH_MAX_DIRS = 20_000;

/**
 * Every `.git` (directory, file or link) below `dir`, breadth first, not following links and not entering
 * `.git` directories, `node_modules` (package managers do not keep repositories there; it is the one tree
 * that makes the walk slow) or the `skip` paths. Bounded by {@link GIT_SEARCH_MAX_DEPTH} and
 * {@link GIT_SEARCH_MAX_DIRS}; unreadable directories are passed over.
 */
export async function findGitEntries(dir: string, skip: readonly string[] = []): Promise<string[]> {
  const found: string[] = [];
  let level = [dir];
  let visited = 0;
  for (let depth = 0; depth <= GIT_SEARCH_MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const current of level) {
      if (++visited > GIT_SEARCH_MAX_DIRS) return found;
      let entries;
      try {
        entries = await readdir(current, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const full = path.join(current, entry.name);
        if (entry.name === '.git') {
          found.push(full);
        } else if (
          entry.isDirectory() &&
          entry.name !== 'node_modules' &&
          !skip.some((hidden) => isWithin(hidden, full))
        ) {
          next.push(full);
        }
      }
    }
    level = next;
  }
  return found;
}
