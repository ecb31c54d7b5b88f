import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { PATH_ACCESS } from '../../src/sandbox/fs-held-dir.js';
import { bubblewrapSandbox, localSandbox } from '../../src/sandbox/index.js';
import { fileMethods, sandboxSettings } from '../../src/sandbox/local-sandbox.js';
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

describe('additionalDirectories', () => {
  let shared: string;
  let scratch: string;
  beforeEach(() => {
    shared = path.join(base, 'shared');
    scratch = path.join(base, 'scratch');
    mkdirSync(path.join(shared, 'docs'), { recursive: true });
    mkdirSync(scratch);
    writeFileSync(path.join(shared, 'docs', 'guide.md'), 'guide');
  });

  it('reads a read-only directory, refuses to write it, and keeps everything else outside refused', async () => {
    const box = localSandbox({ root, additionalDirectories: [shared] });
    const guide = path.join(shared, 'docs', 'guide.md');
    expect(await box.resolve(guide, 'read')).toBe(guide);
    expect(new TextDecoder().decode(await box.readFile(guide))).toBe('guide');
    expect(await box.readdir(path.join(shared, 'docs'))).toEqual([{ name: 'guide.md', type: 'file' }]);
    const error = await box.writeFile(guide, 'changed').catch((caught: unknown) => caught);
    expect(WorkspaceEscapeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/reading only/);
    await expect(box.writeFile(path.join(shared, 'new.txt'), 'x')).rejects.toThrow(WorkspaceEscapeError);
    expect(readFileSync(guide, 'utf8')).toBe('guide');
    // Out of it by `..`, and anything else outside, stays refused.
    await expect(box.readFile(path.join(shared, '..', 'outside', 'target.txt'))).rejects.toThrow(WorkspaceEscapeError);
    await expect(box.readFile(path.join(outside, 'target.txt'))).rejects.toThrow(WorkspaceEscapeError);
  });

  it('writes a read-write directory, atomically, and judges links like the root', async () => {
    const box = localSandbox({ root, additionalDirectories: [{ path: scratch, access: 'read-write' }] });
    await box.writeFile(path.join(scratch, 'out', 'a.txt'), 'built');
    expect(readFileSync(path.join(scratch, 'out', 'a.txt'), 'utf8')).toBe('built');
    // A link in the root that leads into a granted directory is followed; one out of it is refused.
    symlinkSync(scratch, path.join(root, 'to-scratch'));
    expect(new TextDecoder().decode(await box.readFile('to-scratch/out/a.txt'))).toBe('built');
    symlinkSync(outside, path.join(scratch, 'escape'));
    await expect(box.readFile(path.join(scratch, 'escape', 'target.txt'))).rejects.toThrow(WorkspaceEscapeError);
    await expect(box.writeFile(path.join(scratch, 'escape', 'x.txt'), 'x')).rejects.toThrow(WorkspaceEscapeError);
    expect(readdirSync(outside)).toEqual(['target.txt']);
  });

  it('takes the same option in bubblewrapSandbox, and refuses a directory that does not exist', async () => {
    const box = bubblewrapSandbox({ root, additionalDirectories: [shared] });
    expect(new TextDecoder().decode(await box.readFile(path.join(shared, 'docs', 'guide.md')))).toBe('guide');
    await expect(box.writeFile(path.join(shared, 'x.txt'), 'x')).rejects.toThrow(WorkspaceEscapeError);
    expect(() => localSandbox({ root, additionalDirectories: [path.join(base, 'missing')] })).toThrow(/does not exist/);
    expect(() => localSandbox({ root, additionalDirectories: ['relative/dir'] })).toThrow(/absolute/);
  });

  it('lets bubblewrap commands write a read-write directory and only read a read-only one', async () => {
    const box = bubblewrapSandbox({
      root,
      additionalDirectories: [shared, { path: scratch, access: 'read-write' }],
    });
    const wrote = await box.exec(`echo built > ${scratch}/cmd.txt && cat ${shared}/docs/guide.md`);
    expect(wrote.exitCode).toBe(0);
    expect(wrote.output).toContain('guide');
    expect(readFileSync(path.join(scratch, 'cmd.txt'), 'utf8')).toBe('built\n');
    const refused = await box.exec(`echo x > ${shared}/docs/guide.md`);
    expect(refused.exitCode).not.toBe(0);
    expect(readFileSync(path.join(shared, 'docs', 'guide.md'), 'utf8')).toBe('guide');
  });
});

describe('errors a walk can meet', () => {
  it('says a link leads out without naming where', async () => {
    symlinkSync(path.join(outside, 'target.txt'), path.join(root, 'out.txt'));
    symlinkSync(outside, path.join(root, 'outdir'));
    for (const input of ['out.txt', 'outdir/target.txt', 'outdir/../outside/target.txt']) {
      const error = await sandbox.readFile(input).catch((caught: unknown) => caught);
      expect(WorkspaceEscapeError.isInstance(error), input).toBe(true);
      expect((error as Error).message).not.toContain(outside);
    }
    const resolved = await sandbox.resolve('outdir/target.txt', 'read').catch((caught: unknown) => caught);
    expect((resolved as Error).message).toMatch(/through a symbolic link/);
    expect((resolved as Error).message).not.toContain(outside);
  });

  it('gives loops, overlong names and a replaced root a clear error, from every method', async () => {
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    for (const call of [
      () => sandbox.readFile('loop-a'),
      () => sandbox.writeFile('loop-a', 'x'),
      () => sandbox.readdir('loop-a'),
      () => sandbox.stat('loop-a/x'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'ELOOP', message: expect.stringMatching(/link loop/) });
    }
    const long = 'n'.repeat(300);
    await expect(sandbox.readFile(long)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    await expect(sandbox.writeFile(`${long}/x.txt`, 'x')).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    const error: unknown = await sandbox.readFile(long).catch((caught: unknown) => caught);
    expect((error as Error).message.length).toBeLessThan(400);
    // The root renamed away and replaced: refused, not followed.
    renameSync(root, `${root}-moved`);
    mkdirSync(root);
    await expect(sandbox.readFile('anything')).rejects.toMatchObject({ code: 'ESTALE' });
  });

  it('turns a loop, an overlong name and a permission error into error results through an agent', async () => {
    // Run as an unprivileged user (root reads everything), through the public API, in a child process.
    writeFileSync(path.join(root, 'locked.txt'), 'secret');
    chmodSync(path.join(root, 'locked.txt'), 0o000);
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    chmodSync(base, 0o755);
    chmodSync(root, 0o777);
    // Bundled into one file next to the workspace: the unprivileged user may not be able to reach the
    // project's own folder (a clone under a private directory), and needs nothing from it.
    const source = path.join(base, 'agent.mts');
    writeFileSync(source, AGENT_SCRIPT.replaceAll('ICODE_SRC', SRC));
    const script = path.join(base, 'agent.mjs');
    const { build } = await import('esbuild');
    await build({
      entryPoints: [source],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    chmodSync(script, 0o644);
    const child = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script, root],
      { cwd: base, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    const results = JSON.parse(child.stdout) as { status: string; results: Record<string, string> };
    expect(results.status).toBe('completed');
    expect(results.results['loop-a']).toMatch(/^error: .*link loop/);
    expect(results.results['n'.repeat(300)]).toMatch(/^error: .*too long/);
    expect(results.results['locked.txt']).toMatch(/^error: .*Permission denied for locked\.txt: /);
  });
});

/** The project's sources, which the bundled agent script is built from. */
const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** A scripted agent reading three troublesome paths; prints its tool results as JSON. */
const AGENT_SCRIPT = `
import { createAgent } from 'ICODE_SRC/index.ts';
import { localSandbox } from 'ICODE_SRC/sandbox/index.ts';
import { codingTools } from 'ICODE_SRC/tools/builtin/index.ts';
import { mockProvider } from 'ICODE_SRC/testing/index.ts';
const root = process.argv[2];
const paths = ['loop-a', 'n'.repeat(300), 'locked.txt'];
const sandbox = localSandbox({ root });
const agent = createAgent({
  provider: mockProvider([{ toolCalls: paths.map((file_path, i) => ({ id: 'c' + i, name: 'read', input: { file_path } })) }, { text: 'done' }]),
  tools: codingTools({ sandbox, exclude: ['web_fetch'] }),
  sandbox,
  policy: { decide: async () => ({ decision: 'allow', reason: 'the tools are under test' }) },
});
const results = {};
const run = agent.run('read them');
for await (const event of run) {
  if (event.type === 'tool-result') results[paths[Number(event.id.slice(1))]] = (event.isError ? 'error: ' : 'ok: ') + event.output;
}
process.stdout.write(JSON.stringify({ status: (await run.result).status, results }));
`;

describe('without /proc/self/fd (the portable walk)', () => {
  const portable = (): Sandbox => ({
    ...fileMethods({ ...sandboxSettings({ root }, 'test'), access: PATH_ACCESS }),
    exec: () => Promise.reject(new Error('not used')),
  });

  it('reads, writes, stats and lists inside, follows links that stay inside, refuses the rest', async () => {
    const box = portable();
    await box.writeFile('a/b.txt', 'hello');
    expect(new TextDecoder().decode(await box.readFile('a/b.txt'))).toBe('hello');
    symlinkSync('a', path.join(root, 'alias'));
    expect(new TextDecoder().decode(await box.readFile('alias/b.txt'))).toBe('hello');
    expect(await box.stat('alias')).toMatchObject({ type: 'symlink' });
    expect(await box.readdir('alias')).toEqual([{ name: 'b.txt', type: 'file' }]);
    symlinkSync(outside, path.join(root, 'out'));
    await expect(box.readFile('out/target.txt')).rejects.toThrow(WorkspaceEscapeError);
    await expect(box.writeFile('out/new.txt', 'x')).rejects.toThrow(WorkspaceEscapeError);
    expect(readdirSync(outside)).toEqual(['target.txt']);
    expect(spawnSync('mkfifo', [path.join(root, 'pipe')]).status).toBe(0);
    await expect(box.readFile('pipe')).rejects.toMatchObject({ code: 'EFTYPE' });
  });
});
