/**
 * The core measures, run by `core.ts` in fresh plain-Node processes (bundled first, so no TypeScript loader
 * sits between the code and the engine, as none does for users):
 *
 * - `warm`: W1–W3 after warm-up rounds, medians in ms;
 * - `cold <w1-100|w1-1000|w2|w3> <icode|floor>`: the first run of one workload in this process (imports not
 *   counted), in ms;
 * - `heap <icode|floor>`: the heap after a 1,000-step run, the result still referenced, icode's session kept
 *   by its default store as for users (needs `--expose-gc`).
 *
 * Each form is imported only when measured, so a floor process never loads icode.
 */
import type { Forms } from './floor.js';
import { cpuClock, timePair, timeRounds, wallClock } from './stats.js';

const [mode, ...args] = process.argv.slice(2);
const print = (value: unknown): boolean => process.stdout.write(JSON.stringify(value));
const forms = async (which: string | undefined): Promise<Forms> => {
  if (which === 'icode') return (await import('./workloads.js')).icodeForms;
  if (which === 'floor') return (await import('./floor.js')).floorForms;
  throw new Error(`unknown form ${which}: icode or floor`);
};

// W1 and W2 are CPU work: their CPU time is measured, which other processes on the machine do not inflate.
// W3 waits on timers: its elapsed time is what matters.
const clockOf = (workload: string): typeof wallClock => (workload.startsWith('w3') ? wallClock : cpuClock);

if (mode === 'warm') {
  const [icode, floor] = [await forms('icode'), await forms('floor')];
  // W1 at N = 100 and 1000, all four in the same rounds, so the growth figure compares like with like.
  const w1 = await timeRounds(
    [() => icode.w1(100), () => floor.w1(100), () => icode.w1(1000), () => floor.w1(1000)],
    15,
    10,
    clockOf('w1'),
  );
  const w2 = await timePair(
    () => icode.w2(100_000),
    () => floor.w2(100_000),
    7,
    3,
    clockOf('w2'),
  );
  const w3 = await timePair(
    () => icode.w3(50, 20),
    () => floor.w3(50, 20),
    15,
    3,
    clockOf('w3'),
  );
  print({ w1, w2, w3 });
} else if (mode === 'cold') {
  const [name, which] = args;
  const form = await forms(which);
  const workloads: Record<string, () => Promise<unknown>> = {
    'w1-100': () => form.w1(100),
    'w1-1000': () => form.w1(1000),
    w2: () => form.w2(100_000),
    w3: () => form.w3(50, 20),
  };
  const workload = workloads[name!];
  if (!workload) throw new Error(`unknown workload ${name}: ${Object.keys(workloads).join(', ')}`);
  const clock = clockOf(name!);
  const started = clock();
  await workload();
  print({ ms: clock() - started });
} else if (mode === 'heap') {
  const gc = (globalThis as { gc?: () => void }).gc!;
  // icode's W1 keeps the session in its default store, as for users (the bench otherwise deletes it).
  const result =
    args[0] === 'icode'
      ? await (await import('./workloads.js')).w1Icode(1000, { keepSession: true })
      : await (await forms(args[0])).w1(1000);
  gc();
  gc();
  print({ heap: process.memoryUsage().heapUsed, kept: result !== undefined });
} else {
  throw new Error('usage: core-child <warm | cold <workload> <icode|floor> | heap <icode|floor>>');
}
