/**
 * A file of a server's languages in the workspace, found breadth-first: a server answers workspace-wide
 * requests only about a project, and a project is loaded only once one of its files is open.
 */
import path from 'node:path';
import type { Sandbox } from '../sandbox/types.js';
import { extensionOf } from './languages.js';

/** Directories never searched: dependencies, build output, version control. */
const SKIPPED = new Set(['node_modules', 'dist', 'build', 'out', 'target', 'vendor', 'coverage']);
/** Entries looked at before giving up. */
const MAX_ENTRIES = 5000;

/** The first file (nearest the root) with one of `extensions`, or `undefined`. */
export async function findSourceFile(sandbox: Sandbox, extensions: readonly string[]): Promise<string | undefined> {
  const wanted = new Set(extensions);
  const queue = [sandbox.root];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_ENTRIES) {
    const directory = queue.shift()!;
    const entries = await sandbox.readdir(directory).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      seen++;
      const full = path.join(directory, entry.name);
      if (entry.type === 'file' && wanted.has(extensionOf(entry.name)) && !entry.name.endsWith('.d.ts')) return full;
      if (entry.type === 'directory' && !entry.name.startsWith('.') && !SKIPPED.has(entry.name)) queue.push(full);
    }
  }
  return undefined;
}
