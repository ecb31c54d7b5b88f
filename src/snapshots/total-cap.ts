/**
 * The total cap of a snapshot: the disk space its files take (allocated blocks, so sparse files count what
 * they use). Past it, the largest new or changed files are left out instead of failing the take, so a
 * workspace that grew (or was grown on purpose) never locks the session out of its next turns.
 *
 * @packageDocumentation
 */
import { git, splitNul, type GitTarget } from './git-runner.js';

/** A new or changed file that fits the per-file cap. */
export interface Candidate {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  /** Whether the shadow index records it already (a change rather than a new file). */
  readonly tracked: boolean;
  /** Apparent size. */
  readonly size: number;
  /** Disk bytes: allocated blocks, at most `size`. */
  readonly disk: number;
}

/** Disk bytes the shadow index gives the recorded `paths` now (blob sizes, or the sparse ledger's figure). */
async function recordedDisk(
  target: GitTarget,
  paths: ReadonlySet<string>,
  sparse: Readonly<Record<string, number>>,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (paths.size === 0) return 0;
  const { stdout } = await git(target, { args: ['ls-files', '-s', '-z'], signal });
  const ids: string[] = [];
  const names: string[] = [];
  // Records come as "<mode> <object> <stage>\t<path>".
  for (const record of splitNul(stdout)) {
    const tab = record.indexOf('\t');
    const file = record.slice(tab + 1);
    if (!paths.has(file)) continue;
    const [mode, id] = record.slice(0, tab).split(' ');
    if (mode === '160000') continue;
    ids.push(id!);
    names.push(file);
  }
  if (ids.length === 0) return 0;
  const sizes = (
    await git(target, { args: ['cat-file', '--batch-check=%(objectsize)'], input: `${ids.join('\n')}\n`, signal })
  ).stdout
    .toString('utf8')
    .trim()
    .split('\n')
    .map(Number);
  return names.reduce((total, file, index) => total + (sparse[file] ?? sizes[index] ?? 0), 0);
}

/**
 * Splits `candidates` into those to record and those to leave out so the snapshot stays under
 * `maxTotalBytes`: nothing is left out while the newest snapshot's total plus the candidates fit; otherwise
 * what `replaced` paths (changed or removed recorded files) take now is subtracted and the largest
 * candidates are left out, one by one, until the rest fits.
 */
export async function fitUnderTotal(
  target: GitTarget,
  candidates: readonly Candidate[],
  replaced: readonly string[],
  recorded: { readonly bytes: number; readonly sparse: Readonly<Record<string, number>> },
  maxTotalBytes: number,
  signal: AbortSignal | undefined,
): Promise<{ kept: Candidate[]; left: Candidate[] }> {
  let total = recorded.bytes + candidates.reduce((sum, file) => sum + file.disk, 0);
  if (total <= maxTotalBytes) return { kept: [...candidates], left: [] };
  const changed = new Set([...replaced, ...candidates.filter((file) => file.tracked).map((file) => file.path)]);
  total -= Math.min(recorded.bytes, await recordedDisk(target, changed, recorded.sparse, signal));
  const left = new Set<Candidate>();
  const largestFirst = [...candidates].sort((a, b) => b.disk - a.disk || (a.path < b.path ? -1 : 1));
  for (const file of largestFirst) {
    if (total <= maxTotalBytes || file.disk === 0) break;
    left.add(file);
    total -= file.disk;
  }
  return { kept: candidates.filter((file) => !left.has(file)), left: [...left] };
}
