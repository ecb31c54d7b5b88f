import { readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { applyPatchTool } from '../../src/tools/builtin/patch/apply-patch.js';
import { editTool } from '../../src/tools/builtin/edit/edit.js';
import { parsePatch } from '../../src/tools/builtin/patch/patch-parser.js';
import { call, makeWorkspace, type Workspace } from './file-tools-helpers.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

const file = (name: string): string => path.join(ws.dir, name);
const contents = (name: string): Promise<string> => readFile(file(name), 'utf8');
const exists = (name: string): Promise<boolean> =>
  stat(file(name)).then(
    () => true,
    () => false,
  );
const patch = (...lines: string[]): string => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');
const apply = (text: string, key = 'patch'): Promise<string> => call(applyPatchTool(), { [key]: text }, ws.ctx);

describe('apply_patch', () => {
  it('adds, updates, deletes and moves files in one patch', async () => {
    await writeFile(file('a.ts'), 'function a() {\n  return 1;\n}\n\nfunction b() {\n  return 2;\n}\n');
    await writeFile(file('old.ts'), 'export const x = 1;\n');
    await writeFile(file('gone.ts'), 'bye\n');
    const out = await apply(
      patch(
        '*** Add File: src/new.ts',
        '+export const n = 1;',
        '+',
        '*** Update File: a.ts',
        '@@ function b() {',
        '-  return 2;',
        '+  return 3;',
        '*** Update File: old.ts',
        '*** Move to: lib/renamed.ts',
        '@@',
        '-export const x = 1;',
        '+export const x = 2;',
        '*** Delete File: gone.ts',
      ),
    );
    expect(await contents('src/new.ts')).toBe('export const n = 1;\n\n');
    expect(await contents('a.ts')).toBe('function a() {\n  return 1;\n}\n\nfunction b() {\n  return 3;\n}\n');
    expect(await contents('lib/renamed.ts')).toBe('export const x = 2;\n');
    expect(await exists('old.ts')).toBe(false);
    expect(await exists('gone.ts')).toBe(false);
    expect(out).toContain(
      'Success. Updated the following files:\nA src/new.ts\nM a.ts\nM old.ts -> lib/renamed.ts\nD gone.ts',
    );
    expect(out).toContain('-  return 2;\n+  return 3;');
  });

  it('verifies every hunk first: a bad hunk writes nothing and names the file and change', async () => {
    await writeFile(file('a.ts'), 'one\ntwo\nthree\n');
    await writeFile(file('b.ts'), 'alpha\nbeta\n');
    const error = await apply(
      patch(
        '*** Add File: c.ts',
        '+new',
        '*** Update File: a.ts',
        '@@',
        '-two',
        '+2',
        '*** Update File: b.ts',
        '@@',
        ' alpha',
        '-gamma',
        '+delta',
        '*** Delete File: a.ts',
      ),
    ).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /^apply_patch verification failed: "b\.ts", change 1: could not find these lines:\nalpha\ngamma\n/,
    );
    expect(error.message).toContain('Nothing was written.');
    expect(await contents('a.ts')).toBe('one\ntwo\nthree\n');
    expect(await exists('c.ts')).toBe(false);
  });

  it('renames a file with a bare *** Move to:', async () => {
    await writeFile(file('a.ts'), '\uFEFFx\r\n');
    await apply(patch('*** Update File: a.ts', '*** Move to: sub/b.ts'));
    expect(await exists('a.ts')).toBe(false);
    expect(await readFile(file('sub/b.ts'))).toEqual(Buffer.from('\uFEFFx\r\n'));
  });

  it('refuses adding an existing file, updating or deleting a missing one', async () => {
    await writeFile(file('a.ts'), 'x\n');
    await expect(apply(patch('*** Add File: a.ts', '+y'))).rejects.toThrow(/a\.ts already exists.*Update File/);
    await expect(apply(patch('*** Update File: nope.ts', '@@', '-x', '+y'))).rejects.toThrow(
      /nope\.ts does not exist.*Add File/,
    );
    await expect(apply(patch('*** Delete File: nope.ts'))).rejects.toThrow(/nope\.ts does not exist/);
    await expect(apply(patch('*** Update File: a.ts', '*** Move to: a.ts', '@@', '-x', '+y'))).resolves.toContain(
      'M a.ts -> a.ts',
    );
    await writeFile(file('b.ts'), 'b\n');
    await expect(apply(patch('*** Update File: a.ts', '*** Move to: b.ts', '@@', '-y', '+z'))).rejects.toThrow(
      /cannot move a\.ts to b\.ts: it already exists/,
    );
  });

  it('matches context loosely (trailing whitespace, indentation, typographic punctuation)', async () => {
    await writeFile(file('a.md'), 'Title  \n    indented\nIt\u2019s \u201Cquoted\u201D \u2014 here\nend\n');
    await apply(
      patch('*** Update File: a.md', '@@', ' Title', ' indented', '-It\'s "quoted" - here', '+replaced', ' end'),
    );
    expect(await contents('a.md')).toBe('Title  \n    indented\nreplaced\nend\n');
  });

  it('keeps CRLF and BOM, honours *** End of File, and accepts the input alias and a heredoc wrapper', async () => {
    await writeFile(file('w.txt'), '\uFEFFa\r\nb\r\na\r\n');
    await apply(
      ["apply_patch <<'EOF'", patch('*** Update File: w.txt', '@@', '-a', '+z', '*** End of File'), 'EOF'].join('\n'),
      'input',
    );
    expect(await readFile(file('w.txt'))).toEqual(Buffer.from('\uFEFFa\r\nb\r\nz\r\n'));
  });

  it('arms edit for the files it wrote', async () => {
    await apply(patch('*** Add File: a.ts', '+const a = 1;'));
    await call(editTool(), { file_path: 'a.ts', old_string: 'const a = 1;', new_string: 'const a = 2;' }, ws.ctx);
    expect(await contents('a.ts')).toBe('const a = 2;\n');
  });

  it('access lists every path of the patch, and the files it reads (updated, moved and their destination)', () => {
    const tool = applyPatchTool();
    const text = patch(
      '*** Add File: x.ts',
      '+1',
      '*** Update File: y.ts',
      '*** Move to: z.ts',
      '@@',
      '-a',
      '+b',
      '*** Delete File: w.ts',
    );
    expect(tool.access?.(tool.input.parse({ patch: text }))).toEqual([
      { kind: 'write', path: 'x.ts' },
      { kind: 'read', path: 'y.ts' },
      { kind: 'write', path: 'y.ts' },
      { kind: 'read', path: 'z.ts' },
      { kind: 'write', path: 'z.ts' },
      { kind: 'write', path: 'w.ts' },
    ]);
    expect(tool.access?.(tool.input.parse({ patch: 'garbage' }))).toEqual([{ kind: 'write', path: '.' }]);
  });

  it('refuses a path outside the workspace before writing anything', async () => {
    const outside = path.join(path.dirname(ws.dir), 'o.txt');
    await symlink(path.dirname(ws.dir), file('up'));
    for (const target of ['../o.txt', outside, 'up/o.txt']) {
      const error = await apply(patch('*** Add File: inside.txt', '+x', `*** Add File: ${target}`, '+x')).catch(
        (e: unknown) => e,
      );
      expect(WorkspaceEscapeError.isInstance(error), target).toBe(true);
      expect(await exists('inside.txt')).toBe(false);
    }
  });

  it('reports malformed patches with the line', async () => {
    await expect(apply('*** Update File: a.ts')).rejects.toThrow(/first line must be "\*\*\* Begin Patch"/);
    await expect(apply(patch('*** Add File: a.ts', 'no plus'))).rejects.toThrow(
      /line 3: every line of "\*\*\* Add File: a\.ts" must start with "\+"/,
    );
    await expect(apply(patch('*** Frobnicate: a.ts'))).rejects.toThrow(/line 2: expected "\*\*\* Add File:"/);
    await expect(apply(patch())).rejects.toThrow(/changes no files/);
    expect(() => parsePatch(patch('*** Update File: a.ts', '@@', ' a', 'x'))).toThrow(
      /line 5: a change line must start with/,
    );
  });
});
