/** Timing and heap helpers for the benchmarks. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A clock in ms. */
export type Clock = () => number;

/** Elapsed time. */
export const wallClock: Clock = () => performance.now();

/**
 * CPU time of this process (user + system, all its threads: the JIT's and the collector's too). On a shared
 * machine it is what the code costs, where elapsed time also counts the time other processes had the cores.
 */
export const cpuClock: Clock = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `warmup` times untimed, then `reps` times timed; returns the median in ms. */
export async function timeMedian(fn: () => Promise<unknown>, reps: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** Times two functions interleaved (a, b, a, b…) so machine noise hits both alike; medians in ms. */
export async function timePair(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  reps: number,
  warmup = 3,
  clock: Clock = wallClock,
): Promise<[number, number]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let started = clock();
    await a();
    sa.push(clock() - started);
    started = clock();
    await b();
    sb.push(clock() - started);
  }
  return [median(sa), median(sb)];
}

/**
 * Times several functions in rounds (each once per round, in turn), so slow phases of a shared machine
 * hit them all alike; medians in ms, after `warmup` untimed rounds.
 */
export async function timeRounds(
  fns: readonly (() => Promise<unknown>)[],
  rounds: number,
  warmup: number,
  clock: Clock = wallClock,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < fns.length; i++) {
      const started = clock();
      await fns[i]!();
      samples[i]!.push(clock() - started);
    }
  }
  return samples.map(median);
}

/** Formats a markdown table. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? fmt(v) : v);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A full, forced GC: `--expose-gc` set at run time, so `npx tsx` needs no flag. */
export function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The heap after two full collections, in bytes. */
export function settledHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
