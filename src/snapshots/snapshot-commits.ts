/**
 * Snapshot commits in the shadow repository: the ref that chains them, the metadata their messages carry,
 * and the byte total each records.
 *
 * @packageDocumentation
 */
import { git, splitNul, type GitTarget } from './git-runner.js';
import { SnapshotError } from './snapshot-error.js';
import type { SkippedPath } from './snapshot-types.js';

/** The ref that keeps every snapshot reachable, newest first along its parents. */
export const HEAD_REF = 'refs/icode/snapshots';

/** What each snapshot commit's message carries after its title line. */
export interface SnapshotMeta {
  readonly version: 1;
  /** Bytes of file content (blob sizes) the snapshot holds. */
  readonly bytes: number;
  readonly skipped: readonly SkippedPath[];
}

/** A snapshot commit: its id, tree and metadata (absent if the message is not ours). */
export interface Head {
  readonly id: string;
  readonly tree: string;
  readonly meta: SnapshotMeta | undefined;
}

function parseMeta(message: string): SnapshotMeta | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const meta = JSON.parse(message.slice(start)) as SnapshotMeta;
    return meta.version === 1 && typeof meta.bytes === 'number' && Array.isArray(meta.skipped) ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Parses `git cat-file commit` output: the tree and the message. */
export function parseCommit(id: string, body: string): Head {
  const tree = /^tree ([0-9a-f]+)$/m.exec(body)?.[1];
  if (!tree) throw new SnapshotError('git-failed', `Snapshot ${id} is not a readable commit.`);
  const blank = body.indexOf('\n\n');
  return { id, tree, meta: blank < 0 ? undefined : parseMeta(body.slice(blank + 2)) };
}

/** The newest snapshot on {@link HEAD_REF}, or `undefined` before the first. */
export async function readHead(target: GitTarget, signal: AbortSignal | undefined): Promise<Head | undefined> {
  const { stdout } = await git(target, { args: ['cat-file', '--batch'], input: `${HEAD_REF}\n`, signal });
  const newline = stdout.indexOf(0x0a);
  const header = /^([0-9a-f]+) commit (\d+)$/.exec(stdout.subarray(0, Math.max(newline, 0)).toString('utf8'));
  if (!header) return undefined;
  // The size is in bytes, and the message may hold non-ASCII paths: cut the buffer, then decode.
  const body = stdout.subarray(newline + 1, newline + 1 + Number(header[2])).toString('utf8');
  return parseCommit(header[1]!, body);
}

/** Blob sizes by object id, in order, through one `cat-file --batch-check`. */
async function blobSizes(
  target: GitTarget,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<number[]> {
  if (ids.length === 0) return [];
  const { stdout } = await git(target, {
    args: ['cat-file', '--batch-check=%(objectsize)'],
    input: `${ids.join('\n')}\n`,
    signal,
  });
  return stdout.toString('utf8').trim().split('\n').map(Number);
}

/** Bytes of file content in `tree`: the parent's figure plus the sizes of what changed since. */
export async function treeBytes(
  target: GitTarget,
  tree: string,
  parent: Head | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (!parent?.meta) {
    const { stdout } = await git(target, { args: ['ls-tree', '-r', '-l', '-z', tree], signal });
    let total = 0;
    for (const record of splitNul(stdout)) {
      const size = Number(record.split('\t', 1)[0]!.trim().split(/\s+/)[3]);
      if (Number.isFinite(size)) total += size;
    }
    return total;
  }
  const { stdout } = await git(target, {
    args: ['diff-tree', '-r', '-z', '--no-renames', parent.tree, tree],
    signal,
  });
  const fields = splitNul(stdout);
  const added: string[] = [];
  const removed: string[] = [];
  // Raw records come as ":<old mode> <new mode> <old id> <new id> <status>" then the path.
  for (let i = 0; i < fields.length; i += 2) {
    const [oldMode, newMode, oldId, newId] = fields[i]!.slice(1).split(' ');
    if (oldMode !== '000000' && oldMode !== '160000') removed.push(oldId!);
    if (newMode !== '000000' && newMode !== '160000') added.push(newId!);
  }
  const sizes = await blobSizes(target, [...added, ...removed], signal);
  let total = parent.meta.bytes;
  sizes.forEach((size, index) => (total += index < added.length ? size : -size));
  return total;
}
