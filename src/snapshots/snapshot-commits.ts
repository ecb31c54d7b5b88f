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
  readonly version: 1 | 2;
  /** Disk bytes (allocated blocks, at most the size) of the files the snapshot holds; version 1 counted
   *  blob sizes, which is never less. */
  readonly bytes: number;
  readonly skipped: readonly SkippedPath[];
  /** Version 2: disk bytes of the recorded files that take less than their size (sparse files), by path.
   *  A recorded file not listed takes its size. */
  readonly sparse?: Readonly<Record<string, number>>;
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
    const known = meta.version === 1 || meta.version === 2;
    const sparse = meta.sparse === undefined || (typeof meta.sparse === 'object' && meta.sparse !== null);
    return known && sparse && typeof meta.bytes === 'number' && Array.isArray(meta.skipped) ? meta : undefined;
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

/** What a tree's files take on disk, and the ledger of its sparse files. */
export interface TreeBytes {
  readonly bytes: number;
  readonly sparse: Record<string, number>;
}

/** Disk bytes of the files in a tree with no recorded parent figure: every blob's size, or its ledger entry. */
async function wholeTreeBytes(
  target: GitTarget,
  tree: string,
  added: ReadonlyMap<string, number>,
  signal: AbortSignal | undefined,
): Promise<TreeBytes> {
  const { stdout } = await git(target, { args: ['ls-tree', '-r', '-l', '-z', tree], signal });
  let bytes = 0;
  const sparse: Record<string, number> = {};
  // Records come as "<mode> <type> <object> <size>\t<path>".
  for (const record of splitNul(stdout)) {
    const tab = record.indexOf('\t');
    const file = record.slice(tab + 1);
    const size = Number(record.slice(0, tab).trim().split(/\s+/)[3]);
    const disk = added.get(file);
    if (disk !== undefined) sparse[file] = disk;
    if (Number.isFinite(size)) bytes += disk ?? size;
  }
  return { bytes, sparse };
}

/**
 * Disk bytes of the files in `tree`: the parent's figure plus what changed since, each file counted by its
 * blob size unless the sparse ledger (the parent's, or `added` for files staged now) says less.
 */
export async function treeBytes(
  target: GitTarget,
  tree: string,
  parent: Head | undefined,
  added: ReadonlyMap<string, number>,
  signal: AbortSignal | undefined,
): Promise<TreeBytes> {
  if (!parent?.meta) return wholeTreeBytes(target, tree, added, signal);
  const { stdout } = await git(target, {
    args: ['diff-tree', '-r', '-z', '--no-renames', parent.tree, tree],
    signal,
  });
  const fields = splitNul(stdout);
  const sparse: Record<string, number> = { ...parent.meta.sparse };
  const ids: string[] = [];
  const counts: { readonly sign: 1 | -1; readonly ledger: number | undefined }[] = [];
  // Raw records come as ":<old mode> <new mode> <old id> <new id> <status>" then the path.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldId, newId] = fields[i]!.slice(1).split(' ');
    const file = fields[i + 1]!;
    if (oldMode !== '000000' && oldMode !== '160000') {
      ids.push(oldId!);
      counts.push({ sign: -1, ledger: parent.meta.sparse?.[file] });
    }
    delete sparse[file];
    if (newMode !== '000000' && newMode !== '160000') {
      const disk = added.get(file);
      if (disk !== undefined) sparse[file] = disk;
      ids.push(newId!);
      counts.push({ sign: 1, ledger: disk });
    }
  }
  const sizes = await blobSizes(target, ids, signal);
  let bytes = parent.meta.bytes;
  counts.forEach(({ sign, ledger }, index) => (bytes += sign * (ledger ?? sizes[index]!)));
  return { bytes: Math.max(0, bytes), sparse };
}
