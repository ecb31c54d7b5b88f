/**
 * W1–W5: the agent loop's own cost as users run it (default policy and store, every event consumed through
 * the iterator), each against the hand-written floor measured in the same run, warm and cold.
 *
 * The measures run in fresh plain-Node processes (`core-child.ts`, bundled first): under the TypeScript
 * loader that runs the benchmarks, every module load and dynamic import of the first run would go through the
 * loader's hooks, and its own modules would sit in the measured heap.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRows } from './import-cost.js';
import { median, table } from './stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Fresh processes per cold measure and per heap measure (each, of icode and the floor). */
const COLD_PROCESSES = 5;
const HEAP_PROCESSES = 3;

export async function bench(): Promise<void> {
  const child = await bundleChild();
  try {
    const run = <T>(args: string[], flags: string[] = []): T =>
      JSON.parse(execFileSync(process.execPath, [...flags, child.file, ...args], { cwd: root, encoding: 'utf8' })) as T;
    /** Medians over fresh processes, icode's and the floor's interleaved. */
    const fresh = (count: number, measure: (which: string) => number): [number, number] => {
      const icode: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < count; i++) {
        icode.push(measure('icode'));
        floor.push(measure('floor'));
      }
      return [median(icode), median(floor)];
    };
    const cold = (workload: string) =>
      fresh(COLD_PROCESSES, (which) => run<{ ms: number }>(['cold', workload, which]).ms);

    const rows: (string | number)[][] = [];
    const warm = run<{ w1: number[]; w2: number[]; w3: number[] }>(['warm']);
    const [i100, f100, i1000, f1000] = warm.w1 as [number, number, number, number];
    const per = (ms: number, n: number) => (ms * 1000) / (n + 1);
    rows.push(['W1 µs/step, N=100, warm', per(i100, 100), per(f100, 100), i100 / f100, '≤ 3×']);
    rows.push(['W1 µs/step, N=1000, warm', per(i1000, 1000), per(f1000, 1000), i1000 / f1000, '≤ 3×']);
    rows.push([
      'W1 growth (per step N=1000 ÷ N=100)',
      per(i1000, 1000) / per(i100, 100),
      per(f1000, 1000) / per(f100, 100),
      '',
      '≤ 1.15',
    ]);
    for (const n of [100, 1000]) {
      const [icode, floor] = cold(`w1-${n}`);
      rows.push([`W1 µs/step, N=${n}, cold`, per(icode, n), per(floor, n), icode / floor, '']);
    }

    // W2: 100,000 five-character deltas.
    const [i2, f2] = warm.w2 as [number, number];
    rows.push(['W2 deltas/s, warm', 100_000 / (i2 / 1000), 100_000 / (f2 / 1000), i2 / f2, '≤ 1.5× (time)']);
    const [c2i, c2f] = cold('w2');
    rows.push(['W2 deltas/s, cold', 100_000 / (c2i / 1000), 100_000 / (c2f / 1000), c2i / c2f, '']);

    // W3: 50 parallel tool calls of 20 ms.
    const [i3, f3] = warm.w3 as [number, number];
    rows.push(['W3 ms, 50 × 20 ms tools, warm', i3, f3, i3 / f3, '≤ 1.3×']);
    const [c3i, c3f] = cold('w3');
    rows.push(['W3 ms, 50 × 20 ms tools, cold', c3i, c3f, c3i / c3f, '']);

    rows.push(...importRows(root));

    // W5: heap after the 1,000-step run, the session kept by the default store.
    const [hi, hf] = fresh(HEAP_PROCESSES, (which) => run<{ heap: number }>(['heap', which], ['--expose-gc']).heap);
    rows.push(['W5 heap MB after 1,000 steps (default store)', hi / 2 ** 20, hf / 2 ** 20, hi / hf, '≤ 2×']);

    console.log('\n## Core loop (W1–W5): icode with its default policy and store, against a hand-written loop\n');
    console.log(table(['workload', 'icode', 'floor', 'ratio', 'target'], rows));
    console.log(
      `\nWarm: medians after warm-up rounds in one process. Cold: medians over ${COLD_PROCESSES} fresh processes of ` +
        'the first run (imports not counted). Every event is consumed through the iterator. W1 and W2 are CPU time ' +
        '(user + system, all threads of the process), which other work on the machine does not inflate; W3 is ' +
        'elapsed time (its tools wait on timers). Ratios are of times.',
    );
  } finally {
    await child.dispose();
  }
}

/**
 * `core-child.ts` bundled into one plain ES module, with the built package and zod left as imports: it lives
 * under `node_modules/.cache`, so `zod` resolves from the project.
 */
async function bundleChild(): Promise<{ file: string; dispose(): Promise<void> }> {
  const { build } = await import('esbuild');
  const cache = join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'icode-bench-core-'));
  const dist = join(root, 'dist', 'index.js');
  await build({
    entryPoints: { 'core-child': join(root, 'bench', 'core-child.ts') },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    // The two forms in chunks of their own, loaded only when measured.
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['zod'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'built-package',
        setup(pluginBuild) {
          // The workloads import the built package: keep it the package's own files, by absolute path.
          pluginBuild.onResolve({ filter: /\/dist\/index\.js$/ }, () => ({ path: dist, external: true }));
        },
      },
    ],
  });
  return { file: join(dir, 'core-child.mjs'), dispose: () => rm(dir, { recursive: true, force: true }) };
}
