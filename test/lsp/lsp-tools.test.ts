import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceEscapeError } from '../../src/index.js';
import { lspTools, type LspToolset } from '../../src/lsp/index.js';
import type { Tool } from '../../src/tools/tool.js';
import { A_TS, B_TS, callTool, toolContext, tsProject, typescriptServer } from './helpers.js';
import { TypeScriptOracle, type Where } from './typescript-oracle.js';

const BROKEN_TS = `import { add } from './a.js';

export const wrong: string = add(1, 2);
export const missing = add(1);
`;

let project: Awaited<ReturnType<typeof tsProject>>;
let lsp: LspToolset;
let tools: readonly Tool[];
let oracle: TypeScriptOracle;

beforeAll(async () => {
  project = await tsProject({
    'a.ts': A_TS,
    'b.ts': B_TS,
    'broken.ts': BROKEN_TS,
    'uses-lib.ts': 'export const larger = Math.max(1, 2);\n',
    'notes.py': 'x = 1\n',
  });
  lsp = lspTools({ root: project.root, servers: { typescript: typescriptServer() } });
  tools = await lsp.tools();
  oracle = new TypeScriptOracle(project.root);
});

afterAll(async () => {
  await lsp?.close();
  await project?.cleanup();
});

/** The `path:line:column` positions a tool's output lists, one a line after its header line. */
function positions(output: string): Where[] {
  const body = output.split('\n').slice(1).join('\n');
  return [...body.matchAll(/^([\w./-]+\.ts):(\d+):(\d+)/gm)].map((match) => ({
    file: match[1]!,
    line: Number(match[2]),
    column: Number(match[3]),
  }));
}

const key = (where: Where): string => `${where.file}:${where.line}:${where.column}`;

describe('lspTools against typescript-language-server', () => {
  it('offers the five read-only tools, bound to the workspace', () => {
    expect(tools.map((entry) => entry.name)).toEqual([
      'lsp_diagnostics',
      'lsp_hover',
      'lsp_definition',
      'lsp_references',
      'lsp_symbols',
    ]);
    for (const entry of tools) {
      expect(entry.readOnly).toBe(true);
      expect(entry.sandbox?.root).toBe(project.root);
    }
    expect(lsp.kind).toBe('toolset');
    expect(lsp.name).toBe('lsp');
  });

  it('hovers with what TypeScript says, by line and column or by symbol name', { timeout: 120_000 }, async () => {
    const byPosition = await callTool(tools, 'lsp_hover', { file_path: 'b.ts', line: 3, column: 21 });
    expect(byPosition).toContain(oracle.hover('b.ts', 3, 21));
    const bySymbol = await callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'Counter.increment' });
    expect(bySymbol).toContain(oracle.hover('a.ts', 7, 3));
    expect(bySymbol).toMatch(/^Counter\.increment \(a\.ts:7:3\)/);
    const onLine = await callTool(tools, 'lsp_hover', { file_path: 'b.ts', line: 5, symbol: 'four' });
    expect(onLine).toContain(oracle.hover('b.ts', 5, 19));
  });

  it('finds the definition TypeScript finds, across files', { timeout: 120_000 }, async () => {
    const output = await callTool(tools, 'lsp_definition', { file_path: 'b.ts', line: 3, column: 21 });
    expect(positions(output).map(key)).toEqual(oracle.definitions('b.ts', 3, 21).map(key));
    expect(output).toContain('export function add(a: number, b: number): number {');
  });

  it('follows a definition out of the workspace into the library, and says so', { timeout: 120_000 }, async () => {
    const output = await callTool(tools, 'lsp_definition', { file_path: 'uses-lib.ts', symbol: 'max' });
    const [where] = oracle.definitions('uses-lib.ts', 1, 28);
    const shown = where!.file.slice(where!.file.lastIndexOf('node_modules/'));
    expect(output).toContain(`\n${shown}:${where!.line}:${where!.column} (outside the workspace)`);
    // Shown from `node_modules/` on: the absolute folder it lives in says nothing to the model.
    expect(output).not.toContain(where!.file.slice(0, where!.file.lastIndexOf('node_modules/')));
  });

  it('finds the references TypeScript finds', { timeout: 120_000 }, async () => {
    const output = await callTool(tools, 'lsp_references', { file_path: 'a.ts', symbol: 'add' });
    const expected = oracle.references('a.ts', 1, 17).map(key).sort();
    expect(positions(output).map(key).sort()).toEqual(expected);
    expect(output).toMatch(new RegExp(`^${expected.length} references to add`));
    // Without the declaration, one fewer.
    const uses = await callTool(tools, 'lsp_references', {
      file_path: 'a.ts',
      symbol: 'add',
      include_declaration: false,
    });
    expect(positions(uses)).toHaveLength(expected.length - 1);
  });

  it('outlines a file and searches the workspace like TypeScript does', { timeout: 120_000 }, async () => {
    const outline = await callTool(tools, 'lsp_symbols', { file_path: 'a.ts' });
    const names = [...outline.matchAll(/^\s*[a-z ]+? (\w+)(?: .*)?  \d+:\d+$/gm)].map((match) => match[1]);
    expect(names).toEqual(oracle.symbolNames('a.ts'));
    expect(outline).toContain('  method increment  7:3');

    const found = await callTool(tools, 'lsp_symbols', { query: 'Counter' });
    const declared = oracle
      .navigateTo('Counter')
      .filter((where) => !where.file.startsWith('..'))
      .map((where) => where.file);
    expect(declared.length).toBeGreaterThan(0);
    for (const file of declared) expect(found).toContain(`  ${file}:`);
    expect(found).toMatch(/class Counter {2}a\.ts:5:\d+: export class Counter \{/);

    const filtered = await callTool(tools, 'lsp_symbols', { file_path: 'a.ts', query: 'incr' });
    expect(filtered).toBe('Symbols matching "incr" in a.ts:\nmethod Counter.increment  a.ts:7:3');
  });

  it('reports the errors TypeScript reports, and none for a clean file', { timeout: 120_000 }, async () => {
    const output = await callTool(tools, 'lsp_diagnostics', { file_path: 'broken.ts' });
    const expected = oracle.errors('broken.ts');
    expect(expected.length).toBe(2);
    expect(output.split('\n')[0]).toBe('broken.ts: 2 errors');
    for (const error of expected) {
      expect(output).toContain(
        `broken.ts:${error.line}:${error.column} error TS${error.code}: ${error.message.split('\n')[0]}`,
      );
    }
    expect(await callTool(tools, 'lsp_diagnostics', { file_path: 'a.ts' })).toBe('No problems in a.ts.');
    // Without a file: every open file with problems.
    const all = await callTool(tools, 'lsp_diagnostics', {});
    expect(all).toContain('broken.ts: 2 errors');
    expect(all).not.toContain('a.ts:');
  });

  it('sees a change made on disk behind its back', { timeout: 120_000 }, async () => {
    await writeFile(path.join(project.root, 'c.ts'), "export const c: number = 'no';\n");
    expect(await callTool(tools, 'lsp_diagnostics', { file_path: 'c.ts' })).toContain('c.ts:1:14 error TS2322');
    await writeFile(path.join(project.root, 'c.ts'), 'export const c: number = 1;\n');
    expect(await callTool(tools, 'lsp_diagnostics', { file_path: 'c.ts' })).toBe('No problems in c.ts.');
  });

  it('gives a clear error for a language without a server', async () => {
    await expect(callTool(tools, 'lsp_hover', { file_path: 'notes.py', line: 1, column: 1 })).rejects.toThrow(
      'No language server handles .py files like notes.py. Configured: typescript (.ts, .tsx, .js).',
    );
  });

  it('refuses paths outside the workspace with WORKSPACE_ESCAPE', async () => {
    const attempt = callTool(tools, 'lsp_diagnostics', { file_path: '../outside.ts' });
    await expect(attempt).rejects.toSatisfy((error) => WorkspaceEscapeError.isInstance(error));
    await expect(callTool(tools, 'lsp_hover', { file_path: '/etc/hosts.ts', line: 1, column: 1 })).rejects.toThrow(
      /outside the workspace/,
    );
  });

  it('tells the model what is wrong with a position', { timeout: 120_000 }, async () => {
    await expect(callTool(tools, 'lsp_hover', { file_path: 'a.ts', line: 99, column: 1 })).rejects.toThrow(
      'line 99 is past the end of a.ts, which has 12 lines.',
    );
    await expect(callTool(tools, 'lsp_hover', { file_path: 'a.ts', symbol: 'nothingLikeThis' })).rejects.toThrow(
      'No symbol "nothingLikeThis" in a.ts.',
    );
    await expect(callTool(tools, 'lsp_hover', { file_path: 'a.ts', line: 1 })).rejects.toThrow(
      'Give column (1-based) or symbol together with line.',
    );
    await expect(callTool(tools, 'lsp_hover', { file_path: 'missing.ts', line: 1, column: 1 })).rejects.toThrow(
      'missing.ts does not exist.',
    );
  });

  it('leaves out files the policy does not let the model read', { timeout: 120_000 }, async () => {
    const sandbox = tools[0]!.sandbox!;
    const ctx = toolContext(sandbox, { canRead: async (file) => !file.endsWith(`${path.sep}b.ts`) });
    const output = await callTool(tools, 'lsp_references', { file_path: 'a.ts', symbol: 'add' }, ctx);
    const visible = oracle.references('a.ts', 1, 17).filter((where) => where.file !== 'b.ts');
    expect(positions(output).map(key).sort()).toEqual(visible.map(key).sort());
    expect(output).not.toMatch(/^b\.ts/m);
    expect(output).toMatch(new RegExp(`^${visible.length} references to add`));
  });
});
