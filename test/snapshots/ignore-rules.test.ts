/**
 * The workspace's ignore rules are captured once, when the shadow repository is created, and mean exactly
 * what git makes of them: checked against a real `git ls-files --exclude-standard` over the same files.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitSnapshots, SnapshotError, type SnapshotWarning } from '../../src/snapshots/index.js';
import { rebaseIgnoreRules } from '../../src/snapshots/workspace-ignores.js';
import { tempBase, userGit } from './helpers.js';

let base: string;
let root: string;
let shadow: string;

const write = (dir: string, file: string, content: string): void => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
};

/** Files git itself would track in `dir` (a fresh repository there), sorted. */
function gitWouldTrack(dir: string): string[] {
  if (!existsSync(path.join(dir, '.git'))) userGit(dir, 'init', '--quiet');
  return userGit(dir, 'ls-files', '--others', '--exclude-standard').split('\n').filter(Boolean).sort();
}

function recorded(id: string): string[] {
  return execFileSync('git', ['ls-tree', '-r', '--name-only', id], {
    env: { PATH: process.env.PATH, GIT_DIR: shadow, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .sort();
}

const IGNORE_FILES: Record<string, string> = {
  '.gitignore': '# comment\n*.log\n!important.log\n/build/\ndocs/*.tmp\n**/cache\n\\#literal\nspaced.txt   \n',
  'pkg/.gitignore': 'out/\n*.gen.ts\n!keep.gen.ts\n/local.txt\nsub/deep.txt\n\r\n',
  'pkg/sub/.gitignore': '!*.log\nx*\n',
  'weird[dir]*/.gitignore': 'a?.txt\n',
  'ignored-dir/.gitignore': '!*\n',
};

const FILES = [
  'a.log',
  'important.log',
  'build/x.js',
  'pkg/build/y.js',
  'docs/a.tmp',
  'docs/deeper/b.tmp',
  'src/cache/c',
  'pkg/cache',
  '#literal',
  'spaced.txt',
  'pkg/out/o.js',
  'pkg/deeper/out/o.js',
  'out/top.js',
  'pkg/a.gen.ts',
  'pkg/keep.gen.ts',
  'pkg/q/keep.gen.ts',
  'pkg/local.txt',
  'pkg/q/local.txt',
  'local.txt',
  'pkg/sub/deep.txt',
  'pkg/sub/z/deep.txt',
  'pkg/sub/debug.log',
  'pkg/sub/xray.txt',
  'pkg/xray.txt',
  'weird[dir]*/ab.txt',
  'weird[dir]*/abc.txt',
  'weirddir/ab.txt',
  'ab.txt',
  'ignored-dir/inner.txt',
  'src/app.ts',
];

beforeEach(() => {
  ({ base, root, shadow } = tempBase());
  mkdirSync(root);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('captured ignore rules', () => {
  it('rebases a nested .gitignore onto the root', () => {
    expect(rebaseIgnoreRules('', '# c\n*.log\n\n/x\n')).toEqual(['*.log', '/x']);
    expect(rebaseIgnoreRules('pkg/a*', 'out/\n!keep\n/local\nsub/deep\n  \n')).toEqual([
      '/pkg/a\\*/**/out/',
      '!/pkg/a\\*/**/keep',
      '/pkg/a\\*/local',
      '/pkg/a\\*/sub/deep',
    ]);
  });

  it('records what git would track, at every level, with re-includes and odd names', async () => {
    for (const [file, content] of Object.entries(IGNORE_FILES)) write(root, file, content);
    write(root, '.gitignore', `${IGNORE_FILES['.gitignore']}ignored-dir/\n`);
    for (const file of FILES) write(root, file, file);
    const mirror = path.join(base, 'mirror');
    cpSync(root, mirror, { recursive: true });
    const id = await gitSnapshots({ root, dir: shadow }).take();
    const expected = gitWouldTrack(mirror);
    expect(expected).toContain('important.log');
    expect(expected).not.toContain('pkg/a.gen.ts');
    expect(recorded(id)).toEqual(expected);
  });

  it('never re-reads ignore files: rules written later change nothing, for new files too', async () => {
    for (const [file, content] of Object.entries(IGNORE_FILES)) write(root, file, content);
    for (const file of FILES) write(root, file, file);
    const mirror = path.join(base, 'mirror');
    cpSync(root, mirror, { recursive: true });
    const snapshots = gitSnapshots({ root, dir: shadow });
    await snapshots.take();

    // The agent rewrites every ignore file, also the repository's own exclude, and adds files.
    userGit(root, 'init', '--quiet');
    writeFileSync(path.join(root, '.git', 'info', 'exclude'), '*\n');
    for (const file of Object.keys(IGNORE_FILES)) write(root, file, '*\n!*.log\n');
    write(root, 'src/.gitignore', '*\n');
    for (const dir of [root, mirror]) {
      write(dir, 'src/new.ts', 'new');
      write(dir, 'pkg/fresh.gen.ts', 'generated');
      write(dir, 'pkg/sub/new.log', 'log');
      write(dir, 'new.log', 'log');
    }
    const id = await snapshots.take();
    // What is recorded follows the rules as captured (the mirror keeps the original files)…
    const expected = gitWouldTrack(mirror).filter((file) => file !== 'src/.gitignore');
    expect(recorded(id).filter((file) => file !== 'src/.gitignore')).toEqual(expected);
    expect(recorded(id)).toContain('src/new.ts');
    expect(recorded(id)).not.toContain('new.log');
    // …and a new store object over the same shadow repository uses the same captured rules.
    write(root, 'src/later.ts', 'later');
    const again = await gitSnapshots({ root, dir: shadow }).take();
    expect(recorded(again)).toContain('src/later.ts');
  });

  it('keeps a recorded file recorded when an ignore rule of the options covers it later', async () => {
    write(root, 'data/keep.db', 'v1');
    await gitSnapshots({ root, dir: shadow }).take();
    const snapshots = gitSnapshots({ root, dir: shadow, exclude: ['*.db'] });
    write(root, 'data/keep.db', 'v2');
    write(root, 'data/new.db', 'new');
    const id = await snapshots.take();
    expect(recorded(id)).toEqual(['data/keep.db']);
    write(root, 'data/keep.db', 'v3');
    await snapshots.restore(id);
    expect(readFileSync(path.join(root, 'data/keep.db'), 'utf8')).toBe('v2');
  });
});

describe('restore reports what it could not put back', () => {
  /** Makes a directory unwritable, also for root (immutable attribute), until `undo` runs. */
  function freeze(dir: string): () => void {
    if (process.getuid?.() === 0) {
      execFileSync('chattr', ['+i', dir]);
      return () => execFileSync('chattr', ['-i', dir]);
    }
    chmodSync(dir, 0o555);
    return () => chmodSync(dir, 0o755);
  }

  it('rejects with the unrestored paths, restores the rest, and a second restore finishes', async () => {
    write(root, 'locked/a.txt', 'a');
    write(root, 'open/b.txt', 'b');
    write(root, 'big.bin', 'x'.repeat(300));
    const snapshots = gitSnapshots({ root, dir: shadow, maxFileBytes: 200 });
    const id = await snapshots.take();
    rmSync(path.join(root, 'locked/a.txt'));
    rmSync(path.join(root, 'open/b.txt'));
    write(root, 'locked/created.txt', 'created');
    const thaw = freeze(path.join(root, 'locked'));
    const warnings: SnapshotWarning[] = [];
    let error: unknown;
    try {
      error = await snapshots.restore(id, { onWarning: (w) => warnings.push(w) }).catch((caught: unknown) => caught);
    } finally {
      thaw();
    }
    expect(SnapshotError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'incomplete',
      unrestored: [
        { path: 'locked/a.txt', reason: 'missing' },
        { path: 'locked/created.txt', reason: 'not-removed' },
      ],
    });
    expect((error as SnapshotError).message).toMatch(/locked\/a\.txt \(missing\)/);
    // Everything else was put back, and the big file no snapshot holds was reported as left alone.
    expect(readFileSync(path.join(root, 'open/b.txt'), 'utf8')).toBe('b');
    expect(warnings).toEqual([expect.objectContaining({ kind: 'not-recorded', paths: ['big.bin'] })]);
    await snapshots.restore(id);
    expect(readFileSync(path.join(root, 'locked/a.txt'), 'utf8')).toBe('a');
    expect(existsSync(path.join(root, 'locked/created.txt'))).toBe(false);
  });
});
