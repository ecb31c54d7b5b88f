import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitSnapshots, SnapshotError } from '../../src/snapshots/index.js';
import { listTree, tempBase, userGit } from './helpers.js';

let base: string;
let root: string;
let shadow: string;

const at = (...parts: string[]): string => path.join(root, ...parts);
const write = (file: string, content: string | Buffer): void => {
  mkdirSync(path.dirname(at(file)), { recursive: true });
  writeFileSync(at(file), content);
};

// git records only "executable or not" and checks files out with the process umask; fix the umask so the
// modes this test writes by hand (644, 755) are the ones git writes back.
let savedUmask: number;
beforeAll(() => {
  savedUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(savedUmask);
});

beforeEach(() => {
  ({ base, root, shadow } = tempBase());
  mkdirSync(root);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A workspace with every kind of file the round trip must keep. */
function populate(): void {
  write('plain.txt', 'line one\nline two\n');
  write('windows.txt', 'crlf one\r\ncrlf two\r\nmixed\nend\r');
  write('no-newline.txt', 'last line without newline');
  write('empty.txt', '');
  write('binary.bin', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x00, 0x80]));
  write('ünïcødé/名前 with space.md', '# title\n');
  write('a/b/c/d/deep.ts', 'export const deep = 1;\n');
  write('bin/run.sh', '#!/bin/sh\necho run\n');
  chmodSync(at('bin/run.sh'), 0o755);
  symlinkSync('plain.txt', at('link-to-file'));
  symlinkSync('a/b', at('link-to-dir'));
  symlinkSync('does-not-exist', at('dangling'));
}

describe('gitSnapshots take and restore', () => {
  it('restores every kind of file byte for byte, with modes and links', async () => {
    populate();
    const snapshots = gitSnapshots({ root, dir: shadow });
    const before = listTree(root);
    const id = await snapshots.take();
    expect(id).toMatch(/^[0-9a-f]{40}$/);

    write('plain.txt', 'rewritten\n');
    write('windows.txt', 'crlf one\ncrlf two\n');
    write('binary.bin', Buffer.from([9, 9, 9]));
    write('empty.txt', 'not empty any more');
    rmSync(at('ünïcødé'), { recursive: true });
    rmSync(at('a'), { recursive: true });
    chmodSync(at('bin/run.sh'), 0o644);
    unlinkSync(at('link-to-file'));
    writeFileSync(at('link-to-file'), 'a file where a link was');
    unlinkSync(at('dangling'));
    symlinkSync('elsewhere', at('dangling'));
    write('created/after/new.txt', 'new');
    write('created-top.txt', 'new');
    expect(listTree(root)).not.toEqual(before);

    await snapshots.restore(id);
    expect(listTree(root)).toEqual(before);
    expect(lstatSync(at('bin/run.sh')).mode & 0o111).not.toBe(0);
    expect(readlinkSync(at('link-to-dir'))).toBe('a/b');
    // Directories that held only files created since are gone too.
    expect(existsSync(at('created'))).toBe(false);
  });

  it('recreates deleted files and deletes files created since, and a restore can be undone', async () => {
    write('keep.txt', 'keep');
    write('gone/soon.txt', 'soon gone');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    rmSync(at('gone'), { recursive: true });
    write('fresh.txt', 'fresh');
    const edited = listTree(root);

    const undo = await snapshots.restore(id);
    expect(readFileSync(at('gone/soon.txt'), 'utf8')).toBe('soon gone');
    expect(existsSync(at('fresh.txt'))).toBe(false);

    await snapshots.restore(undo);
    expect(listTree(root)).toEqual(edited);
  });

  it('returns the same id for an unchanged workspace and a new one after a change', async () => {
    write('a.txt', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const first = await snapshots.take();
    expect(await snapshots.take()).toBe(first);
    write('a.txt', 'b');
    const second = await snapshots.take();
    expect(second).not.toBe(first);
    write('a.txt', 'a');
    // Same content as the first, but a later point in time: a new snapshot with the first one's tree.
    const third = await snapshots.take();
    expect(await snapshots.changes(first)).toEqual([]);
    expect(await snapshots.changes(third)).toEqual([]);
    expect(await snapshots.changes(second)).toEqual([{ path: 'a.txt', status: 'modified' }]);
  });

  it('lists changes since a snapshot', async () => {
    write('same.txt', 'same');
    write('edit.txt', 'v1');
    write('dir/remove.txt', 'x');
    write('mode.sh', 'echo');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    expect(await snapshots.changes(id)).toEqual([]);

    write('edit.txt', 'v2');
    rmSync(at('dir'), { recursive: true });
    write('new/added.txt', 'new');
    chmodSync(at('mode.sh'), 0o755);
    write('node_modules/pkg/index.js', 'ignored');
    expect(await snapshots.changes(id)).toEqual([
      { path: 'dir/remove.txt', status: 'deleted' },
      { path: 'edit.txt', status: 'modified' },
      { path: 'mode.sh', status: 'modified' },
      { path: 'new/added.txt', status: 'added' },
    ]);
    // changes() only looks: the workspace is as it was.
    expect(readFileSync(at('edit.txt'), 'utf8')).toBe('v2');
  });

  it('leaves ignored and excluded files alone: node_modules, nested .gitignore, exclude patterns', async () => {
    write('.gitignore', '*.log\n/build/\n');
    write('pkg/.gitignore', 'cache/\n');
    write('src/app.ts', 'app');
    write('node_modules/dep/index.js', 'dep v1');
    write('deep/node_modules/other/x.js', 'other v1');
    write('debug.log', 'log v1');
    write('build/out.js', 'out v1');
    write('pkg/cache/blob', 'cache v1');
    write('pkg/kept.txt', 'kept');
    write('data/big.sqlite', 'db v1');
    const snapshots = gitSnapshots({ root, dir: shadow, exclude: ['*.sqlite'] });
    const id = await snapshots.take();

    // Ignored files change, appear and disappear after the snapshot…
    write('node_modules/dep/index.js', 'dep v2');
    write('node_modules/new-dep/index.js', 'new dep');
    write('deep/node_modules/other/x.js', 'other v2');
    write('debug.log', 'log v2');
    write('later.log', 'later');
    rmSync(at('build'), { recursive: true });
    write('pkg/cache/blob', 'cache v2');
    write('data/big.sqlite', 'db v2');
    write('src/app.ts', 'app v2');
    expect((await snapshots.changes(id)).map((change) => change.path)).toEqual(['src/app.ts']);

    await snapshots.restore(id);
    // …and the restore keeps them as they are now.
    expect(readFileSync(at('src/app.ts'), 'utf8')).toBe('app');
    expect(readFileSync(at('node_modules/dep/index.js'), 'utf8')).toBe('dep v2');
    expect(readFileSync(at('node_modules/new-dep/index.js'), 'utf8')).toBe('new dep');
    expect(readFileSync(at('deep/node_modules/other/x.js'), 'utf8')).toBe('other v2');
    expect(readFileSync(at('debug.log'), 'utf8')).toBe('log v2');
    expect(readFileSync(at('later.log'), 'utf8')).toBe('later');
    expect(existsSync(at('build'))).toBe(false);
    expect(readFileSync(at('pkg/cache/blob'), 'utf8')).toBe('cache v2');
    expect(readFileSync(at('data/big.sqlite'), 'utf8')).toBe('db v2');
    expect(readFileSync(at('pkg/kept.txt'), 'utf8')).toBe('kept');
  });

  it('keeps recording files an ignore file written later covers, and restores them', async () => {
    write('dist/bundle.js', 'v1');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const first = await snapshots.take();
    // Written after the shadow repository captured the rules: changes nothing about what is recorded.
    write('.gitignore', 'dist/\n*\n');
    write('dist/bundle.js', 'v2');
    write('dist/new.js', 'new');
    const second = await snapshots.take();
    expect(await snapshots.changes(first)).toEqual([
      { path: '.gitignore', status: 'added' },
      { path: 'dist/bundle.js', status: 'modified' },
      { path: 'dist/new.js', status: 'added' },
    ]);
    write('dist/bundle.js', 'v3');
    await snapshots.restore(second);
    expect(readFileSync(at('dist/bundle.js'), 'utf8')).toBe('v2');
    await snapshots.restore(first);
    expect(listTree(root)).toEqual(['dir dist', `file dist/bundle.js 644 ${Buffer.from('v1').toString('base64')}`]);
  });

  it('never touches the user repository: HEAD, index, status, config and objects stay as they were', async () => {
    write('tracked.txt', 'committed');
    write('.gitignore', 'secret.env\n');
    write('secret.env', 'KEY=1');
    userGit(root, 'init', '--quiet');
    userGit(root, 'add', '-A');
    userGit(root, 'commit', '--quiet', '-m', 'initial');
    write('tracked.txt', 'staged change');
    userGit(root, 'add', 'tracked.txt');
    write('tracked.txt', 'unstaged change');
    write('untracked.txt', 'untracked');

    const gitDir = at('.git');
    const fingerprint = (): string[] => [
      userGit(root, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
      userGit(root, 'rev-parse', 'HEAD'),
      userGit(root, 'ls-files', '--stage'),
      createHash('sha256')
        .update(readFileSync(path.join(gitDir, 'index')))
        .digest('hex'),
      readFileSync(path.join(gitDir, 'config'), 'utf8'),
      userGit(root, 'count-objects'),
      listTree(gitDir).join('\n'),
    ];
    const userRepoBefore = fingerprint();

    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    write('untracked.txt', 'changed by the agent');
    write('agent-new.txt', 'agent');
    expect((await snapshots.changes(id)).every((change) => !change.path.startsWith('.git/'))).toBe(true);
    await snapshots.restore(id);

    expect(fingerprint()).toEqual(userRepoBefore);
    expect(readFileSync(at('tracked.txt'), 'utf8')).toBe('unstaged change');
    expect(readFileSync(at('secret.env'), 'utf8')).toBe('KEY=1');
  });

  it('honours the repository .git/info/exclude like a .gitignore', async () => {
    write('local-only.txt', 'v1');
    write('normal.txt', 'n');
    userGit(root, 'init', '--quiet');
    writeFileSync(at('.git', 'info', 'exclude'), 'local-only.txt\n');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    write('local-only.txt', 'v2');
    await snapshots.restore(id);
    expect(readFileSync(at('local-only.txt'), 'utf8')).toBe('v2');
  });

  it('restores a snapshot taken by an earlier store object (a process restart)', async () => {
    populate();
    const before = listTree(root);
    const id = await gitSnapshots({ root, dir: shadow }).take();
    write('plain.txt', 'changed');
    write('extra.txt', 'extra');
    const later = gitSnapshots({ root, dir: shadow });
    expect(await later.changes(id)).toEqual([
      { path: 'extra.txt', status: 'added' },
      { path: 'plain.txt', status: 'modified' },
    ]);
    await later.restore(id);
    expect(listTree(root)).toEqual(before);
  });

  it('keeps CRLF and binary files byte-identical whatever .gitattributes and the user git config say', async () => {
    write(
      '.gitattributes',
      '* text=auto eol=crlf\n*.txt filter=lfs diff=lfs ident\n*.utf16 working-tree-encoding=UTF-16\n',
    );
    write('lf.txt', 'unix\nlines\n$Id$\n');
    write('crlf.md', 'dos\r\nlines\r\n');
    write('data.utf16', Buffer.from('\ufeffhi', 'utf16le'));
    // A user config that would convert line endings and run a hook, found through HOME and GIT_* variables.
    const home = path.join(base, 'home');
    mkdirSync(home);
    writeFileSync(
      path.join(home, '.gitconfig'),
      `[core]\n\tautocrlf = true\n\tfileMode = false\n\thooksPath = ${path.join(home, 'hooks')}\n[filter "lfs"]\n\tclean = false\n\tsmudge = false\n\trequired = true\n`,
    );
    const saved = { HOME: process.env.HOME, GIT_INDEX_FILE: process.env.GIT_INDEX_FILE, GIT_DIR: process.env.GIT_DIR };
    process.env.HOME = home;
    process.env.GIT_INDEX_FILE = path.join(base, 'foreign-index');
    process.env.GIT_DIR = path.join(base, 'foreign-git-dir');
    try {
      const before = listTree(root);
      const snapshots = gitSnapshots({ root, dir: shadow });
      const id = await snapshots.take();
      write('lf.txt', 'changed');
      write('crlf.md', 'changed');
      rmSync(at('data.utf16'));
      await snapshots.restore(id);
      expect(listTree(root)).toEqual(before);
      expect(existsSync(path.join(base, 'foreign-index'))).toBe(false);
      expect(existsSync(path.join(base, 'foreign-git-dir'))).toBe(false);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('records symlinks as links and never writes through one out of the workspace', async () => {
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'target.txt'), 'outside v1');
    symlinkSync(outside, at('out-dir'));
    symlinkSync(path.join(outside, 'target.txt'), at('out-file'));
    write('inside.txt', 'inside');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    // Nothing behind the links was recorded.
    writeFileSync(path.join(outside, 'target.txt'), 'outside v2');
    writeFileSync(path.join(outside, 'new.txt'), 'new outside');
    expect(await snapshots.changes(id)).toEqual([]);

    // Replace the links by real files and dirs; the restore puts the links back and leaves outside alone.
    unlinkSync(at('out-dir'));
    mkdirSync(at('out-dir'));
    writeFileSync(at('out-dir', 'target.txt'), 'shadowing');
    unlinkSync(at('out-file'));
    writeFileSync(at('out-file'), 'plain');
    await snapshots.restore(id);
    expect(readlinkSync(at('out-dir'))).toBe(outside);
    expect(readlinkSync(at('out-file'))).toBe(path.join(outside, 'target.txt'));
    expect(readFileSync(path.join(outside, 'target.txt'), 'utf8')).toBe('outside v2');
    expect(readFileSync(path.join(outside, 'new.txt'), 'utf8')).toBe('new outside');
  });

  it('restores a directory that was replaced by a symlink out of the workspace, writing nothing outside', async () => {
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    write('dir/file.txt', 'inside');
    write('dir/sub/deeper.txt', 'deeper');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    rmSync(at('dir'), { recursive: true });
    // The link makes dir/file.txt resolve outside; outside holds a file of that name too.
    writeFileSync(path.join(outside, 'file.txt'), 'outside');
    symlinkSync(outside, at('dir'));
    expect(await snapshots.changes(id)).toEqual([
      { path: 'dir', status: 'added' },
      { path: 'dir/file.txt', status: 'deleted' },
      { path: 'dir/sub/deeper.txt', status: 'deleted' },
    ]);
    await snapshots.restore(id);
    expect(lstatSync(at('dir')).isDirectory()).toBe(true);
    expect(readFileSync(at('dir/file.txt'), 'utf8')).toBe('inside');
    expect(readFileSync(at('dir/sub/deeper.txt'), 'utf8')).toBe('deeper');
    expect(readFileSync(path.join(outside, 'file.txt'), 'utf8')).toBe('outside');
  });

  it('swaps files and directories the snapshots cover', async () => {
    write('was-file', 'a file');
    write('was-dir/inner.txt', 'inner');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    rmSync(at('was-file'));
    write('was-file/now/inside.txt', 'recorded by the pre-restore snapshot');
    rmSync(at('was-dir'), { recursive: true });
    write('was-dir', 'now a file');
    await snapshots.restore(id);
    expect(readFileSync(at('was-file'), 'utf8')).toBe('a file');
    expect(readFileSync(at('was-dir/inner.txt'), 'utf8')).toBe('inner');
  });

  it('refuses a restore that would delete ignored files in the way, and changes nothing', async () => {
    write('pkg', 'a file');
    write('tool/config.json', '{}');
    write('src/a.ts', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow, maxFileBytes: 100 });
    const id = await snapshots.take();
    // An ignored directory where the snapshot has a file, a file too large to record where it has a directory.
    rmSync(at('pkg'));
    write('pkg/node_modules/dep/index.js', 'installed');
    rmSync(at('tool'), { recursive: true });
    write('tool', 'x'.repeat(200));
    write('src/a.ts', 'edited');
    const before = listTree(root);

    const error = await snapshots.restore(id).catch((caught: unknown) => caught);
    expect(SnapshotError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'conflict', paths: ['pkg/', 'tool'] });
    expect((error as SnapshotError).message).toMatch(/Nothing was changed/);
    expect(listTree(root)).toEqual(before);

    // Once they are moved away, the restore goes through.
    rmSync(at('pkg'), { recursive: true });
    rmSync(at('tool'));
    await snapshots.restore(id);
    expect(readFileSync(at('pkg'), 'utf8')).toBe('a file');
    expect(readFileSync(at('tool/config.json'), 'utf8')).toBe('{}');
    expect(readFileSync(at('src/a.ts'), 'utf8')).toBe('a');
  });

  it('leaves a nested repository alone and reports it as skipped', async () => {
    write('top.txt', 'top');
    write('vendor/lib/file.c', 'v1');
    userGit(at('vendor/lib'), 'init', '--quiet');
    userGit(at('vendor/lib'), 'add', '-A');
    userGit(at('vendor/lib'), 'commit', '--quiet', '-m', 'lib');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    expect(await snapshots.skipped(id)).toEqual([{ path: 'vendor/lib/', reason: 'nested-repository' }]);
    write('vendor/lib/file.c', 'v2');
    write('top.txt', 'changed');
    await snapshots.restore(id);
    expect(readFileSync(at('top.txt'), 'utf8')).toBe('top');
    expect(readFileSync(at('vendor/lib/file.c'), 'utf8')).toBe('v2');
    expect(userGit(at('vendor/lib'), 'status', '--porcelain')).toBe(' M file.c\n');
  });

  it('records every one of rapid same-size edits (git racy-timestamp case)', async () => {
    const snapshots = gitSnapshots({ root, dir: shadow });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      write('counter.txt', `value ${i}`);
      ids.push(await snapshots.take());
    }
    expect(new Set(ids).size).toBe(8);
    for (let i = 0; i < 8; i++) {
      await snapshots.restore(ids[i]!);
      expect(readFileSync(at('counter.txt'), 'utf8')).toBe(`value ${i}`);
    }
  });

  it('never records nor removes a .git file (a worktree or submodule checkout)', async () => {
    write('.git', 'gitdir: ../elsewhere/.git/worktrees/ws\n');
    write('src/a.ts', 'a');
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    rmSync(at('.git'));
    expect(await snapshots.changes(id)).toEqual([]);
    write('.git', 'gitdir: somewhere else\n');
    write('src/a.ts', 'edited');
    await snapshots.restore(id);
    expect(readFileSync(at('.git'), 'utf8')).toBe('gitdir: somewhere else\n');
    expect(readFileSync(at('src/a.ts'), 'utf8')).toBe('a');
  });

  it('works on an empty workspace', async () => {
    const snapshots = gitSnapshots({ root, dir: shadow });
    const id = await snapshots.take();
    write('new.txt', 'new');
    expect(await snapshots.changes(id)).toEqual([{ path: 'new.txt', status: 'added' }]);
    await snapshots.restore(id);
    expect(listTree(root)).toEqual([]);
  });
});
