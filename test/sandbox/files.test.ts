import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { localSandbox } from '../../src/sandbox/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';

let base: string;
let root: string;
let outside: string;
let sandbox: Sandbox;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-files-')));
  root = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'target.txt'), 'original');
  sandbox = localSandbox({ root });
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('localSandbox file methods', () => {
  it('writes atomically, creating parents, leaving no temp file', async () => {
    await sandbox.writeFile('a/b/c.txt', 'hello');
    await sandbox.writeFile('a/b/c.txt', new TextEncoder().encode('bytes'));
    expect(readFileSync(path.join(root, 'a/b/c.txt'), 'utf8')).toBe('bytes');
    expect(readdirSync(path.join(root, 'a/b'))).toEqual(['c.txt']);
    expect(new TextDecoder().decode(await sandbox.readFile('a/b/c.txt'))).toBe('bytes');
  });

  it('keeps the mode of a file it overwrites', async () => {
    writeFileSync(path.join(root, 'run.sh'), 'echo', { mode: 0o755 });
    await sandbox.writeFile('run.sh', 'echo hi');
    expect(statSync(path.join(root, 'run.sh')).mode & 0o777).toBe(0o755);
  });

  it('writes the target of an inside symlink, not the link', async () => {
    writeFileSync(path.join(root, 'real.txt'), 'old');
    symlinkSync('real.txt', path.join(root, 'alias.txt'));
    await sandbox.writeFile('alias.txt', 'new');
    expect(readFileSync(path.join(root, 'real.txt'), 'utf8')).toBe('new');
    expect(lstatSync(path.join(root, 'alias.txt')).isSymbolicLink()).toBe(true);
  });

  it('never writes through a symlink out, and leaves the outside file alone', async () => {
    symlinkSync(path.join(outside, 'target.txt'), path.join(root, 'out.txt'));
    await expect(sandbox.writeFile('out.txt', 'pwned')).rejects.toThrow(WorkspaceEscapeError);
    symlinkSync(outside, path.join(root, 'outdir'));
    await expect(sandbox.writeFile('outdir/new.txt', 'pwned')).rejects.toThrow(WorkspaceEscapeError);
    expect(readFileSync(path.join(outside, 'target.txt'), 'utf8')).toBe('original');
    expect(readdirSync(outside)).toEqual(['target.txt']);
    expect(readdirSync(root).sort()).toEqual(['out.txt', 'outdir']);
  });

  it('refuses to write a hard link (its other name may be outside)', async () => {
    linkSync(path.join(outside, 'target.txt'), path.join(root, 'hard.txt'));
    const error = await sandbox.writeFile('hard.txt', 'pwned').catch((caught: unknown) => caught);
    expect(WorkspaceEscapeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/hard link/);
    expect(readFileSync(path.join(outside, 'target.txt'), 'utf8')).toBe('original');
    expect(readdirSync(root)).toEqual(['hard.txt']);
  });

  it('refuses to write over a directory', async () => {
    mkdirSync(path.join(root, 'dir'));
    await expect(sandbox.writeFile('dir', 'x')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('stat does not follow a final symlink, and says undefined for nothing', async () => {
    symlinkSync(path.join(outside, 'target.txt'), path.join(root, 'out.txt'));
    writeFileSync(path.join(root, 'f.txt'), 'abc');
    mkdirSync(path.join(root, 'd'));
    expect(await sandbox.stat('out.txt')).toMatchObject({ type: 'symlink' });
    expect(await sandbox.stat('f.txt')).toMatchObject({ type: 'file', size: 3 });
    expect(await sandbox.stat('d')).toMatchObject({ type: 'directory' });
    expect(await sandbox.stat('.')).toMatchObject({ type: 'directory' });
    // The root by its absolute path too: it is looked at as a whole, not through its parent (outside).
    expect(await sandbox.stat(sandbox.root)).toMatchObject({ type: 'directory' });
    expect(await sandbox.stat('missing.txt')).toBeUndefined();
    expect(await sandbox.stat('f.txt/below')).toBeUndefined();
    await expect(sandbox.stat('../outside/target.txt')).rejects.toThrow(WorkspaceEscapeError);
    await expect(sandbox.stat('out.txt/..')).rejects.toThrow(WorkspaceEscapeError);
  });

  it('readdir lists entries without following them', async () => {
    writeFileSync(path.join(root, 'f.txt'), '');
    mkdirSync(path.join(root, 'd'));
    symlinkSync(outside, path.join(root, 'l'));
    const entries = await sandbox.readdir('.');
    expect(entries.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'd', type: 'directory' },
      { name: 'f.txt', type: 'file' },
      { name: 'l', type: 'symlink' },
    ]);
    await expect(sandbox.readdir('l')).rejects.toThrow(WorkspaceEscapeError);
  });

  it('readFile reports a missing file with ENOENT', async () => {
    await expect(sandbox.readFile('nope.txt')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
