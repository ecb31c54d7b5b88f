/** Helpers of the durable tests: the bundled fleet worker, files read as counters, polling. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker, type Worker } from '../stores/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles the fleet worker into one ESM file under `node_modules/.cache` (packages stay external and
 * resolve from the project), so each worker starts with plain `node`.
 */
export async function bundleFleetWorker(): Promise<{ file: string; dispose(): Promise<void> }> {
  const { build } = await import('esbuild');
  const cache = join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'icode-fleet-worker-'));
  const file = join(dir, 'fleet-worker.mjs');
  await build({
    entryPoints: [join(root, 'test', 'durable', 'fixtures', 'fleet-worker.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'silent',
  });
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a fleet worker and waits for it to be launched. */
export async function startFleetWorker(file: string, env: Record<string, string>): Promise<Worker> {
  const worker = startWorker(file, env);
  await worker.waitFor(/^ready$/, 60_000);
  return worker;
}

/** The lines of a shared file, none if it does not exist yet. */
export function linesOf(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** How many times each value occurs. */
export function countBy<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The most timestamps found in any window of `windowMs` (sliding, starting at each timestamp). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
