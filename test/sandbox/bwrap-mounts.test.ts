/**
 * The mounts of bubblewrap commands, on real bwrap: protected paths whether or not they exist, linked
 * worktrees' git directories, hidden store files with their SQLite companions, and the check inside the
 * sandbox that refuses to run a command when a mount went astray.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScratch, requireBubblewrap } from './helpers.js';
import { bubblewrapSandbox } from '../../src/sandbox/index.js';
import { planBwrapMounts } from '../../src/sandbox/bwrap-profile.js';
import { DEFAULT_EXEC_LIMITS } from '../../src/sandbox/exec-limits.js';
import { runCommand } from '../../src/sandbox/run-command.js';

await requireBubblewrap();

let base: string;
let root: string;

beforeEach(() => void ({ base, root } = makeScratch('icode-mounts-')));

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe.runIf(process.platform === 'linux')('bubblewrap mounts', () => {
  it('keeps protectedPaths read-only whether or not they exist, and removes the placeholders afterwards', async () => {
    mkdirSync(path.join(root, 'config'));
    writeFileSync(path.join(root, 'config', 'ci.yml'), 'safe\n');
    const sandbox = bubblewrapSandbox({ root, protectedPaths: ['.git', 'config/ci.yml', 'deploy/keys'] });
    const result = await sandbox.exec(
      'echo x > config/ci.yml; mkdir -p deploy/keys/x; git init -q .; touch .git/config; echo more > notes.txt; echo end',
    );
    expect(result.output).toContain('end');
    expect(readFileSync(path.join(root, 'config', 'ci.yml'), 'utf8')).toBe('safe\n');
    expect(existsSync(path.join(root, 'deploy', 'keys', 'x'))).toBe(false);
    expect(existsSync(path.join(root, '.git', 'config'))).toBe(false);
    expect(readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('more\n');
    expect(readdirSync(root).sort()).toEqual(['config', 'notes.txt']);
  });

  it('keeps a placeholder while any command still runs: a background job cannot create .git after a short command', async () => {
    const sandbox = bubblewrapSandbox({ root, killGraceMs: 300 });
    const long = sandbox.exec('sleep 0.6; git init -q . ; mkdir -p .git/hooks && echo created; ls -a .git; echo end');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(path.join(root, '.git'))).toBe(true);
    await sandbox.exec('true');
    // The short command ended; the long one still holds the placeholder.
    expect(existsSync(path.join(root, '.git'))).toBe(true);
    const result = await long;
    expect(result.output).not.toContain('created');
    expect(result.output).toContain('Read-only file system');
    expect(existsSync(path.join(root, '.git'))).toBe(false);
  });

  it("keeps a worktree's git directory read-only through its .git file", async () => {
    const gitdir = path.join(root, 'meta', 'wt-git');
    mkdirSync(path.join(gitdir, 'hooks'), { recursive: true });
    mkdirSync(path.join(root, 'wt'));
    writeFileSync(path.join(root, 'wt', '.git'), `gitdir: ${gitdir}\n`);
    const result = await bubblewrapSandbox({ root }).exec(
      'touch meta/wt-git/hooks/post-checkout; echo "gitdir: /tmp/evil" > wt/.git; echo end',
    );
    expect(result.output.match(/Read-only file system/g)).toHaveLength(2);
    expect(existsSync(path.join(gitdir, 'hooks', 'post-checkout'))).toBe(false);
    expect(readFileSync(path.join(root, 'wt', '.git'), 'utf8')).toBe(`gitdir: ${gitdir}\n`);
  });

  it('hides a store file anywhere, with its SQLite companions, and refuses a linked .git', async () => {
    const store = path.join(root, 'state', 'sessions.db');
    mkdirSync(path.dirname(store));
    writeFileSync(store, 'SECRET CONVERSATION');
    writeFileSync(path.join(root, 'app.db'), 'APP SECRET');
    const sandbox = bubblewrapSandbox({ root, hide: [store, 'app.db'] });
    const result = await sandbox.exec(
      `cat ${store}; cat app.db; printf x > app.db-journal; printf x > app.db-wal; printf x > state/sessions.db-wal; mv state s2; echo end`,
    );
    expect(result.output).not.toContain('SECRET');
    expect(result.output).toContain('end');
    expect(readFileSync(path.join(root, 'app.db'), 'utf8')).toBe('APP SECRET');
    for (const suffix of ['-journal', '-wal', '-shm'])
      expect(existsSync(path.join(root, `app.db${suffix}`))).toBe(false);
    expect(existsSync(`${store}-wal`)).toBe(false);
    expect(readFileSync(store, 'utf8')).toBe('SECRET CONVERSATION');
    expect(result.output).toContain('Device or resource busy');

    symlinkSync(path.join(base, 'elsewhere'), path.join(root, '.git'));
    await expect(sandbox.exec('true')).rejects.toThrow(/symbolic link/);
  });

  it('refuses to run the command when a pinned directory was swapped for a link while bwrap mounted', async () => {
    mkdirSync(path.join(root, 'a', 'lib', '.git', 'hooks'), { recursive: true });
    const plan = await planBwrapMounts({
      root,
      writable: [root],
      protectedPaths: [],
      hide: [path.join(root, '.icode')],
      network: false,
      readOnly: false,
      tmpSizeBytes: false,
    });
    // What a background job racing the mounts achieves: `a` is now a link to the real directory.
    renameSync(path.join(root, 'a'), path.join(root, 'a.real'));
    symlinkSync('a.real', path.join(root, 'a'));
    const result = await runCommand({
      command: 'touch a/lib/.git/hooks/pre-commit; echo ran',
      root,
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      limits: DEFAULT_EXEC_LIMITS,
      bwrap: { file: 'bwrap', plan, network: false },
      spawn: { killGraceMs: 300 },
    });
    expect(result.exitCode).toBe(125);
    expect(result.output).toMatch(/could not protect .*the command was not run/);
    expect(existsSync(path.join(root, 'a.real', 'lib', '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('gives git inside a safe environment and a ceiling at the workspace', async () => {
    execFileSync('git', ['init', '-q', base]);
    const result = await bubblewrapSandbox({ root }).exec(
      'git rev-parse --show-toplevel; env | grep -c ^GIT_CONFIG_KEY_',
    );
    expect(result.output).toContain('not a git repository');
    expect(Number(result.output.trim().split('\n').at(-1))).toBeGreaterThan(5);
  });
});
