/**
 * W1–W5: the agent loop's own cost, each against the hand-written floor measured in the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, table, timePair, timeRounds } from './stats.js';
import { w1Floor, w1Icode, w2Floor, w2Icode, w3Floor, w3Icode } from './workloads.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function bench(): Promise<void> {
  const rows: (string | number)[][] = [];

  // W1: per-step overhead, N = 100 and 1000, all four timed in the same rounds (so the growth figure
  // compares like with like). Warm-up: a long-lived service runs at its JIT's steady state.
  const [i100, f100, i1000, f1000] = (await timeRounds(
    [() => w1Icode(100), () => w1Floor(100), () => w1Icode(1000), () => w1Floor(1000)],
    15,
    10,
  )) as [number, number, number, number];
  const per = (ms: number, n: number) => (ms * 1000) / (n + 1);
  rows.push(['W1 µs/step, N=100', per(i100, 100), per(f100, 100), per(i100, 100) / per(f100, 100), '≤ 3×']);
  rows.push(['W1 µs/step, N=1000', per(i1000, 1000), per(f1000, 1000), per(i1000, 1000) / per(f1000, 1000), '≤ 3×']);
  rows.push([
    'W1 growth (per step N=1000 ÷ N=100)',
    per(i1000, 1000) / per(i100, 100),
    per(f1000, 1000) / per(f100, 100),
    '',
    '≤ 1.15',
  ]);

  // W2: 100,000 five-character deltas.
  const [i2, f2] = await timePair(
    () => w2Icode(100_000),
    () => w2Floor(100_000),
    7,
  );
  rows.push(['W2 deltas/s', 100_000 / (i2 / 1000), 100_000 / (f2 / 1000), i2 / f2, '≤ 2× (time)']);

  // W3: 50 parallel tool calls of 20 ms.
  const [i3, f3] = await timePair(
    () => w3Icode(50, 20),
    () => w3Floor(50, 20),
    15,
  );
  rows.push(['W3 ms, 50 × 20 ms tools', i3, f3, i3 / f3, '≤ 1.3×']);

  // W4: cold import of the built package, against a bare `node -e 0`.
  const entry = join(root, 'dist/index.js');
  const importMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    bareMs.push(timeProcess(['-e', '0']));
    importMs.push(timeProcess(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]));
  }
  const graph = staticGraph(entry);
  rows.push([
    'W4 import ms (minus bare node)',
    median(importMs) - median(bareMs),
    median(bareMs),
    '',
    'no SDK, no node:*',
  ]);
  rows.push([
    'W4 modules loaded by `import "icode"`',
    graph.external.join(', ') || 'none',
    '',
    '',
    graph.forbidden.length ? `FORBIDDEN: ${graph.forbidden.join(', ')}` : 'ok',
  ]);
  rows.push([
    'W4 install KB (dist of the root entry + its runtime deps)',
    Math.round(graph.bytes / 1024 + depsKb(['p-queue', 'eventemitter3', 'p-timeout'])),
    '',
    '',
    '',
  ]);

  // W5: heap after the 1,000-step run, fresh processes.
  const w5 = (which: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench/w5-child.ts'), which], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as { heap: number; rss: number };
  const heaps = { icode: [] as number[], floor: [] as number[] };
  for (let i = 0; i < 3; i++) {
    heaps.icode.push(w5('icode').heap);
    heaps.floor.push(w5('floor').heap);
  }
  const hi = median(heaps.icode) / 2 ** 20;
  const hf = median(heaps.floor) / 2 ** 20;
  rows.push(['W5 heap MB after 1,000 steps', hi, hf, hi / hf, '≤ 2×']);

  console.log('\n## Core loop (W1–W5): icode against a hand-written loop\n');
  console.log(table(['workload', 'icode', 'floor', 'ratio', 'target'], rows));
}

function timeProcess(args: string[]): number {
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

function depsKb(names: string[]): number {
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
