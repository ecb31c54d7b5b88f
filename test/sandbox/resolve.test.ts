import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { localSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';

let base: string;
let root: string;
let outside: string;
let home: string;
let sandbox: Sandbox;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-resolve-')));
  root = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  home = path.join(base, 'home');
  for (const dir of [root, outside, home, path.join(root, 'src')]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  writeFileSync(path.join(root, 'src', 'a.ts'), 'export {}');
  sandbox = localSandbox({ root, home });
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

async function escapes(input: string, intent: 'read' | 'write' = 'read'): Promise<WorkspaceEscapeError> {
  const error = await sandbox.resolve(input, intent).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(WorkspaceEscapeError.isInstance(error), `${input} should escape`).toBe(true);
  return error as WorkspaceEscapeError;
}

describe('localSandbox.resolve', () => {
  it('resolves relative paths against the root, whatever the process cwd', async () => {
    expect(await sandbox.resolve('src/a.ts', 'read')).toBe(path.join(root, 'src', 'a.ts'));
    expect(await sandbox.resolve('./src/../src/a.ts', 'read')).toBe(path.join(root, 'src', 'a.ts'));
    expect(await sandbox.resolve('.', 'read')).toBe(root);
    expect(await sandbox.resolve('new/dir/file.txt', 'write')).toBe(path.join(root, 'new', 'dir', 'file.txt'));
  });

  it('gives the canonical root even when built from a symlink to it', async () => {
    symlinkSync(root, path.join(base, 'ws-link'));
    const viaLink = localSandbox({ root: path.join(base, 'ws-link') });
    expect(viaLink.root).toBe(root);
    expect(await viaLink.resolve(path.join(base, 'ws-link', 'src', 'a.ts'), 'read')).toBe(
      path.join(root, 'src', 'a.ts'),
    );
  });

  it('refuses .. and absolute paths out of the root', async () => {
    const error = await escapes('../outside/secret.txt');
    expect(error.code).toBe('WORKSPACE_ESCAPE');
    expect(error.root).toBe(root);
    expect(error.message).toContain('Use a path inside the workspace');
    await escapes('src/../../outside/secret.txt');
    await escapes(path.join(outside, 'secret.txt'));
    await escapes('/etc/passwd');
    await escapes('/');
  });

  it('compares by path, not by string prefix (sibling with the same prefix)', async () => {
    mkdirSync(`${root}-evil`);
    await escapes(`${root}-evil/x`);
    await escapes(`${root}evil`);
  });

  it('allows absolute paths inside the root', async () => {
    expect(await sandbox.resolve(path.join(root, 'src/a.ts'), 'read')).toBe(path.join(root, 'src', 'a.ts'));
  });

  it('refuses a file symlink out', async () => {
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    await escapes('link.txt');
    await escapes('link.txt', 'write');
    await expect(sandbox.readFile('link.txt')).rejects.toThrow(WorkspaceEscapeError);
  });

  it('refuses a directory symlink out, also with .. after it', async () => {
    symlinkSync(outside, path.join(root, 'dir-link'));
    await escapes('dir-link/secret.txt');
    await escapes('dir-link/new-file.txt', 'write');
    // The kernel follows dir-link before `..`: this is outside/../ws-sibling, not the root.
    symlinkSync(path.join(outside, 'deep'), path.join(root, 'deep-link'));
    mkdirSync(path.join(outside, 'deep'));
    writeFileSync(path.join(outside, 'x.txt'), 'x');
    await escapes('deep-link/../x.txt');
  });

  it('refuses a chain of symlinks that ends outside', async () => {
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'c3'));
    symlinkSync('c3', path.join(root, 'c2'));
    symlinkSync(path.join(root, 'c2'), path.join(root, 'c1'));
    await escapes('c1');
  });

  it('follows a chain of symlinks that stays inside', async () => {
    symlinkSync('src/a.ts', path.join(root, 'in2'));
    symlinkSync('in2', path.join(root, 'in1'));
    expect(await sandbox.resolve('in1', 'read')).toBe(path.join(root, 'src', 'a.ts'));
    symlinkSync('src', path.join(root, 'srclink'));
    expect(await sandbox.resolve('srclink/a.ts', 'write')).toBe(path.join(root, 'src', 'a.ts'));
  });

  it('refuses a dangling symlink that points out (a write would create the file outside)', async () => {
    symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangle'));
    await escapes('dangle', 'write');
    await expect(sandbox.writeFile('dangle', 'pwned')).rejects.toThrow(WorkspaceEscapeError);
    expect(() => realpathSync(path.join(outside, 'not-yet.txt'))).toThrow();
  });

  it('refuses a symlink loop with an error, not a hang', async () => {
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    await expect(sandbox.resolve('loop-a', 'read')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('sees a symlink created by a command, and refuses reading through it', async () => {
    const result = await sandbox.exec(`ln -s ${JSON.stringify(outside)} made-by-bash`);
    expect(result.exitCode).toBe(0);
    await escapes('made-by-bash/secret.txt');
    await expect(sandbox.readFile('made-by-bash/secret.txt')).rejects.toThrow(WorkspaceEscapeError);
  });

  it('takes a leading ~ as the home directory, which is outside the root', async () => {
    await escapes('~');
    await escapes('~/.ssh/id_rsa');
    const inside = localSandbox({ root, home: path.join(root, 'src') });
    expect(await inside.resolve('~/a.ts', 'read')).toBe(path.join(root, 'src', 'a.ts'));
  });

  it('treats ~user, $VARS and %2e as literal names', async () => {
    expect(await sandbox.resolve('~root/x', 'read')).toBe(path.join(root, '~root', 'x'));
    expect(await sandbox.resolve('$HOME/.ssh', 'read')).toBe(path.join(root, '$HOME', '.ssh'));
    expect(await sandbox.resolve('%2e%2e/%2e%2e/etc/passwd', 'read')).toBe(
      path.join(root, '%2e%2e', '%2e%2e', 'etc', 'passwd'),
    );
    expect(await sandbox.resolve('${PWD}/../x', 'read')).toBe(path.join(root, 'x'));
  });

  it('refuses NUL bytes', async () => {
    await escapes('src/a.ts\0.png');
  });

  it('refuses /proc, /dev and /sys, even with the host root as workspace', async () => {
    const whole = localSandbox({ root: '/' });
    for (const input of [
      '/proc/self/root/etc/passwd',
      '/proc/self/environ',
      '/dev/sda',
      '/sys/kernel',
      '/dev/../proc/1/cwd',
    ]) {
      await expect(whole.resolve(input, 'read'), input).rejects.toThrow(WorkspaceEscapeError);
    }
    symlinkSync('/proc/self/root', path.join(root, 'magic'));
    await escapes('magic/etc/passwd');
  });

  it('protects .git against writes by default but lets it be read', async () => {
    mkdirSync(path.join(root, '.git', 'hooks'), { recursive: true });
    writeFileSync(path.join(root, '.git', 'config'), '[core]');
    expect(await sandbox.resolve('.git/config', 'read')).toBe(path.join(root, '.git', 'config'));
    await escapes('.git/config', 'write');
    await escapes('.git/hooks/pre-commit', 'write');
    await escapes('.git', 'write');
    expect(await sandbox.resolve('.gitignore', 'write')).toBe(path.join(root, '.gitignore'));
    const open = localSandbox({ root, protectedPaths: [] });
    expect(await open.resolve('.git/config', 'write')).toBe(path.join(root, '.git', 'config'));
  });

  it('refuses a root that does not exist', () => {
    expect(() => localSandbox({ root: path.join(base, 'missing') })).toThrow(/does not exist/);
  });

  it('refuses a protected path reached through a symlink', async () => {
    mkdirSync(path.join(root, '.git'));
    symlinkSync('.git', path.join(root, 'g'));
    await escapes('g/config', 'write');
  });
});
