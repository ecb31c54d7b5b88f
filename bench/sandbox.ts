/**
 * Sandbox costs against hand-written floors measured in the same run: path resolution (vs. a bare
 * `realpath` + `path.relative` check, which misses dangling symlinks), atomic writes (vs. `fs.writeFile`
 * in place), and `exec` (vs. a bare `spawn('bash', ['-c', …])`, and bubblewrap vs. local).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { realpath, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bubblewrapSandbox, isBubblewrapAvailable, localSandbox } from '../src/sandbox/index.js';
import { table, timePair } from './stats.js';

function bareSpawn(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

export async function bench(): Promise<void> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bench-sandbox-')));
  try {
    mkdirSync(path.join(root, 'a/b/c'), { recursive: true });
    writeFileSync(path.join(root, 'a/b/c/file.ts'), 'export {}\n');
    const sandbox = localSandbox({ root });
    const rows: (string | number)[][] = [];

    const [resolveMs, realpathMs] = await timePair(
      () => sandbox.resolve('a/b/c/file.ts', 'read'),
      async () => {
        const real = await realpath(path.join(root, 'a/b/c/file.ts'));
        if (path.relative(root, real).startsWith('..')) throw new Error('escape');
      },
      300,
    );
    rows.push(['resolve (4 components)', resolveMs * 1000, realpathMs * 1000, resolveMs / realpathMs]);

    const data = 'x'.repeat(4096);
    const [writeMs, plainWriteMs] = await timePair(
      () => sandbox.writeFile('a/b/c/out.txt', data),
      () => writeFile(path.join(root, 'a/b/c/plain.txt'), data),
      200,
    );
    rows.push(['writeFile 4 KiB (atomic, fsync)', writeMs * 1000, plainWriteMs * 1000, writeMs / plainWriteMs]);

    const [execMs, spawnMs] = await timePair(
      () => sandbox.exec('true'),
      () => bareSpawn('true'),
      40,
    );
    rows.push(['exec `true`', execMs * 1000, spawnMs * 1000, execMs / spawnMs]);

    const [yesMs, yesFloorMs] = await timePair(
      () => sandbox.exec('head -c 20000000 /dev/zero | tr "\\0" y', { maxOutputChars: 30_000 }),
      () => bareSpawn('head -c 20000000 /dev/zero | tr "\\0" y'),
      8,
    );
    rows.push(['exec 20 MB of output (bounded)', yesMs * 1000, yesFloorMs * 1000, yesMs / yesFloorMs]);

    if (await isBubblewrapAvailable()) {
      const boxed = bubblewrapSandbox({ root });
      const [bwrapMs, localMs] = await timePair(
        () => boxed.exec('true'),
        () => sandbox.exec('true'),
        40,
      );
      rows.push(['bubblewrap exec `true` (floor: local exec)', bwrapMs * 1000, localMs * 1000, bwrapMs / localMs]);
    }

    console.log('\n## Sandbox\n');
    console.log(table(['operation', 'icode µs (median)', 'floor µs (median)', 'ratio'], rows));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
