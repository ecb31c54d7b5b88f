/**
 * W4: what `import 'icode'` costs: its time in a fresh process, the modules it loads, and the install size
 * of what it loads.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';

/** The W4 rows of the core table, for the built entry of the package at `root`. */
export function importRows(root: string): (string | number)[][] {
  const entry = join(root, 'dist/index.js');
  const importMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    bareMs.push(timeProcess(root, ['-e', '0']));
    importMs.push(timeProcess(root, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]));
  }
  const graph = staticGraph(entry);
  const loaded = loadedModules(root, entry);
  return [
    ['W4 import ms (minus bare node)', median(importMs) - median(bareMs), median(bareMs), '', 'no SDK, no node:*'],
    [
      'W4 modules loaded by `import "icode"`',
      graph.external.join(', ') || 'none',
      '',
      '',
      graph.forbidden.length ? `FORBIDDEN: ${graph.forbidden.join(', ')}` : 'ok',
    ],
    [
      'W4 files loaded by `import "icode"`: ours + packages\' (of which zod)',
      `${loaded.own} + ${loaded.packages} (${loaded.zod})`,
      '',
      '',
      '',
    ],
    [
      'W4 install KB (dist of the root entry + its runtime deps)',
      Math.round(graph.bytes / 1024 + depsKb(root, ['p-queue', 'eventemitter3', 'p-timeout', 'picomatch'])),
      '',
      '',
      '',
    ],
  ];
}

/** The modules `import(entry)` makes Node load: files of ours, of packages, and of zod among those. */
function loadedModules(root: string, entry: string): { own: number; packages: number; zod: number } {
  const log = join(mkdtempSync(join(tmpdir(), 'icode-bench-modules-')), 'modules.txt');
  const hooks = pathToFileURL(join(root, 'bench/module-log-hooks.mjs')).href;
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(hooks)})`;
  try {
    execFileSync(
      process.execPath,
      ['--import', register, '--input-type=module', '-e', `await import(${JSON.stringify(entry)})`],
      { cwd: root, env: { ...process.env, ICODE_BENCH_MODULE_LOG: log } },
    );
    const urls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'));
    const packages = urls.filter((url) => url.includes('/node_modules/'));
    return {
      own: urls.length - packages.length,
      packages: packages.length,
      zod: packages.filter((url) => url.includes('/node_modules/zod/')).length,
    };
  } finally {
    rmSync(dirname(log), { recursive: true, force: true });
  }
}

function timeProcess(root: string, args: string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: root });
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
  return performance.now() - started;
}

/** The modules `dist/index.js` loads statically: our chunks, and the packages they import. */
function staticGraph(entry: string): { bytes: number; external: string[]; forbidden: string[] } {
  const seen = new Set<string>();
  const external = new Set<string>();
  let bytes = 0;
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    bytes += code.length;
    for (const match of code.matchAll(
      /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm,
    )) {
      const spec = (match[1] ?? match[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else external.add(spec);
    }
  };
  visit(entry);
  const sdk =
    /^(@anthropic-ai|openai|@google|ollama|@modelcontextprotocol|better-sqlite3|pg|web-tree-sitter|tree-sitter-bash)/;
  const forbidden = [...external].filter((spec) => spec.startsWith('node:') || sdk.test(spec));
  return { bytes, external: [...external].sort(), forbidden };
}

function depsKb(root: string, names: string[]): number {
  let total = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else total += stat.size;
    }
  };
  for (const name of names) {
    try {
      walk(join(root, 'node_modules', name));
    } catch {
      // Not installed (an optional dependency of a dependency): counts as nothing.
    }
  }
  return total / 1024;
}
