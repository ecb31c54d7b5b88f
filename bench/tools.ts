/**
 * File-tool costs against hand-written floors measured in the same run:
 * - grep over this project's `node_modules` (tens of thousands of files) through the tool with the ripgrep
 *   engine and with the JavaScript engine, vs. the ripgrep binary run directly with the same flags;
 * - edit of one line in a 10 MB file (exact and fuzzy), vs. read + `String.replace` + `fs.writeFile`;
 * - read of 2,000 lines at offset 50,000 of a 100,000-line file, vs. read + split + slice + join.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../src/model/message.js';
import { localSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/types.js';
import type { ToolContext } from '../src/tools/tool.js';
import { editTool } from '../src/tools/builtin/edit/edit.js';
import { grepTool } from '../src/tools/builtin/grep/grep.js';
import { ripgrepArgs, ripgrepPath } from '../src/tools/builtin/grep/grep-ripgrep.js';
import { readTool } from '../src/tools/builtin/files/read.js';
import { table, timeMedian, timePair } from './stats.js';

function context(sandbox: Sandbox): ToolContext {
  const state = new Map<string, JsonValue>();
  return {
    signal: new AbortController().signal,
    sessionId: 'bench',
    runId: 'bench',
    toolCallId: 'bench',
    sandbox,
    state: { get: (key) => state.get(key), set: (key, value) => void state.set(key, value) },
    onRunEnd: () => undefined,
  };
}

function runRg(rg: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function grepRows(rows: (string | number)[][]): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const modules = realpathSync(path.join(here, '..', 'node_modules'));
  const rg = await ripgrepPath();
  if (!rg) {
    rows.push(['grep node_modules', 'skipped: @vscode/ripgrep not installed', '', '']);
    return;
  }
  // The workspace is node_modules itself: the project's .gitignore would otherwise hide all of it.
  const sandbox = localSandbox({ root: modules });
  const ctx = context(sandbox);
  for (const [label, pattern, mode] of [
    ['files_with_matches "createRequire"', 'createRequire', 'files_with_matches'],
    ['content "TODO" -C 1', 'TODO', 'content'],
  ] as const) {
    const input = { pattern, output_mode: mode, '-C': mode === 'content' ? 1 : undefined };
    const query = {
      root: modules,
      target: modules,
      targetIsFile: false,
      pattern,
      ignoreCase: false,
      multiline: false,
      mode,
      before: mode === 'content' ? 1 : 0,
      after: mode === 'content' ? 1 : 0,
      globs: [],
      signal: ctx.signal,
    };
    const { args, cwd } = ripgrepArgs(query);
    const rgTool = grepTool({ engine: 'ripgrep' });
    const jsTool = grepTool({ engine: 'js' });
    const [viaRg, direct] = await timePair(
      () => Promise.resolve(rgTool.execute(rgTool.input.parse(input), ctx)),
      () => runRg(rg, args, cwd),
      5,
      1,
    );
    const viaJs = await timeMedian(() => Promise.resolve(jsTool.execute(jsTool.input.parse(input), ctx)), 3, 1);
    rows.push([`grep node_modules ${label}, ripgrep engine`, viaRg, direct, viaRg / direct]);
    rows.push([`grep node_modules ${label}, JS engine`, viaJs, direct, viaJs / direct]);
  }
}

async function fileRows(rows: (string | number)[][]): Promise<void> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'icode-bench-tools-')));
  try {
    const sandbox = localSandbox({ root });
    const ctx = context(sandbox);
    // 10 MB of code-like lines, one unique target in the middle.
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const line =
        i === 100_000
          ? '    const target = computeTheAnswer(41);'
          : `    const value${i} = compute(${i}, ${i * 7}); // line ${i}`;
      lines.push(line);
      size += line.length + 1;
    }
    const big = path.join(root, 'big.ts');
    writeFileSync(big, `${lines.join('\n')}\n`);
    const read = readTool();
    const edit = editTool();
    await read.execute(read.input.parse({ file_path: 'big.ts', limit: 1 }), ctx);
    let flip = false;
    const [exactMs, floorMs] = await timePair(
      async () => {
        flip = !flip;
        const [from, to] = flip ? ['41', '42'] : ['42', '41'];
        await edit.execute(
          edit.input.parse({
            file_path: 'big.ts',
            old_string: `computeTheAnswer(${from})`,
            new_string: `computeTheAnswer(${to})`,
          }),
          ctx,
        );
      },
      async () => {
        const text = await readFile(big, 'utf8');
        await writeFile(big, text.replace('computeTheAnswer(4', 'computeTheAnswer(4'));
      },
      5,
      1,
    );
    rows.push(['edit one line of a 10 MB file (exact match)', exactMs, floorMs, exactMs / floorMs]);
    // Fuzzy: the quote has the wrong indentation, so the exact search fails and indentation-flexible runs.
    const fuzzyMs = await timeMedian(
      async () => {
        const current = (await readFile(big, 'utf8')).includes('computeTheAnswer(41)') ? '41' : '42';
        const next = current === '41' ? '42' : '41';
        await edit.execute(
          edit.input.parse({
            file_path: 'big.ts',
            old_string: `const value99999 = compute(99999, 699993); // line 99999\nconst target = computeTheAnswer(${current});`,
            new_string: `const value99999 = compute(99999, 699993); // line 99999\nconst target = computeTheAnswer(${next});`,
          }),
          ctx,
        );
      },
      3,
      1,
    );
    rows.push(['edit one line of a 10 MB file (indentation-flexible)', fuzzyMs, floorMs, fuzzyMs / floorMs]);

    const long = path.join(root, 'long.txt');
    writeFileSync(
      long,
      `${Array.from({ length: 100_000 }, (_, i) => `line ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(2)}`).join('\n')}\n`,
    );
    const [readMs, readFloorMs] = await timePair(
      () =>
        Promise.resolve(read.execute(read.input.parse({ file_path: 'long.txt', offset: 50_000, limit: 2000 }), ctx)),
      async () => {
        const text = await readFile(long, 'utf8');
        return text.split('\n').slice(49_999, 51_999).join('\n');
      },
      10,
      2,
    );
    rows.push(['read 2,000 lines at offset 50,000 of a 100,000-line file', readMs, readFloorMs, readMs / readFloorMs]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Prints the file-tool benchmark table. */
export async function bench(): Promise<void> {
  const rows: (string | number)[][] = [];
  await grepRows(rows);
  await fileRows(rows);
  console.log('\n## Tools\n');
  console.log(table(['operation', 'icode (ms)', 'floor (ms)', 'ratio'], rows));
  console.log(
    '\nFloors: grep = the ripgrep binary with the same flags, output discarded (the tool also stats, sorts, and formats);' +
      ' edit = readFile + String.replace + writeFile in place (the tool also hashes for staleness, writes atomically with fsync, diffs);' +
      ' read = readFile + split + slice + join (the tool also checks for binary content, hashes, numbers lines).',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await bench();
