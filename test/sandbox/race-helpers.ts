/**
 * Parts of the race tests: a workspace next to an outside directory holding secrets, and a child process
 * that swaps a directory and a symbolic link to the outside with `renameat2(RENAME_EXCHANGE)` in a tight
 * loop, so at every instant one name of the pair is a real directory and the other a link out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The content of every outside file: a read that returns it has escaped. */
export const SECRET = 'TOP-SECRET-outside-the-workspace';

/** The x86_64 and aarch64 numbers of renameat2 (Node cannot make the call itself). */
const RENAMEAT2: Partial<Record<string, number>> = { x64: 316, arm64: 276 };

/** A race arena: `ws/d` a real directory, `ws/x` a link to `outside/d`; the swapper exchanges the two. */
export interface Arena {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  /** Every outside file with its content, as made: compared after the race. */
  readonly outsideBefore: Record<string, string>;
}

export function makeArena(prefix: string): Arena {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'd'), { recursive: true });
  mkdirSync(path.join(outside, 'd'), { recursive: true });
  writeFileSync(path.join(root, 'd', 'f.txt'), 'inside content\n');
  writeFileSync(path.join(outside, 'd', 'f.txt'), `${SECRET}\n`);
  writeFileSync(path.join(outside, 'secret.txt'), `${SECRET}\n`);
  symlinkSync(path.join(outside, 'd'), path.join(root, 'x'));
  return { base, root, outside, outsideBefore: snapshotTree(outside) };
}

/** Every file below `dir` (links not followed) with its content. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (current: string, relative: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(full, rel);
      else out[rel] = entry.isFile() ? `${readFileSync(full, 'utf8')}@${statSync(full).mtimeMs}` : '(not a file)';
    }
  };
  visit(dir, '');
  return out;
}

/**
 * Starts the swapper: `renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)` as fast as it can, for at most
 * `seconds` (it also stops on its own), until killed.
 */
export function startSwapper(a: string, b: string, seconds: number): ChildProcess {
  const nr = RENAMEAT2[process.arch];
  if (nr === undefined) throw new Error(`no renameat2 syscall number known for ${process.arch}`);
  const script = `my ($a, $b, $end) = @ARGV; while (time < $end) { syscall(${nr}, -100, $a, -100, $b, 2) == 0 or die "renameat2: $!"; }`;
  const end = Math.floor(Date.now() / 1000) + seconds;
  return spawn('perl', ['-e', script, a, b, String(end)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Stops the swapper and waits until it is gone. */
export async function stopSwapper(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
