/**
 * The policy's boundary and path resolution, unit by unit: the kernel's order for `link/..`, dangling
 * links, failures that deny instead of throwing, additional directories, one root, and `canRead`.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { createPolicy, mergePolicyOptions, type PermissionCheck, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';

let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'icode-boundary-')));
  root = join(base, 'ws');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'sub', 'dir'), { recursive: true });
  mkdirSync(join(root, 'secrets'));
  mkdirSync(outside);
  writeFileSync(join(root, '.env'), 'x');
  writeFileSync(join(root, 'secrets', 'key.pem'), 'x');
  writeFileSync(join(root, 'a.txt'), 'x');
  writeFileSync(join(outside, 'passwd'), 'x');
  symlinkSync('sub/dir', join(root, 'link'));
  symlinkSync('../outside/created-by-write', join(root, 'dangling'));
  symlinkSync('loop', join(root, 'loop'));
  symlinkSync('secrets/key.pem', join(root, 'key-link'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const policy = (options: PolicyOptions = {}) => createPolicy({ root, ...options });
const read = (file_path: string): PermissionCheck => ({ name: 'read', input: { file_path } });
const write = (file_path: string): PermissionCheck => ({ name: 'write', input: { file_path, content: 'x' } });
const bash = (command: string): PermissionCheck => ({ name: 'bash', input: { command } });

describe('paths resolve as the kernel opens them', () => {
  it('follows a symlink before the `..` after it, with and without a sandbox', async () => {
    const sandbox = localSandbox({ root });
    for (const extra of [{}, { sandbox }]) {
      const p = policy({ deny: ['Read(./.env)'] });
      // link/.. is sub, so link/../../.env is the root's .env (lexically it would be outside).
      expect(await p.decide({ ...read('link/../../.env'), ...extra })).toMatchObject({
        decision: 'deny',
        rule: 'Read(./.env)',
      });
      expect(await p.decide({ ...bash('cat link/../../.env'), ...extra })).toMatchObject({ rule: 'Read(./.env)' });
      expect(await p.decide({ ...bash('cd link/.. && cat ../.env'), ...extra })).toMatchObject({
        rule: 'Read(./.env)',
      });
      // link/../../../outside is outside, though lexically it would be a level higher still.
      expect(await p.decide({ ...read('link/../../../outside/passwd'), ...extra })).toMatchObject({
        errorCode: 'WORKSPACE_ESCAPE',
      });
    }
  });

  it('follows a dangling symlink: a write through it lands outside', async () => {
    for (const check of [write('dangling'), bash('echo x > dangling'), bash('echo x > dangling/../../x')]) {
      expect(await policy({ mode: 'full-access' }).decide(check), JSON.stringify(check.input)).toMatchObject({
        decision: 'deny',
        errorCode: 'WORKSPACE_ESCAPE',
      });
    }
    expect((await policy().decide(write('new/dir/file.txt'))).decision).toBe('allow');
  });

  it('a symlink loop or an overlong name denies with a clear reason, never throws', async () => {
    const p = policy({ mode: 'full-access' });
    const sandbox = localSandbox({ root });
    for (const check of [read('loop/x'), write('loop'), bash('cat loop/x'), { ...read('loop/x'), sandbox }]) {
      const decision = await p.decide(check);
      expect(decision).toMatchObject({ decision: 'deny' });
      expect(decision.reason).toMatch(/symlink loop/);
    }
    const long = `${'a'.repeat(200)}/${'b'.repeat(4100)}`;
    for (const check of [read(long), bash(`cat ${long}`), { ...read(long), sandbox }])
      expect((await p.decide(check)).reason).toMatch(/too long/);
  });

  it('a malformed call denies instead of throwing', async () => {
    const p = policy();
    expect((await p.decide({ name: 42 as never, input: {} })).decision).toBe('deny');
    expect((await p.decide({ name: 'read', input: { file_path: 'a\0b' } })).decision).toBe('deny');
    expect((await p.decide({ name: 'x', input: {}, access: [null as never] })).decision).toBe('deny');
  });
});

describe('one root', () => {
  it('judges against the sandbox root; a differing policy root denies everything, saying why', async () => {
    const sandbox = localSandbox({ root });
    const p = createPolicy({ root: outside });
    const decision = await p.decide({ ...read('a.txt'), sandbox });
    expect(decision).toMatchObject({ decision: 'deny' });
    expect(decision.reason).toMatch(/is not the root the tools act on/);
    expect(await p.canRead(join(root, 'a.txt'), sandbox)).toBe(false);
    // Without a sandbox the policy root is the root.
    expect((await p.decide(read('passwd'))).decision).toBe('allow');
    expect((await p.decide(read(join(root, 'a.txt')))).errorCode).toBe('WORKSPACE_ESCAPE');
    // No root given: the sandbox's.
    expect((await createPolicy({ deny: ['Read(./a.txt)'] }).decide({ ...read('a.txt'), sandbox })).decision).toBe(
      'deny',
    );
  });
});

describe('additionalDirectories', () => {
  it('grants reads, and writes only for read-write ones and the mode', async () => {
    const granted = (mode: PolicyOptions['mode']) =>
      policy({ mode, additionalDirectories: [outside, { path: join(base, 'rw'), access: 'read-write' }] });
    for (const mode of ['read-only', 'workspace-write', 'full-access'] as const) {
      const p = granted(mode);
      expect((await p.decide(read(join(outside, 'passwd')))).decision, mode).toBe('allow');
      expect((await p.decide(bash(`cat ${outside}/passwd`))).decision, mode).toBe('allow');
      expect(await p.decide(write(join(outside, 'x'))), mode).toMatchObject({ errorCode: 'WORKSPACE_ESCAPE' });
      expect((await p.decide(write(join(base, 'rw', 'x')))).decision, mode).toBe(
        mode === 'read-only' ? 'deny' : 'allow',
      );
      expect(await p.decide(read(join(base, 'elsewhere'))), mode).toMatchObject({ errorCode: 'WORKSPACE_ESCAPE' });
    }
  });

  it('deny and ask rules and protected paths apply inside them', async () => {
    const rw = join(base, 'rw2');
    const p = policy({
      deny: ['Read(*.pem)'],
      ask: [`Edit(/${rw}/locked/**)`],
      additionalDirectories: [{ path: rw, access: 'read-write' }],
    });
    expect((await p.decide(read(join(rw, 'deep', 'k.pem')))).decision).toBe('deny');
    expect((await p.decide(write(join(rw, 'locked', 'f')))).decision).toBe('ask');
    expect((await p.decide(write(join(rw, '.git', 'config')))).decision).toBe('ask');
    expect((await p.decide(write(join(rw, 'free.txt')))).decision).toBe('allow');
  });

  it('relative entries are taken from the root, and bad entries are a ConfigError', () => {
    expect(() => createPolicy({ additionalDirectories: 'x' as never })).toThrow(ConfigError);
    expect(() => createPolicy({ additionalDirectories: [''] })).toThrow(ConfigError);
    expect(() => createPolicy({ additionalDirectories: [{ path: '/x', access: 'write' as never }] })).toThrow(
      ConfigError,
    );
    expect(() => createPolicy({ additionalDirectories: [{ access: 'read' } as never] })).toThrow(ConfigError);
    expect(
      mergePolicyOptions({ additionalDirectories: ['/a'] }, { additionalDirectories: ['/b'] }).additionalDirectories,
    ).toEqual(['/a', '/b']);
  });

  it('relative entries resolve against the root', async () => {
    const p = policy({ additionalDirectories: ['../outside'] });
    expect((await p.decide(read(join(outside, 'passwd')))).decision).toBe('allow');
  });
});

describe('hidden paths never pass a path deny rule, in any mode', () => {
  it('opaque commands, commands fed paths at run time and whole-tree reads ask in full-access', async () => {
    const p = policy({ mode: 'full-access', deny: ['Read(./.env)'] });
    for (const command of [
      'eval "cat .env"',
      'c=cat; $c .env',
      `python3 -c "open('.env')"`,
      'find . -exec cat {} +',
      'ls | xargs cat',
      'tar -czf out.tgz .',
      'zip -r out.zip .',
      'cp -r . backup',
      'rsync -a . backup',
    ]) {
      expect((await p.decide(bash(command))).decision, command).not.toBe('allow');
    }
    expect((await p.decide(bash('cp a.txt b.txt'))).decision).toBe('allow');
    expect((await p.decide(bash('npm test'))).decision).toBe('allow');
  });

  it('a write to a tree holding a file an Edit deny names is not sure to miss it', async () => {
    const p = policy({ mode: 'full-access', deny: ['Edit(./secrets/**)'] });
    expect((await p.decide(bash('rm -rf secrets'))).decision).toBe('deny');
    expect((await p.decide(bash('rm -rf .'))).decision).not.toBe('allow');
    expect((await p.decide(bash('rm -rf sub'))).decision).toBe('allow');
  });
});

describe('canRead', () => {
  it('refuses what a Read deny or ask rule covers, canonically, and what lies outside', async () => {
    const p = policy({ deny: ['Read(./secrets/**)'], ask: ['Read(./.env)'] });
    expect(await p.canRead(join(root, 'a.txt'))).toBe(true);
    expect(await p.canRead(join(root, 'secrets', 'key.pem'))).toBe(false);
    expect(await p.canRead(join(root, 'secrets'))).toBe(false);
    expect(await p.canRead(join(root, 'key-link'))).toBe(false);
    expect(await p.canRead(join(root, '.env'))).toBe(false);
    expect(await p.canRead(join(outside, 'passwd'))).toBe(false);
    expect(await p.canRead(join(root, 'loop'))).toBe(false);
    expect(await p.canRead('')).toBe(false);
    const plain = policy();
    expect(await plain.canRead(join(root, 'a.txt'))).toBe(true);
    expect(await plain.canRead(join(outside, 'passwd'))).toBe(false);
    expect(await policy({ deny: ['Read'] }).canRead(join(root, 'a.txt'))).toBe(false);
  });
});

describe('globs are judged by what they reach', () => {
  it('a glob through a workspace symlink that leads outside is refused; one reaching a denied file is denied', async () => {
    const p = policy({ mode: 'full-access', deny: ['Read(./secrets/**)'] });
    symlinkSync('../outside', join(root, 'ext'));
    try {
      for (const command of ['cat */passwd', 'cat e?t/passwd', 'cat {ext,sub}/passwd', 'ls e*/']) {
        expect(await policy({ mode: 'full-access' }).decide(bash(command)), command).toMatchObject({
          decision: 'deny',
          errorCode: 'WORKSPACE_ESCAPE',
        });
      }
      expect(await p.decide(bash('cat {a.txt,../outside/passwd}'))).toMatchObject({ errorCode: 'WORKSPACE_ESCAPE' });
      expect(await p.decide(bash('cat s*/*.pem'))).toMatchObject({ decision: 'deny', rule: 'Read(./secrets/**)' });
      expect((await p.decide(bash('cat *.txt'))).decision).toBe('allow');
      expect((await policy({ mode: 'read-only' }).decide(bash('cat su?/*'))).decision).toBe('allow');
      expect((await policy({ mode: 'read-only' }).decide(bash('cat {1..300}'))).decision).toBe('ask');
    } finally {
      rmSync(join(root, 'ext'));
    }
  });
});

describe('recursive reads that follow symlinks', () => {
  it('grep -R, rg -L and find -L read where the links below lead: outside is refused, a denied file denied', async () => {
    mkdirSync(join(root, 'tree', 'deep'), { recursive: true });
    mkdirSync(join(root, 'pub'));
    symlinkSync('../../../outside', join(root, 'tree', 'deep', 'out'));
    symlinkSync('../secrets/key.pem', join(root, 'pub', 'k'));
    try {
      const p = policy({ mode: 'read-only' });
      for (const command of ['grep -R x tree', 'grep -rR x tree', 'rg -L x tree'])
        expect(await p.decide(bash(command)), command).toMatchObject({
          decision: 'deny',
          errorCode: 'WORKSPACE_ESCAPE',
        });
      // The root holds a symlink loop: a following search of it cannot be judged, so it is refused.
      expect((await p.decide(bash('grep -R x .'))).decision).toBe('deny');
      // Without following, the search stays in the tree.
      for (const command of ['grep -r x tree', 'rg x tree', 'grep -r x .', 'grep -R x sub'])
        expect((await p.decide(bash(command))).decision, command).toBe('allow');
      const denied = policy({ mode: 'read-only', deny: ['Read(./secrets/**)'] });
      expect(await denied.decide(bash('grep -R x pub'))).toMatchObject({
        decision: 'deny',
        rule: 'Read(./secrets/**)',
      });
      expect((await denied.decide(bash('grep -r x pub'))).decision).toBe('allow');
    } finally {
      rmSync(join(root, 'pub'), { recursive: true });
      rmSync(join(root, 'tree'), { recursive: true });
    }
  });
});
