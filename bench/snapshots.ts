/**
 * Workspace snapshot costs on a copy of this project's own tree (without `node_modules`, `.git` and build
 * output), against a hand-written floor measured in the same run: plain `git add -A && git write-tree` (and
 * `git read-tree -u` for a restore) on a shadow repository of the same tree, with none of the module's
 * bookkeeping (size checks, ignore and attribute rules, commit and ref, byte totals).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitSnapshots } from '../src/snapshots/index.js';
import { median, table, timePair } from './stats.js';

function floorGit(gitDir: string, workTree: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: workTree,
        env: {
          PATH: process.env.PATH,
          GIT_DIR: gitDir,
          GIT_WORK_TREE: workTree,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
        },
        maxBuffer: 1 << 28,
      },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
  });
}

async function floorTake(gitDir: string, workTree: string): Promise<string> {
  await floorGit(gitDir, workTree, ['add', '-A']);
  return floorGit(gitDir, workTree, ['write-tree']);
}

/** Runs `fn` `reps` times, each after `before` (untimed); the median in ms. */
async function timeEach(before: () => void, fn: () => Promise<unknown>, reps: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    before();
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

export async function bench(): Promise<void> {
  const project = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bench-snap-')));
  const root = path.join(base, 'ws');
  const skip = new Set(['node_modules', '.git', 'dist', 'coverage', 'temp', 'docs']);
  cpSync(project, root, { recursive: true, filter: (source) => !skip.has(path.basename(source)) });
  const rows: (string | number)[][] = [];
  try {
    let run = 0;
    const fresh = (): string => path.join(base, `shadow-${run++}`);

    // First take: a new shadow repository each time.
    let ours = '';
    let floorDir = '';
    const firstOurs = await timeEach(
      () => (ours = fresh()),
      () => gitSnapshots({ root, dir: ours }).take(),
      5,
    );
    const firstFloor = await timeEach(
      () => (floorDir = fresh()),
      async () => {
        await floorGit(floorDir, root, ['init', '--quiet']);
        await floorTake(floorDir, root);
      },
      5,
    );
    const files = (await floorGit(floorDir, root, ['ls-files'])).split('\n').length;
    rows.push([`first take (${files} files)`, firstOurs, firstFloor, firstOurs / firstFloor]);

    // Unchanged workspace: the stat cache answers.
    const snapshots = gitSnapshots({ root, dir: fresh() });
    const first = await snapshots.take();
    floorDir = fresh();
    await floorGit(floorDir, root, ['init', '--quiet']);
    await floorTake(floorDir, root);
    const [unchangedOurs, unchangedFloor] = await timePair(
      () => snapshots.take(),
      () => floorTake(floorDir, root),
      15,
    );
    rows.push(['take, unchanged workspace', unchangedOurs, unchangedFloor, unchangedOurs / unchangedFloor]);

    // One file edited between takes.
    const edited = path.join(root, 'README.md');
    const original = readFileSync(edited);
    let n = 0;
    const edit = (): void => writeFileSync(edited, `${original.toString()}\nedit ${n++}\n`);
    const oneOurs = await timeEach(edit, () => snapshots.take(), 10);
    const oneFloor = await timeEach(edit, () => floorTake(floorDir, root), 10);
    rows.push(['take, one file edited', oneOurs, oneFloor, oneOurs / oneFloor]);

    // Restore after one edit and one new file, vs the bare two-tree read-tree of an already staged state.
    const floorFirst = await floorTake(floorDir, root);
    const dirty = (): void => {
      edit();
      writeFileSync(path.join(root, 'created-by-bench.txt'), String(n));
    };
    const restoreOurs = await timeEach(dirty, () => snapshots.restore(first), 10);
    const restoreFloor = await timeEach(
      dirty,
      async () => {
        const now = await floorTake(floorDir, root);
        await floorGit(floorDir, root, ['read-tree', '--reset', '-u', now, floorFirst]);
      },
      10,
    );
    rows.push(['restore (1 edited, 1 created)', restoreOurs, restoreFloor, restoreOurs / restoreFloor]);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  console.log('\n## Workspace snapshots (gitSnapshots)\n');
  console.log(
    'This project copied without node_modules, .git and build output. Floor: plain `git add -A && git write-tree` ' +
      '(restore: that plus `git read-tree --reset -u`) on a shadow repository of the same tree.\n',
  );
  console.log(table(['operation', 'gitSnapshots ms', 'floor ms', 'ratio'], rows));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
