import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { globTool } from '../../src/tools/builtin/files/glob.js';
import { listTool } from '../../src/tools/builtin/files/list.js';
import { call, makeWorkspace, type Workspace } from './file-tools-helpers.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('icode-glob-');
});
afterEach(async () => {
  await ws.cleanup();
});

async function put(files: Record<string, string>): Promise<void> {
  let stamp = Date.parse('2024-01-01T00:00:00Z') / 1000;
  for (const [name, body] of Object.entries(files)) {
    const file = path.join(ws.dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    await utimes(file, stamp, stamp);
    stamp += 10;
  }
}

describe('glob', () => {
  it('lists matches newest first, honouring .gitignore and skipping .git', async () => {
    await put({
      '.gitignore': 'dist/\n*.gen.ts\n',
      'src/old.ts': '',
      'src/a.gen.ts': '',
      'dist/out.ts': '',
      '.git/x.ts': '',
      'src/deep/new.ts': '',
      'src/.hidden.ts': '',
      'README.md': '',
    });
    expect(await call(globTool(), { pattern: '**/*.ts' }, ws.ctx)).toBe('src/.hidden.ts\nsrc/deep/new.ts\nsrc/old.ts');
    expect(await call(globTool(), { pattern: '*.ts', path: 'src' }, ws.ctx)).toBe('src/.hidden.ts\nsrc/old.ts');
    expect(await call(globTool(), { pattern: 'src/**/*.{ts,md}' }, ws.ctx)).toBe(
      'src/.hidden.ts\nsrc/deep/new.ts\nsrc/old.ts',
    );
    expect(await call(globTool(), { pattern: './src/*.ts' }, ws.ctx)).toBe('src/.hidden.ts\nsrc/old.ts');
    expect(await call(globTool(), { pattern: `${ws.dir}/src/deep/*.ts` }, ws.ctx)).toBe('src/deep/new.ts');
    expect(await call(globTool(), { pattern: '*.ts' }, ws.ctx)).toBe(
      'No files found matching *.ts. Patterns match paths relative to .; use "**/*.ts" to search subdirectories too.',
    );
  });

  it('caps the list and says how many more', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`f/${String(i).padStart(3, '0')}.txt`] = '';
    await put(files);
    const out = (await call(globTool(), { pattern: '**/*.txt' }, ws.ctx)).split('\n');
    expect(out).toHaveLength(101);
    expect(out[0]).toBe('f/119.txt');
    expect(out[99]).toBe('f/020.txt');
    expect(out[100]).toBe('(20 more files not shown: 120 in all. Use a narrower pattern or path.)');
    expect(await call(globTool({ maxResults: 2 }), { pattern: 'f/00[0-4].txt' }, ws.ctx)).toBe(
      'f/004.txt\nf/003.txt\n(3 more files not shown: 5 in all. Use a narrower pattern or path.)',
    );
  });

  it('does not follow symlinks and refuses escapes', async () => {
    const outside = path.join(path.dirname(ws.dir), 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.ts'), '');
    await symlink(outside, path.join(ws.dir, 'link'));
    await symlink(path.join(outside, 'secret.ts'), path.join(ws.dir, 'file-link.ts'));
    expect(await call(globTool(), { pattern: '**/*.ts' }, ws.ctx)).toMatch(/^No files found/);
    for (const input of [
      { pattern: '*.ts', path: '..' },
      { pattern: '*.ts', path: 'link' },
      { pattern: '../outside/*.ts' },
      { pattern: 'link/*.ts' },
    ]) {
      const error = await call(globTool(), input, ws.ctx).catch((e: unknown) => e);
      expect(WorkspaceEscapeError.isInstance(error), JSON.stringify(input)).toBe(true);
    }
  });
});

describe('list', () => {
  it('draws a tree, directories first, skipping .git, node_modules, gitignored and asked-for paths', async () => {
    await put({
      '.gitignore': 'tmp/\n',
      'b.txt': '',
      'a/x.ts': '',
      'a/y.map': '',
      'a/z/deep.ts': '',
      'node_modules/m/index.js': '',
      '.git/HEAD': '',
      'tmp/t': '',
    });
    await symlink('/etc', path.join(ws.dir, 'etc-link'));
    expect(await call(listTool(), { ignore: ['*.map'] }, ws.ctx)).toBe(
      ['./', '  a/', '    z/', '      deep.ts', '    x.ts', '  .gitignore', '  b.txt', '  etc-link@'].join('\n'),
    );
    expect(await call(listTool(), { path: 'a/z' }, ws.ctx)).toBe('a/z/\n  deep.ts');
  });

  it('caps breadth first', async () => {
    await put({ 'a/1/deep.txt': '', 'a/2.txt': '', 'b.txt': '', 'c.txt': '' });
    expect(await call(listTool({ maxEntries: 3 }), {}, ws.ctx)).toBe(
      './\n  a/\n  b.txt\n  c.txt\n(Listing capped at 3 entries; deeper levels are cut. List a subdirectory, or use glob, to see more.)',
    );
  });

  it('explains a file or a missing path and refuses escapes', async () => {
    await put({ 'f.txt': '' });
    await expect(call(listTool(), { path: 'f.txt' }, ws.ctx)).rejects.toThrow(/is a file, not a directory/);
    await expect(call(listTool(), { path: 'nope' }, ws.ctx)).rejects.toThrow(/does not exist/);
    const error = await call(listTool(), { path: '..' }, ws.ctx).catch((e: unknown) => e);
    expect(WorkspaceEscapeError.isInstance(error)).toBe(true);
  });
});
