import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below `dir` with its size and mtime, to see whether a command changed anything. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const stat = statSync(full, { throwIfNoEntry: false });
      out.set(full, stat ? `${stat.size}:${stat.mtimeMs}:${entry.isDirectory()}` : 'dangling');
      if (entry.isDirectory()) visit(full);
    }
  };
  visit(dir);
  return out;
}
