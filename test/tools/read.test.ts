import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/errors/workspace-escape-error.js';
import { FILES_READ_KEY } from '../../src/tools/builtin/files/file-tracker.js';
import { readTool } from '../../src/tools/builtin/files/read.js';
import { call, makeWorkspace, type Workspace } from './file-tools-helpers.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe('read', () => {
  it('prints cat -n style lines and records the read', async () => {
    await writeFile(path.join(ws.dir, 'a.txt'), 'alpha\nbeta\n');
    const out = await call(readTool(), { file_path: 'a.txt' }, ws.ctx);
    expect(out).toBe('     1\talpha\n     2\tbeta');
    const record = ws.state.get(FILES_READ_KEY) as Record<string, { hash: string; mtimeMs: number }>;
    expect(Object.keys(record)).toEqual([path.join(ws.dir, 'a.txt')]);
    expect(record[path.join(ws.dir, 'a.txt')]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts camelCase aliases and null optionals', async () => {
    await writeFile(path.join(ws.dir, 'a.txt'), 'one\ntwo\nthree\n');
    const out = await call(readTool(), { filePath: 'a.txt', offset: 2, limit: null }, ws.ctx);
    expect(out).toBe('     2\ttwo\n     3\tthree');
    expect(readTool().inputSchema).toMatchObject({ properties: { file_path: { type: 'string' } } });
    expect(JSON.stringify(readTool().inputSchema)).not.toContain('filePath');
  });

  it('pages with offset and limit and says where to continue', async () => {
    await writeFile(path.join(ws.dir, 'n.txt'), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
    const out = await call(readTool(), { file_path: 'n.txt', offset: 3, limit: 2 }, ws.ctx);
    expect(out).toBe('     3\tline 3\n     4\tline 4\n\n(Showing lines 3-4 of 10. Continue with offset=5.)');
    await expect(call(readTool(), { file_path: 'n.txt', offset: 11 }, ws.ctx)).rejects.toThrow(
      /past the end .* 10 lines/,
    );
  });

  it('cuts long lines and caps the output bytes', async () => {
    await writeFile(path.join(ws.dir, 'long.txt'), `${'x'.repeat(5000)}\n`);
    expect(await call(readTool(), { file_path: 'long.txt' }, ws.ctx)).toContain(
      '… (line cut at 2000 of 5000 characters)',
    );
    await writeFile(path.join(ws.dir, 'big.txt'), Array.from({ length: 1500 }, () => 'y'.repeat(100)).join('\n'));
    const out = await call(readTool(), { file_path: 'big.txt' }, ws.ctx);
    expect(Buffer.byteLength(out)).toBeLessThan(52 * 1024);
    expect(out).toMatch(/Output capped at 50 KB: showing lines 1-(\d+) of 1500\. Continue with offset=\d+\./);
  });

  it('hides the BOM and CRLF line endings', async () => {
    await writeFile(path.join(ws.dir, 'w.txt'), '\uFEFFa\r\nb\r\n');
    expect(await call(readTool(), { file_path: 'w.txt' }, ws.ctx)).toBe('     1\ta\n     2\tb');
  });

  it('lists a directory', async () => {
    await mkdir(path.join(ws.dir, 'd/sub'), { recursive: true });
    await writeFile(path.join(ws.dir, 'd/f.txt'), '');
    expect(await call(readTool(), { file_path: 'd' }, ws.ctx)).toBe('d/ is a directory with 2 entries:\nf.txt\nsub/');
  });

  it('refuses binary files', async () => {
    await writeFile(path.join(ws.dir, 'b.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    await expect(call(readTool(), { file_path: 'b.bin' }, ws.ctx)).rejects.toThrow(/binary file/);
    await writeFile(
      path.join(ws.dir, 'latin1.txt'),
      Buffer.from(Array.from({ length: 200 }, (_, i) => 0x80 + (i % 100))),
    );
    await expect(call(readTool(), { file_path: 'latin1.txt' }, ws.ctx)).rejects.toThrow(/binary file/);
  });

  it('suggests near names for a missing file', async () => {
    await mkdir(path.join(ws.dir, 'src'));
    await writeFile(path.join(ws.dir, 'src/index.ts'), '');
    await writeFile(path.join(ws.dir, 'src/other.ts'), '');
    await expect(call(readTool(), { file_path: 'src/index.js' }, ws.ctx)).rejects.toThrow(
      'src/index.js does not exist. Did you mean: src/index.ts?',
    );
    await expect(call(readTool(), { file_path: 'nope/x.ts' }, ws.ctx)).rejects.toThrow(/nor does its directory nope/);
  });

  it('refuses .. and symlink escapes with WorkspaceEscapeError', async () => {
    const outside = path.join(path.dirname(ws.dir), 'secret.txt');
    await writeFile(outside, 'secret');
    await symlink(outside, path.join(ws.dir, 'link.txt'));
    await symlink(path.dirname(ws.dir), path.join(ws.dir, 'up'));
    for (const file_path of ['../secret.txt', outside, 'link.txt', 'up/secret.txt']) {
      const error = await call(readTool(), { file_path }, ws.ctx).catch((e: unknown) => e);
      expect(WorkspaceEscapeError.isInstance(error), file_path).toBe(true);
    }
  });

  it('works with an explicit root instead of ctx.sandbox', async () => {
    await writeFile(path.join(ws.dir, 'a.txt'), 'hi\n');
    const out = await call(
      readTool({ root: ws.dir }),
      { file_path: 'a.txt' },
      { ...ws.ctx, sandbox: undefined as never },
    );
    expect(out).toBe('     1\thi');
  });
});
