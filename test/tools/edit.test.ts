import { readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { editTool } from '../../src/tools/builtin/edit/edit.js';
import { multiEditTool } from '../../src/tools/builtin/edit/multi-edit.js';
import { readTool } from '../../src/tools/builtin/files/read.js';
import { writeTool } from '../../src/tools/builtin/files/write.js';
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
async function seed(name: string, text: string | Buffer): Promise<void> {
  await writeFile(file(name), text);
  await call(readTool(), { file_path: name }, ws.ctx);
}
const edit = (input: Record<string, unknown>): Promise<string> => call(editTool(), input, ws.ctx);

describe('edit: matching', () => {
  it('replaces a unique exact match and shows a diff', async () => {
    await seed('a.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
    const out = await edit({ file_path: 'a.ts', old_string: 'const b = 2;', new_string: 'const b = 20;' });
    expect(await contents('a.ts')).toBe('const a = 1;\nconst b = 20;\nconst c = 3;\n');
    expect(out).toContain('Edited a.ts: 1 replacement, exact match. +1 -1');
    expect(out).toContain('@@ -1,3 +1,3 @@\n const a = 1;\n-const b = 2;\n+const b = 20;\n const c = 3;');
  });

  it('accepts camelCase aliases', async () => {
    await seed('a.ts', 'x\n');
    await call(editTool(), { filePath: 'a.ts', oldString: 'x', newString: 'y', replaceAll: false }, ws.ctx);
    expect(await contents('a.ts')).toBe('y\n');
  });

  it('refuses an ambiguous match and asks for more context', async () => {
    await seed('a.ts', 'foo();\nbar();\nfoo();\n');
    await expect(edit({ file_path: 'a.ts', old_string: 'foo();', new_string: 'baz();' })).rejects.toThrow(
      /matches 2 places in a\.ts \(lines 1, 3; exact match\)\. Include more surrounding lines.*replace_all/,
    );
    expect(await contents('a.ts')).toBe('foo();\nbar();\nfoo();\n');
  });

  it('replaces every occurrence with replace_all', async () => {
    await seed('a.ts', 'foo();\nbar();\nfoo();\n');
    const out = await edit({ file_path: 'a.ts', old_string: 'foo', new_string: 'baz', replace_all: true });
    expect(await contents('a.ts')).toBe('baz();\nbar();\nbaz();\n');
    expect(out).toContain('2 replacements');
  });

  it('indentation-flexible: re-indents new_string by the same shift', async () => {
    await seed('a.py', 'class A:\n    def f(self):\n        return 1\n');
    const out = await edit({
      file_path: 'a.py',
      old_string: 'def f(self):\n    return 1',
      new_string: 'def f(self):\n    return 2',
    });
    expect(await contents('a.py')).toBe('class A:\n    def f(self):\n        return 2\n');
    expect(out).toContain('indentation-flexible match');
  });

  it('line-trimmed: tolerates trailing spaces and uneven indentation', async () => {
    await seed('a.ts', 'if (x) {  \n\tcall();\n}\n');
    const out = await edit({
      file_path: 'a.ts',
      old_string: 'if (x) {\n    call();\n}',
      new_string: 'if (y) {\n\tcall();\n}',
    });
    expect(await contents('a.ts')).toBe('if (y) {\n\tcall();\n}\n');
    expect(out).toContain('line-trimmed match');
  });

  it('whitespace-normalized: tolerates different runs of whitespace', async () => {
    await seed('a.ts', 'const   total =  a +   b;\n');
    const out = await edit({ file_path: 'a.ts', old_string: 'total = a + b;', new_string: 'total = a - b;' });
    expect(await contents('a.ts')).toBe('const   total = a - b;\n');
    expect(out).toContain('whitespace-normalized match');
  });

  it('escape-normalized: unescapes doubled escapes on both sides', async () => {
    await seed('a.ts', 'const s = "a";\nlog(s);\n');
    const out = await edit({
      file_path: 'a.ts',
      old_string: 'const s = \\"a\\";\\nlog(s);',
      new_string: 'const s = \\"b\\";\\nlog(s);',
    });
    expect(await contents('a.ts')).toBe('const s = "b";\nlog(s);\n');
    expect(out).toContain('escape-normalized match');
  });

  it('trimmed-boundary: ignores stray blank lines around the quote', async () => {
    await seed('a.ts', 'a();b();\n');
    const out = await edit({ file_path: 'a.ts', old_string: '\n\nb();\n\n', new_string: '\nc();\n' });
    expect(await contents('a.ts')).toBe('a();c();\n');
    expect(out).toContain('trimmed-boundary match');
  });

  it('block-anchor: first and last lines anchor a block whose middle drifted', async () => {
    await seed('a.ts', 'function f() {\n  const value = compute(1, 2);\n  return value * 2;\n}\n\nfunction g() {}\n');
    const out = await edit({
      file_path: 'a.ts',
      old_string: 'function f() {\n  const value = compute(1, 3);\n  return value * 2;\n}',
      new_string: 'function f() {\n  return 0;\n}',
    });
    expect(await contents('a.ts')).toBe('function f() {\n  return 0;\n}\n\nfunction g() {}\n');
    expect(out).toContain('block-anchor match');
  });

  it('block-anchor: refuses a block whose middle is too different (similarity floor)', async () => {
    await seed('a.ts', 'function f() {\n  totally different body here\n  and another unrelated line\n}\n');
    await expect(
      edit({
        file_path: 'a.ts',
        old_string: 'function f() {\n  const value = compute(1, 3);\n  return value * 2;\n}',
        new_string: 'x',
      }),
    ).rejects.toThrow(/was not found in a\.ts/);
  });

  it('a fuzzy strategy that finds several places refuses instead of guessing', async () => {
    await seed('a.ts', '  foo();  \nbar();\n\tfoo(); \n');
    await expect(edit({ file_path: 'a.ts', old_string: 'foo();\n', new_string: 'baz();\n' })).rejects.toThrow(
      /matches 2 places .*line-trimmed match/,
    );
  });

  it('reports not found, identical strings and empty old_string', async () => {
    await seed('a.ts', 'a\n');
    await expect(edit({ file_path: 'a.ts', old_string: 'zzz', new_string: 'y' })).rejects.toThrow(
      /was not found in a\.ts.*Read the file again/,
    );
    await seed('b.ts', 'first();\nconst total = computeTotal(items);\nlast();\n');
    await expect(
      edit({ file_path: 'b.ts', old_string: 'const total = computeTotals(item);\nnext();', new_string: 'x' }),
    ).rejects.toThrow('The closest line is 2: "const total = computeTotal(items);".');
    await expect(edit({ file_path: 'a.ts', old_string: 'a', new_string: 'a' })).rejects.toThrow(/identical/);
    await expect(edit({ file_path: 'a.ts', old_string: '', new_string: 'b' })).rejects.toThrow(/old_string is empty/);
  });
});

describe('edit: files', () => {
  it('preserves CRLF line endings and a UTF-8 BOM', async () => {
    await seed('w.cs', '\uFEFFclass A\r\n{\r\n    int x;\r\n}\r\n');
    await edit({ file_path: 'w.cs', old_string: '{\n    int x;\n}', new_string: '{\n    int x;\n    int y;\n}' });
    expect(await readFile(file('w.cs'))).toEqual(
      Buffer.from('\uFEFFclass A\r\n{\r\n    int x;\r\n    int y;\r\n}\r\n'),
    );
  });

  it('keeps mixed line endings as they are', async () => {
    await seed('m.txt', 'a\r\nb\nc\r\n');
    expect(await call(readTool(), { file_path: 'm.txt' }, ws.ctx)).toBe('     1\ta\n     2\tb\n     3\tc');
    await edit({ file_path: 'm.txt', old_string: 'b', new_string: 'B' });
    expect(await contents('m.txt')).toBe('a\r\nB\nc\r\n');
  });

  it('refuses to edit a file that was not read', async () => {
    await writeFile(file('a.ts'), 'x\n');
    await expect(edit({ file_path: 'a.ts', old_string: 'x', new_string: 'y' })).rejects.toThrow(
      /have not read it in this session\. Read it with the read tool first/,
    );
    expect(await contents('a.ts')).toBe('x\n');
  });

  it('refuses to edit a file changed since it was read, then works after a new read', async () => {
    await seed('a.ts', 'x\n');
    await writeFile(file('a.ts'), 'x changed\n');
    await expect(edit({ file_path: 'a.ts', old_string: 'x', new_string: 'y' })).rejects.toThrow(
      /changed since you read it.*Read it again/,
    );
    expect(await contents('a.ts')).toBe('x changed\n');
    await call(readTool(), { file_path: 'a.ts' }, ws.ctx);
    await edit({ file_path: 'a.ts', old_string: 'x changed', new_string: 'y' });
    expect(await contents('a.ts')).toBe('y\n');
  });

  it('judges staleness by content: a touch alone does not invalidate the read', async () => {
    await seed('a.ts', 'x\n');
    await utimes(file('a.ts'), new Date(), new Date(Date.now() + 60_000));
    await edit({ file_path: 'a.ts', old_string: 'x', new_string: 'y' });
    expect(await contents('a.ts')).toBe('y\n');
  });

  it('consecutive edits work without re-reading, and concurrent edits of one file both land', async () => {
    await seed('a.ts', 'one\ntwo\nthree\n');
    await edit({ file_path: 'a.ts', old_string: 'one', new_string: '1' });
    await edit({ file_path: 'a.ts', old_string: 'two', new_string: '2' });
    await Promise.all([
      edit({ file_path: 'a.ts', old_string: 'three', new_string: '3' }),
      edit({ file_path: 'a.ts', old_string: '2', new_string: 'II' }),
    ]);
    expect(await contents('a.ts')).toBe('1\nII\n3\n');
  });

  it('creates a missing file from an empty old_string, and says a missing file is missing otherwise', async () => {
    await edit({ file_path: 'new/file.ts', old_string: '', new_string: 'hello\n' });
    expect(await contents('new/file.ts')).toBe('hello\n');
    await expect(edit({ file_path: 'nope.ts', old_string: 'a', new_string: 'b' })).rejects.toThrow(
      /nope\.ts does not exist/,
    );
  });

  it('refuses binary files', async () => {
    await seed('b.txt', 'text\n');
    await writeFile(file('b.bin'), Buffer.from([1, 0, 2, 0]));
    await call(readTool(), { file_path: 'b.bin' }, ws.ctx).catch(() => undefined);
    await expect(edit({ file_path: 'b.bin', old_string: 'a', new_string: 'b' })).rejects.toThrow(
      'b.bin is a binary file; the edit tools only change text files. Replace it whole with write.',
    );
    await call(writeTool(), { file_path: 'b.bin', content: 'now text\n' }, ws.ctx);
    expect(await contents('b.bin')).toBe('now text\n');
  });

  it('refuses .. and symlink escapes', async () => {
    const outside = path.join(path.dirname(ws.dir), 'outside.txt');
    await writeFile(outside, 'x\n');
    await symlink(outside, file('link.txt'));
    for (const file_path of ['../outside.txt', 'link.txt', outside]) {
      const error = await edit({ file_path, old_string: 'x', new_string: 'y' }).catch((e: unknown) => e);
      expect(WorkspaceEscapeError.isInstance(error), file_path).toBe(true);
    }
    expect(await readFile(outside, 'utf8')).toBe('x\n');
  });
});

describe('write', () => {
  it('creates files (and directories) without a read', async () => {
    const out = await call(writeTool(), { file_path: 'd/e/new.txt', content: 'a\nb\n' }, ws.ctx);
    expect(out).toBe('Created d/e/new.txt (2 lines).');
    expect(await contents('d/e/new.txt')).toBe('a\nb\n');
  });

  it('needs a fresh read to overwrite, keeps BOM and CRLF, and returns a diff', async () => {
    await writeFile(file('w.txt'), '\uFEFFa\r\nb\r\n');
    await expect(call(writeTool(), { file_path: 'w.txt', content: 'c\n' }, ws.ctx)).rejects.toThrow(/not read it/);
    await call(readTool(), { file_path: 'w.txt' }, ws.ctx);
    const out = await call(writeTool(), { filePath: 'w.txt', content: 'a\nc\n' }, ws.ctx);
    expect(out).toContain('+1 -1');
    expect(await readFile(file('w.txt'))).toEqual(Buffer.from('\uFEFFa\r\nc\r\n'));
    await writeFile(file('w.txt'), 'someone else\n');
    await expect(call(writeTool(), { file_path: 'w.txt', content: 'x\n' }, ws.ctx)).rejects.toThrow(
      /changed since you read it/,
    );
  });

  it('refuses escapes and writing into .git', async () => {
    const outside = path.join(path.dirname(ws.dir), 'o.txt');
    await symlink(path.dirname(ws.dir), file('up'));
    for (const file_path of ['../o.txt', outside, 'up/o.txt', '.git/config']) {
      const error = await call(writeTool(), { file_path, content: 'x' }, ws.ctx).catch((e: unknown) => e);
      expect(WorkspaceEscapeError.isInstance(error), file_path).toBe(true);
    }
  });
});

describe('multi_edit', () => {
  it('applies edits in order and writes once', async () => {
    await seed('a.ts', 'let a = 1;\nlet b = 2;\n');
    const out = await call(
      multiEditTool(),
      {
        file_path: 'a.ts',
        edits: [
          { old_string: 'let a = 1;', new_string: 'let a = 10;' },
          { oldString: 'a = 10', newString: 'a = 11' },
          { old_string: 'let', new_string: 'const', replace_all: true },
        ],
      },
      ws.ctx,
    );
    expect(await contents('a.ts')).toBe('const a = 11;\nconst b = 2;\n');
    expect(out).toContain('Applied 3 edits to a.ts');
  });

  it('is atomic: one bad edit leaves the file untouched and names the edit', async () => {
    await seed('a.ts', 'let a = 1;\nlet b = 2;\n');
    await expect(
      call(
        multiEditTool(),
        {
          file_path: 'a.ts',
          edits: [
            { old_string: 'let a = 1;', new_string: 'let a = 10;' },
            { old_string: 'missing', new_string: 'x' },
          ],
        },
        ws.ctx,
      ),
    ).rejects.toThrow(/Edit 2 of 2 failed, so none was applied and a\.ts is unchanged: old_string was not found/);
    expect(await contents('a.ts')).toBe('let a = 1;\nlet b = 2;\n');
  });

  it('needs a read first', async () => {
    await writeFile(file('a.ts'), 'x\n');
    await expect(
      call(multiEditTool(), { file_path: 'a.ts', edits: [{ old_string: 'x', new_string: 'y' }] }, ws.ctx),
    ).rejects.toThrow(/not read it/);
  });
});
