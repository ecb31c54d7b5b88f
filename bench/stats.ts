/** Timing helpers for the benchmarks. */

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
): Promise<[number, number]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let started = performance.now();
    await a();
    sa.push(performance.now() - started);
    started = performance.now();
    await b();
    sb.push(performance.now() - started);
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
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < fns.length; i++) {
      const started = performance.now();
      await fns[i]!();
      samples[i]!.push(performance.now() - started);
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
