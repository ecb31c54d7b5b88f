import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory (canonical), holding `ws/` for the workspace; the shadow repo goes to `shadow/`. */
export function tempBase(): { base: string; root: string; shadow: string } {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-snap-')));
  return { base, root: path.join(base, 'ws'), shadow: path.join(base, 'shadow') };
}

/**
 * Every entry under `dir` with its kind, permission bits and content (file bytes as base64, link target),
 * sorted: two equal listings mean two byte-identical trees. `skip` names top-level entries to leave out.
 */
export function listTree(dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(path.join(dir, relative)).sort()) {
      const rel = relative ? `${relative}/${name}` : name;
      if (relative === '' && skip.includes(name)) continue;
      const full = path.join(dir, rel);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out.push(`link ${rel} -> ${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        out.push(`dir ${rel}`);
        walk(rel);
      } else out.push(`file ${rel} ${(stat.mode & 0o777).toString(8)} ${readFileSync(full).toString('base64')}`);
    }
  };
  walk('');
  return out;
}

/** The user's own git, run as a user would in the workspace (with a clean, fixed identity). */
export function userGit(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) env[name] = value;
  return execFileSync('git', args, {
    cwd,
    env: {
      ...env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'user',
      GIT_AUTHOR_EMAIL: 'user@example.invalid',
      GIT_COMMITTER_NAME: 'user',
      GIT_COMMITTER_EMAIL: 'user@example.invalid',
    },
    encoding: 'utf8',
  });
}
