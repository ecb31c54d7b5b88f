import { execFileSync } from 'node:child_process';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { grepTool } from '../../src/tools/builtin/grep/grep.js';
import { ripgrepPath } from '../../src/tools/builtin/grep/grep-ripgrep.js';
import { call, makeWorkspace, type Workspace } from './file-tools-helpers.js';

let ws: Workspace;

/** A varied tree: ignore files at several levels, negations, hidden files, binary, CRLF, BOM, symlinks. */
const TREE: Record<string, string | Buffer> = {
  '.gitignore': '*.log\nbuild/\n/root-only.txt\n!keep.log\nnode_modules/\n',
  '.ignore': 'secret/\n',
  'root-only.txt': 'hello from root-only\n',
  'nested/root-only.txt': 'hello nested root-only\n',
  'keep.log': 'hello keep\n',
  'other.log': 'hello other\n',
  'build/out.js': 'hello build\n',
  'node_modules/pkg/index.js': 'hello dependency\n',
  'secret/key.txt': 'hello secret\n',
  'src/a.ts': 'export function hello() {\n  return "world";\n}\n// TODO: tidy\nconst x = 1;\n',
  'src/b.tsx': 'export const Hello = () => <div>hello</div>;\n',
  'src/c.js': 'module.exports = { hello: 1 };\nfoo\n   bar\n',
  'src/.hidden.ts': 'const hello = "hidden";\n',
  'src/.gitignore': 'generated/\n',
  'src/generated/g.ts': 'hello generated\n',
  'src/deep/d.ts': 'import { hello } from "../a";\nhello();\n\nfunction word() {}\nwords\n',
  'src/deep/more/e.py': 'def hello():\n    pass\n# FIXME later\n',
  'pkg/.gitignore': '!important.log\n',
  'pkg/important.log': 'hello important\n',
  'pkg/lib.rs': 'fn hello() {}\nfn Hello() {}\n',
  'pkg/main.go': 'package main\nfunc hello() {}\n',
  Makefile: 'hello:\n\techo hello\n',
  'crlf.txt': 'hello crlf\r\nsecond line\r\nhello again\r\n',
  'bom.txt': '\uFEFFhello bom\n',
  'unicode.md': 'héllo wörld\nHELLO upper\n',
  'binary.bin': Buffer.concat([Buffer.from('hello binary\n'), Buffer.from([0, 1, 2, 3])]),
  '.git/config': 'hello git\n',
  'long.txt': `${'a'.repeat(3000)} hello\n`,
};

beforeAll(async () => {
  ws = await makeWorkspace('icode-grep-');
  let stamp = Date.parse('2024-01-01T00:00:00Z');
  for (const [name, body] of Object.entries(TREE)) {
    const file = path.join(ws.dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
    stamp += 1000;
    await utimes(file, stamp / 1000, stamp / 1000);
  }
  const outside = path.join(path.dirname(ws.dir), 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'o.txt'), 'hello outside\n');
  await symlink(outside, path.join(ws.dir, 'link-dir'));
  await symlink(path.join(outside, 'o.txt'), path.join(ws.dir, 'link-file.txt'));
});
afterAll(async () => {
  await ws.cleanup();
});

const grep = (engine: 'js' | 'ripgrep', input: Record<string, unknown>): Promise<string> =>
  call(grepTool({ engine }), input, ws.ctx);

const QUERIES: Record<string, unknown>[] = [
  { pattern: 'hello' },
  { pattern: 'hello', head_limit: 0 },
  { pattern: 'hello', output_mode: 'content', head_limit: 0 },
  { pattern: 'hello', output_mode: 'count', head_limit: 0 },
  { pattern: 'hello', '-i': true, output_mode: 'count', head_limit: 0 },
  { pattern: 'HELLO', output_mode: 'content', '-n': false },
  { pattern: 'hello', glob: '*.ts' },
  { pattern: 'hello', glob: '*.{ts,tsx}', output_mode: 'content' },
  { pattern: 'hello', glob: '!src/deep/**' },
  { pattern: 'hello', glob: '*.log' },
  { pattern: 'hello', glob: 'src/**/*.ts *.py' },
  { pattern: 'hello', type: 'ts' },
  { pattern: 'hello', type: 'py' },
  { pattern: 'hello', type: 'make' },
  { pattern: 'hello', type: 'rust', '-i': true, output_mode: 'content' },
  { pattern: 'hello', path: 'src' },
  { pattern: 'hello', path: 'src/deep', output_mode: 'content', '-C': 1 },
  { pattern: 'hello', path: 'src/a.ts', output_mode: 'content', '-A': 2 },
  { pattern: 'hello', path: 'nested' },
  { pattern: 'hello', path: 'node_modules' },
  { pattern: 'hello', path: 'build', output_mode: 'content' },
  { pattern: 'hello', path: 'binary.bin', output_mode: 'content' },
  { pattern: 'hello', path: 'other.log' },
  { pattern: 'TODO|FIXME', output_mode: 'content', '-B': 1 },
  { pattern: '^export', output_mode: 'content' },
  { pattern: '\\bword\\b', output_mode: 'content' },
  { pattern: 'again$', output_mode: 'content' },
  { pattern: 'foo\\s+bar', multiline: true, output_mode: 'content' },
  { pattern: 'foo.*bar', multiline: true, output_mode: 'count' },
  { pattern: '(?i)héllo', output_mode: 'content' },
  { pattern: 'h.llo', output_mode: 'content', head_limit: 3, offset: 2 },
  { pattern: 'no-such-text-anywhere' },
  { pattern: '\\w+llo', output_mode: 'content' },
  { pattern: 'h\\Wllo|w\\wrld', output_mode: 'content' },
  { pattern: '\\bwörld\\b', output_mode: 'content' },
  { pattern: '[[:upper:]]{5}', output_mode: 'content' },
  { pattern: '[[:digit:]]+;$', output_mode: 'content' },
  { pattern: '\\d \\}|\\(\\)', output_mode: 'content' },
  { pattern: '[^\\n]+again', output_mode: 'content' },
  { pattern: '\\Ahello', output_mode: 'count' },
  { pattern: 'import\\s\\{', type: 'ts', output_mode: 'content', '-i': true },
  { pattern: 'hello', head_limit: 4, offset: 4 },
];

describe('grep: ripgrep and JavaScript engines agree', async () => {
  const rg = await ripgrepPath();
  it.runIf(rg !== undefined).each(QUERIES)('%j', async (query) => {
    const [fromRg, fromJs] = await Promise.all([grep('ripgrep', query), grep('js', query)]);
    expect(fromJs).toBe(fromRg);
  });
});

describe.each(['js', 'ripgrep'] as const)('grep (%s engine)', (engine) => {
  it('lists matching files newest first, honouring ignore files, hidden files and symlinks', async () => {
    const out = await grep(engine, { pattern: 'hello', head_limit: 0 });
    const files = out.split('\n').slice(1);
    expect(out.split('\n')[0]).toBe(`Found ${files.length} files`);
    expect(files).toEqual([
      'long.txt',
      'bom.txt',
      'crlf.txt',
      'Makefile',
      'pkg/main.go',
      'pkg/lib.rs',
      'pkg/important.log',
      'src/deep/more/e.py',
      'src/deep/d.ts',
      'src/.hidden.ts',
      'src/c.js',
      'src/b.tsx',
      'src/a.ts',
      'keep.log',
      'nested/root-only.txt',
    ]);
  });

  it('searches a directory asked for by name even when .gitignore lists it', async () => {
    expect(await grep(engine, { pattern: 'hello', path: 'node_modules' })).toBe(
      'Found 1 file\nnode_modules/pkg/index.js',
    );
    expect(await grep(engine, { pattern: 'hello', path: 'src/generated' })).toBe('Found 1 file\nsrc/generated/g.ts');
    expect(await grep(engine, { pattern: 'hello', path: 'src' })).not.toContain('generated');
  });

  it('shows content with line numbers, context and separators', async () => {
    const out = await grep(engine, { pattern: 'TODO', path: 'src', output_mode: 'content', '-C': 1 });
    expect(out).toBe(
      'Found 1 matching line in 1 file\nsrc/a.ts-3-}\nsrc/a.ts:4:// TODO: tidy\nsrc/a.ts-5-const x = 1;',
    );
    const crlf = await grep(engine, { pattern: 'crlf', output_mode: 'content' });
    expect(crlf).toBe('Found 1 matching line in 1 file\ncrlf.txt:1:hello crlf');
  });

  it('cuts very long lines and pages with head_limit and offset', async () => {
    const long = await grep(engine, { pattern: 'hello', path: 'long.txt', output_mode: 'content' });
    expect(long).toContain('… (3006 chars)');
    const page = await grep(engine, { pattern: 'hello', head_limit: 2, offset: 1 });
    expect(page).toBe(
      'Found 15 files\nbom.txt\ncrlf.txt\n(Showing entries 2-3 of 15. Continue with offset=3, or narrow the search.)',
    );
  });

  it('accepts aliases: include, outputMode, caseInsensitive', async () => {
    const out = await call(
      grepTool({ engine }),
      { pattern: 'HELLO', include: '*.rs', outputMode: 'count', caseInsensitive: true },
      ws.ctx,
    );
    expect(out).toBe('Found 2 matching lines in 1 file\npkg/lib.rs:2');
  });

  it('explains bad patterns, unknown types and missing paths', async () => {
    await expect(grep(engine, { pattern: 'foo(' })).rejects.toThrow(/grep failed|Invalid regular expression/);
    await expect(grep(engine, { pattern: 'a\\nb' })).rejects.toThrow(/only matches with multiline: true/);
    await expect(grep(engine, { pattern: 'x', type: 'klingon' })).rejects.toThrow(
      /Unknown file type "klingon"\. Known types: .*ts/,
    );
    await expect(grep(engine, { pattern: 'x', path: 'nope' })).rejects.toThrow(/nope does not exist/);
  });

  it('refuses .. and symlink escapes', async () => {
    for (const target of ['..', '../outside', 'link-dir', 'link-file.txt', '/etc']) {
      const error = await grep(engine, { pattern: 'hello', path: target }).catch((e: unknown) => e);
      expect(WorkspaceEscapeError.isInstance(error), target).toBe(true);
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      call(grepTool({ engine }), { pattern: 'hello' }, { ...ws.ctx, signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe.runIf(process.platform === 'linux')('grep with ripgrep meets a FIFO', () => {
  it('does not wait on a named pipe given by name: ripgrep is stopped and the JavaScript engine answers', async () => {
    const rg = await ripgrepPath();
    expect(rg, 'the ripgrep binary of @vscode/ripgrep').toBeDefined();
    const fifos = await makeWorkspace('icode-grep-fifo-');
    await writeFile(path.join(fifos.dir, 'a.txt'), 'hello\n');
    execFileSync('mkfifo', [path.join(fifos.dir, 'pipe')]);
    const started = performance.now();
    // ripgrep opens a file named on its command line with a blocking open: without the check, this never ends.
    const named = await call(grepTool({ engine: 'ripgrep' }), { pattern: 'hello', path: 'pipe' }, fifos.ctx).catch(
      (error: unknown) => String(error),
    );
    expect(named).toMatch(/not a regular file|FIFO|No files/);
    const tree = await call(grepTool({ engine: 'ripgrep' }), { pattern: 'hello' }, fifos.ctx);
    expect(tree).toContain('a.txt');
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
