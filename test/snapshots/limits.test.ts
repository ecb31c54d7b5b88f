import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError, ConfigError } from '../../src/errors/index.js';
import { defaultSnapshotDir, gitSnapshots, SnapshotError, type SnapshotWarning } from '../../src/snapshots/index.js';
import { tempBase, userGit } from './helpers.js';

let base: string;
let root: string;
let shadow: string;

const at = (...parts: string[]): string => path.join(root, ...parts);
const write = (file: string, content: string | Buffer): void => {
  mkdirSync(path.dirname(at(file)), { recursive: true });
  writeFileSync(at(file), content);
};

/** Reads the shadow repository directly, as a check independent of the module under test. */
function shadowGit(...args: string[]): string {
  return execFileSync('git', args, {
    env: { PATH: process.env.PATH, GIT_DIR: shadow, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    encoding: 'utf8',
  });
}

beforeEach(() => {
  ({ base, root, shadow } = tempBase());
  mkdirSync(root);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('gitSnapshots size caps', () => {
  it('skips files over maxFileBytes, reports them, and leaves them alone on restore', async () => {
    write('small.txt', 'small');
    write('big.bin', Buffer.alloc(2_000, 7));
    const snapshots = gitSnapshots({ root, dir: shadow, maxFileBytes: 1_000 });
    const id = await snapshots.take();
    expect(await snapshots.skipped(id)).toEqual([{ path: 'big.bin', reason: 'too-large', bytes: 2_000 }]);
    expect(shadowGit('ls-tree', '-r', '--name-only', id)).toBe('small.txt\n');

    write('big.bin', Buffer.alloc(3_000, 8));
    write('huge-new.bin', Buffer.alloc(5_000, 9));
    write('small.txt', 'edited');
    expect(await snapshots.changes(id)).toEqual([{ path: 'small.txt', status: 'modified' }]);
    await snapshots.restore(id);
    expect(readFileSync(at('small.txt'), 'utf8')).toBe('small');
    expect(readFileSync(at('big.bin'))).toEqual(Buffer.alloc(3_000, 8));
    expect(readFileSync(at('huge-new.bin'))).toEqual(Buffer.alloc(5_000, 9));
  });

  it('puts back the small version of a file that grew past the cap', async () => {
    write('grows.log.txt', 'short');
    const snapshots = gitSnapshots({ root, dir: shadow, maxFileBytes: 100 });
    const small = await snapshots.take();
    write('grows.log.txt', 'x'.repeat(500));
    const grown = await snapshots.take();
    expect(grown).not.toBe(small);
    expect(await snapshots.skipped(grown)).toEqual([{ path: 'grows.log.txt', reason: 'too-large', bytes: 500 }]);
    expect(shadowGit('ls-tree', '-r', '--name-only', grown)).toBe('');
    expect(await snapshots.changes(small)).toEqual([{ path: 'grows.log.txt', status: 'modified' }]);
    await snapshots.restore(small);
    expect(readFileSync(at('grows.log.txt'), 'utf8')).toBe('short');
  });

  it('past maxTotalBytes, leaves out the largest new files with a warning, and never fails', async () => {
    write('a.txt', 'a'.repeat(600));
    const snapshots = gitSnapshots({ root, dir: shadow, maxTotalBytes: 1_000 });
    const first = await snapshots.take();
    write('b.txt', 'b'.repeat(500));
    write('c.txt', 'c'.repeat(300));
    const warnings: SnapshotWarning[] = [];
    const second = await snapshots.take({ onWarning: (warning) => warnings.push(warning) });
    expect(second).not.toBe(first);
    expect(await snapshots.skipped(second)).toEqual([{ path: 'b.txt', reason: 'over-total', bytes: 500 }]);
    expect(shadowGit('ls-tree', '-r', '--name-only', second)).toBe('a.txt\nc.txt\n');
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'over-total', paths: ['b.txt'], message: expect.stringMatching(/b\.txt/) }),
    ]);
    // Warned once per store object, not at every take.
    write('c.txt', 'C'.repeat(300));
    await snapshots.take({ onWarning: (warning) => warnings.push(warning) });
    expect(warnings).toHaveLength(1);

    // Shrinking a file makes room again (what it took is subtracted).
    write('a.txt', 'a'.repeat(100));
    const third = await snapshots.take();
    expect(await snapshots.skipped(third)).toEqual([]);
    expect(shadowGit('ls-tree', '-r', '--name-only', third)).toBe('a.txt\nb.txt\nc.txt\n');
    // A restore works over the cap: files created since are deleted, whatever their size.
    write('d.txt', 'd'.repeat(2_000));
    await snapshots.restore(first);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a'.repeat(600));
    for (const gone of ['b.txt', 'c.txt', 'd.txt']) expect(existsSync(at(gone)), gone).toBe(false);
  });

  it('leaves out new files past maxTotalBytes before hashing them', async () => {
    write('data/one.bin', Buffer.alloc(800, 1));
    write('data/two.bin', Buffer.alloc(700, 2));
    const snapshots = gitSnapshots({ root, dir: shadow, maxTotalBytes: 1_000 });
    const id = await snapshots.take();
    expect(await snapshots.skipped(id)).toEqual([{ path: 'data/one.bin', reason: 'over-total', bytes: 800 }]);
    // The left-out file was never written to the object store.
    const blob = execFileSync('git', ['hash-object', at('data/one.bin')], { encoding: 'utf8' }).trim();
    expect(() => shadowGit('cat-file', '-e', blob)).toThrow();
    expect(shadowGit('ls-tree', '-r', '--name-only', id)).toBe('data/two.bin\n');
  });

  it('counts the disk sparse files use, not their size, so they never lock takes out', async () => {
    write('a.txt', 'a');
    for (const name of ['s1', 's2', 's3']) execFileSync('truncate', ['-s', '8M', at(name)]);
    const snapshots = gitSnapshots({ root, dir: shadow, maxTotalBytes: 1024 * 1024 });
    const id = await snapshots.take();
    // 24 MiB of holes under a 1 MiB cap: all recorded, nothing left out.
    expect(await snapshots.skipped(id)).toEqual([]);
    expect(shadowGit('ls-tree', '-r', '--name-only', id)).toBe('a.txt\ns1\ns2\ns3\n');
    // Real data past the cap is still left out, and the holes stay counted as nothing.
    write('dense.bin', Buffer.alloc(2 * 1024 * 1024, 5));
    write('b.txt', 'b');
    const next = await snapshots.take();
    expect(await snapshots.skipped(next)).toEqual([
      { path: 'dense.bin', reason: 'over-total', bytes: 2 * 1024 * 1024 },
    ]);
    expect(shadowGit('ls-tree', '-r', '--name-only', next)).toBe('a.txt\nb.txt\ns1\ns2\ns3\n');
    // Removing a sparse file subtracts what it used (nothing), not its size.
    rmSync(at('s1'));
    rmSync(at('dense.bin'));
    write('c.bin', Buffer.alloc(900 * 1024, 6));
    const last = await snapshots.take();
    expect(await snapshots.skipped(last)).toEqual([]);
    expect(shadowGit('ls-tree', '-r', '--name-only', last)).toBe('a.txt\nb.txt\nc.bin\ns2\ns3\n');
  });

  it('skips a sparse file larger than maxFileBytes with a warning; the next takes go on', async () => {
    write('a.txt', 'a');
    execFileSync('truncate', ['-s', '2G', at('huge.img')]);
    const warnings: SnapshotWarning[] = [];
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take({ onWarning: (warning) => warnings.push(warning) });
    expect(await snapshots.skipped(id)).toEqual([{ path: 'huge.img', reason: 'too-large', bytes: 2 ** 31 }]);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'too-large', paths: ['huge.img'] })]);
    write('a.txt', 'b');
    const next = await snapshots.take();
    expect(shadowGit('show', `${next}:a.txt`)).toBe('b');
  });
});

describe('gitSnapshots concurrency', () => {
  it('serialises concurrent takes, also from two store objects over one workspace', async () => {
    write('a.txt', 'a');
    const one = gitSnapshots({ root, dir: shadow });
    const two = gitSnapshots({ root, dir: shadow });
    const ids = await Promise.all([one.take(), two.take(), one.take(), two.take(), one.take(), two.take()]);
    expect(new Set(ids).size).toBe(1);

    const mixed = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        write(`file-${i}.txt`, `content ${i}`);
        return (i % 2 === 0 ? one : two).take();
      }),
    );
    for (const id of mixed) expect(shadowGit('cat-file', '-t', id).trim()).toBe('commit');
    expect(await one.changes(mixed.at(-1)!)).toEqual([]);
  });

  it('waits while another process holds the shadow index lock', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    await snapshots.take();
    write('a.txt', 'b');
    const lock = path.join(shadow, 'index.lock');
    writeFileSync(lock, '');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        rmSync(lock);
        resolve();
      }, 400),
    );
    const started = performance.now();
    const id = await snapshots.take();
    await released;
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(shadowGit('show', `${id}:a.txt`)).toBe('b');
  });

  it('fails with git-failed when the lock is never released', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    await snapshots.take();
    write('a.txt', 'b');
    writeFileSync(path.join(shadow, 'index.lock'), '');
    await expect(snapshots.take()).rejects.toMatchObject({
      reason: 'git-failed',
      message: expect.stringMatching(/index\.lock/),
    });
  }, 20_000);

  it('keeps every snapshot of two processes taking at once', async () => {
    write('shared.txt', 'shared');
    const worker = fileURLToPath(new URL('./fixtures/take-worker.ts', import.meta.url));
    const run = promisify(execFile);
    const outputs = await Promise.all(
      ['left', 'right'].map((name) =>
        run(process.execPath, ['--import', 'tsx', worker, root, shadow, name, '4'], { encoding: 'utf8' }),
      ),
    );
    const ids = outputs.flatMap((output) => output.stdout.trim().split('\n'));
    expect(ids).toHaveLength(8);
    const history = new Set(shadowGit('rev-list', 'refs/icode/snapshots').trim().split('\n'));
    for (const id of ids) expect(history.has(id)).toBe(true);
    const last = gitSnapshots({ root, dir: shadow });
    expect(await last.changes(await last.take())).toEqual([]);
    expect(shadowGit('show', 'refs/icode/snapshots:left.txt')).toBe('left 3');
    expect(shadowGit('show', 'refs/icode/snapshots:right.txt')).toBe('right 3');
  }, 60_000);
});

describe('gitSnapshots errors and options', () => {
  it('refuses an unknown or malformed snapshot id', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    await snapshots.take();
    for (const id of ['0'.repeat(40), 'f'.repeat(64), 'HEAD', '--all', 'refs/icode/snapshots', '']) {
      const error = await snapshots.restore(id).catch((caught: unknown) => caught);
      expect(SnapshotError.isInstance(error), id).toBe(true);
      expect((error as SnapshotError).reason).toBe('unknown-snapshot');
      await expect(snapshots.changes(id)).rejects.toMatchObject({ reason: 'unknown-snapshot' });
      await expect(snapshots.skipped(id)).rejects.toMatchObject({ reason: 'unknown-snapshot' });
    }
    // A blob's id exists in the store but is no snapshot.
    const blob = shadowGit('rev-parse', 'refs/icode/snapshots:a.txt').trim();
    await expect(snapshots.restore(blob)).rejects.toMatchObject({ reason: 'unknown-snapshot' });
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => gitSnapshots({ root: path.join(base, 'missing') })).toThrow(ConfigError);
    write('file.txt', 'x');
    expect(() => gitSnapshots({ root: at('file.txt') })).toThrow(/not a directory/);
    expect(() => gitSnapshots({ root, dir: root })).toThrow(ConfigError);
    expect(() => gitSnapshots({ root, maxFileBytes: 0 })).toThrow(/maxFileBytes/);
    expect(() => gitSnapshots({ root, maxTotalBytes: Number.NaN })).toThrow(/maxTotalBytes/);
    expect(() => gitSnapshots({ root, exclude: ['a\nb'] })).toThrow(/exclude/);
    expect(() => gitSnapshots({ root, exclude: ['  '] })).toThrow(ConfigError);
  });

  it('refuses a dir that holds something other than a snapshot repository', async () => {
    write('a.txt', 'a');
    mkdirSync(shadow);
    writeFileSync(path.join(shadow, 'precious.txt'), 'not ours');
    await expect(gitSnapshots({ root, dir: shadow }).take()).rejects.toMatchObject({
      reason: 'git-failed',
      message: expect.stringMatching(/not a snapshot repository/),
    });
    expect(readFileSync(path.join(shadow, 'precious.txt'), 'utf8')).toBe('not ours');
  });

  it('refuses a dir that is another repository or holds another workspace, touching neither', async () => {
    write('a.txt', 'a');
    userGit(root, 'init', '--quiet');
    userGit(root, 'add', 'a.txt');
    const index = readFileSync(at('.git', 'index'));
    const error = await gitSnapshots({ root, dir: at('.git') })
      .take()
      .catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toMatch(/did not create/);
    expect(readFileSync(at('.git', 'index'))).toEqual(index);

    await gitSnapshots({ root, dir: shadow }).take();
    const other = path.join(base, 'other');
    mkdirSync(other);
    await expect(gitSnapshots({ root: other, dir: shadow }).take()).rejects.toThrow(/holds the snapshots of/);
  });

  it('stops on an aborted signal', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(snapshots.take({ signal: controller.signal })).rejects.toThrow('stop now');
    write('a.txt', 'b');
    await expect(snapshots.restore(id, { signal: controller.signal })).rejects.toThrow('stop now');
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('b');
    await snapshots.restore(id);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
  });

  it('kills a running git on abort, and stops waiting for a lock on abort', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    write('a.txt', 'b');

    // A slow git: a wrapper first on PATH that sleeps before running the real one.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const bin = path.join(base, 'slow-bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nsleep 5\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(new Error('user pressed stop')), 200);
      await expect(snapshots.take({ signal: controller.signal })).rejects.toThrow('user pressed stop');
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      process.env.PATH = saved;
    }

    // Waiting for another process's lock ends at the abort too.
    const lock = path.join(shadow, 'index.lock');
    writeFileSync(lock, '');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gave up')), 300);
    const started = performance.now();
    await expect(snapshots.take({ signal: controller.signal })).rejects.toThrow('gave up');
    expect(performance.now() - started).toBeLessThan(3_000);
    rmSync(lock);

    // The store is still usable.
    expect(await snapshots.changes(id)).toEqual([{ path: 'a.txt', status: 'modified' }]);
    await snapshots.restore(id);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
  });

  it('reports a git failure during a restore with what it left undone, and a second restore finishes the job', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    write('a.txt', 'b');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const bin = path.join(base, 'failing-bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\ncase " $* " in *" read-tree "*) echo "fatal: simulated disk failure" >&2; exit 128;; esac\nexec ${JSON.stringify(realGit)} "$@"\n`,
      { mode: 0o755 },
    );
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      // Never a silent success: what is still not as the snapshot has it is listed, in a typed error.
      const error = await snapshots.restore(id).catch((caught: unknown) => caught);
      expect(AgentError.isInstance(error) && SnapshotError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        reason: 'incomplete',
        unrestored: [{ path: 'a.txt', reason: 'modified' }],
        snapshotId: expect.stringMatching(/^[0-9a-f]{40}$/),
        message: expect.stringMatching(/a\.txt \(modified\).*git read-tree failed .*simulated disk failure/s),
      });
    } finally {
      process.env.PATH = saved;
    }
    await snapshots.restore(id);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
  });

  it('reports a missing git binary clearly', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const saved = process.env.PATH;
    process.env.PATH = path.join(base, 'empty-bin');
    try {
      await expect(snapshots.take()).rejects.toMatchObject({
        reason: 'git-missing',
        message: expect.stringMatching(/`git` binary/),
      });
    } finally {
      process.env.PATH = saved;
    }
  });

  it('keeps the shadow repository out of the snapshot when it lives inside the workspace', async () => {
    write('a.txt', 'a');
    const inside = gitSnapshots({ root, dir: at('.snapshots') });
    const id = await inside.take();
    write('a.txt', 'b');
    expect(await inside.changes(id)).toEqual([{ path: 'a.txt', status: 'modified' }]);
    await inside.restore(id);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
    expect(existsSync(at('.snapshots', 'HEAD'))).toBe(true);
  });

  it('defaults to a per-workspace folder in the user cache, the same for every store object', async () => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(base, 'cache');
    try {
      write('a.txt', 'a');
      const first = gitSnapshots({ root });
      // The root is canonicalised: a path with `..` and a trailing slash finds the same store.
      const second = gitSnapshots({ root: `${path.join(root, 'sub-that-is-not-there', '..')}/` });
      expect(first.dir).toBe(second.dir);
      if (process.platform === 'linux')
        expect(first.dir.startsWith(path.join(base, 'cache', 'icode', 'snapshots'))).toBe(true);
      expect(first.dir).toBe(defaultSnapshotDir(root));
      expect(path.relative(root, first.dir).startsWith('..')).toBe(true);
      const id = await first.take();
      write('a.txt', 'changed');
      await second.restore(id);
      expect(readFileSync(at('a.txt'), 'utf8')).toBe('a');
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
