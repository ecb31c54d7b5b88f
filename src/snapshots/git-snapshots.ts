/**
 * Workspace snapshots in a shadow git repository: the user's own `.git`, index and configuration are never
 * read for state nor written.
 *
 * @packageDocumentation
 */
import { realpathSync, statSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { abortReason } from '../internal/abort.js';
import { git, splitNul, type GitTarget } from './git-runner.js';
import { defaultSnapshotDir, excludeFile, prepareRepo } from './shadow-repo.js';
import { findRestoreConflicts, type TreeChange } from './restore-conflicts.js';
import { SnapshotError } from './snapshot-error.js';
import { withSnapshotLock } from './snapshot-lock.js';

/** Files larger than this are left out of snapshots unless `maxFileBytes` says otherwise (10 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A snapshot may hold at most this many bytes of files unless `maxTotalBytes` says otherwise (1 GiB). */
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/** Options of {@link gitSnapshots}. */
export interface GitSnapshotsOptions {
  /** The workspace directory. It must exist; symlinks in it are resolved once, here. */
  readonly root: string;
  /** The shadow repository; default {@link defaultSnapshotDir} of the canonical root. */
  readonly dir?: string;
  /** More paths to leave out, in `.gitignore` syntax (one pattern each), on top of `.git/`,
   *  `node_modules/` and what the workspace's own `.gitignore` files ignore. */
  readonly exclude?: readonly string[];
  /** Files larger than this are not recorded, and restores leave them alone. Default 10 MiB. */
  readonly maxFileBytes?: number;
  /** A `take` whose snapshot would hold more bytes of files than this fails with a `too-large`
   *  {@link SnapshotError}. Default 1 GiB; `Infinity` for no cap. */
  readonly maxTotalBytes?: number;
}

/** A path a snapshot did not record, and why. */
export interface SkippedPath {
  /** Relative to the root, with `/` separators; a nested repository's ends in `/`. */
  readonly path: string;
  /** `too-large`: over `maxFileBytes`. `nested-repository`: a directory with its own `.git`, whose files
   *  belong to that repository. */
  readonly reason: 'too-large' | 'nested-repository';
  /** The file's size, for `too-large`. */
  readonly bytes?: number;
}

/** One path that differs between a snapshot and the workspace. */
export interface SnapshotChange {
  /** Relative to the root, with `/` separators. */
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

/**
 * Snapshots of one workspace directory, to put its files back as they were.
 *
 * @example
 * ```ts
 * const snapshots = gitSnapshots({ root });
 * const before = await snapshots.take();
 * await run(agent);                                  // edits files, runs bash
 * console.log(await snapshots.changes(before));     // [{ path: 'src/a.ts', status: 'modified' }, …]
 * await snapshots.restore(before);                   // every recorded file as it was
 * ```
 */
export interface WorkspaceSnapshots {
  /** The canonical workspace root. */
  readonly root: string;
  /** The shadow repository that holds the snapshots. */
  readonly dir: string;
  /** Records the workspace's files as they are now; returns the snapshot id (a commit hash). Taking an
   *  unchanged workspace again returns the same id. */
  take(options?: { signal?: AbortSignal }): Promise<string>;
  /** Makes the workspace byte-identical to the snapshot for every path it recorded: changed files restored,
   *  files created since deleted, deleted files recreated, modes and symlinks as they were. Ignored and
   *  excluded paths, and files over `maxFileBytes`, are left alone. The state before the restore is taken as
   *  a snapshot first and its id returned, so a restore can itself be undone. */
  restore(snapshotId: string, options?: { signal?: AbortSignal }): Promise<string>;
  /** Paths that differ between the snapshot and the workspace now (added, modified, deleted), sorted. */
  changes(snapshotId: string, options?: { signal?: AbortSignal }): Promise<SnapshotChange[]>;
  /** The paths a snapshot left out (files over `maxFileBytes`, nested repositories). */
  skipped(snapshotId: string): Promise<SkippedPath[]>;
}

/** The ref that keeps every snapshot reachable, newest first along its parents. */
const HEAD_REF = 'refs/icode/snapshots';

/** What each snapshot commit's message carries after its title line. */
interface SnapshotMeta {
  readonly version: 1;
  /** Bytes of file content (blob sizes) the snapshot holds. */
  readonly bytes: number;
  readonly skipped: readonly SkippedPath[];
}

interface Head {
  readonly id: string;
  readonly tree: string;
  readonly meta: SnapshotMeta | undefined;
}

/** The workspace recorded in the shadow index. */
interface Staged {
  readonly tree: string;
  readonly skipped: SkippedPath[];
}

const SNAPSHOT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function checkByteCap(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ConfigError(
      `gitSnapshots: ${name} must be a positive number of bytes (or Infinity), got ${String(value)}.`,
    );
  }
  return value;
}

function canonicalRoot(root: string): string {
  let canonical: string;
  try {
    canonical = realpathSync(path.resolve(root));
  } catch (error) {
    throw new ConfigError(`gitSnapshots: the workspace root ${root} does not exist.`, { cause: error });
  }
  if (!statSync(canonical).isDirectory())
    throw new ConfigError(`gitSnapshots: the workspace root ${root} is not a directory.`);
  return canonical;
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
function parseCommit(id: string, body: string): Head {
  const tree = /^tree ([0-9a-f]+)$/m.exec(body)?.[1];
  if (!tree) throw new SnapshotError('git-failed', `Snapshot ${id} is not a readable commit.`);
  const blank = body.indexOf('\n\n');
  return { id, tree, meta: blank < 0 ? undefined : parseMeta(body.slice(blank + 2)) };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Snapshots of the workspace `root` in a shadow git repository (the `git` binary, 2.26 or newer, must be on
 * `PATH`). The user's own `.git` is never touched, and works whether or not the workspace is a repository.
 *
 * - What is recorded: every file git would add with `git add -A`, so `.gitignore` files at every level and
 *   the repository's `.git/info/exclude` apply, plus `exclude`; `.git/` and `node_modules/` never. Symlinks
 *   are recorded as links (never followed), the executable bit is kept, contents are byte for byte (no
 *   line-ending or filter conversion, whatever `.gitattributes` say).
 * - Left out and reported by {@link WorkspaceSnapshots.skipped}: files over `maxFileBytes`, and
 *   directories holding their own repository (`.git`), whose files belong to that repository.
 * - Serialised: operations on one workspace run one at a time in a process; across processes git's lock
 *   files serialise them (waited on for up to 10 s).
 * - Snapshot ids are commits on `refs/icode/snapshots` in the shadow repository: a new process over the
 *   same `dir` restores snapshots an earlier one took. No automatic gc runs, so ids stay valid.
 *
 * @example
 * ```ts
 * import { gitSnapshots } from 'icode/sandbox';
 *
 * const snapshots = gitSnapshots({ root: '/work/app', exclude: ['*.sqlite'], maxFileBytes: 2_000_000 });
 * const id = await snapshots.take();
 * // … the agent edits files and runs commands …
 * await snapshots.restore(id);
 * ```
 */
export function gitSnapshots(options: GitSnapshotsOptions): WorkspaceSnapshots {
  const root = canonicalRoot(options.root);
  const dir = path.resolve(options.dir ?? defaultSnapshotDir(root));
  if (dir === root) throw new ConfigError('gitSnapshots: dir must not be the workspace root itself.');
  const maxFileBytes = checkByteCap('maxFileBytes', options.maxFileBytes, DEFAULT_MAX_FILE_BYTES);
  const maxTotalBytes = checkByteCap('maxTotalBytes', options.maxTotalBytes, DEFAULT_MAX_TOTAL_BYTES);
  const extraExcludes = [...(options.exclude ?? [])];
  for (const pattern of extraExcludes) {
    if (typeof pattern !== 'string' || /[\r\n]/.test(pattern) || pattern.trim() === '') {
      throw new ConfigError(
        `gitSnapshots: exclude patterns are single non-empty .gitignore lines, got ${JSON.stringify(pattern)}.`,
      );
    }
  }
  const target: GitTarget = { gitDir: dir, workTree: root };

  /**
   * The newest snapshot this object recorded or read. Using it without re-reading the ref is safe: when
   * its tree matches, it is a snapshot of exactly the workspace as staged, whoever recorded newer ones;
   * when another process moved the ref, the compare-and-swap below fails and the ref is read again.
   */
  let knownHead: Head | undefined;

  async function prepare(signal: AbortSignal | undefined): Promise<void> {
    // A repository created now (the old one was deleted) holds none of the snapshots remembered.
    if (await prepareRepo(target, await excludeFile(root, dir, extraExcludes), signal)) knownHead = undefined;
  }

  async function readHead(signal: AbortSignal | undefined): Promise<Head | undefined> {
    const { stdout } = await git(target, { args: ['cat-file', '--batch'], input: `${HEAD_REF}\n`, signal });
    const newline = stdout.indexOf(0x0a);
    const header = /^([0-9a-f]+) commit (\d+)$/.exec(stdout.subarray(0, Math.max(newline, 0)).toString('utf8'));
    if (!header) return undefined;
    // The size is in bytes, and the message may hold non-ASCII paths: cut the buffer, then decode.
    const body = stdout.subarray(newline + 1, newline + 1 + Number(header[2])).toString('utf8');
    return parseCommit(header[1]!, body);
  }

  /** The tree of a snapshot id, or a clear error when the shadow repository does not hold it. */
  async function resolveTree(snapshotId: string, signal: AbortSignal | undefined): Promise<string> {
    if (typeof snapshotId !== 'string' || !SNAPSHOT_ID.test(snapshotId)) {
      throw new SnapshotError(
        'unknown-snapshot',
        `${JSON.stringify(snapshotId)} is not a snapshot id (a 40- or 64-digit hex hash).`,
      );
    }
    const { stdout, code } = await git(target, {
      args: ['rev-parse', '--quiet', '--verify', `${snapshotId}^{tree}`],
      okCodes: [1, 128],
      signal,
    });
    if (code !== 0) {
      throw new SnapshotError(
        'unknown-snapshot',
        `Snapshot ${snapshotId} does not exist in ${dir} (workspace ${root}).`,
      );
    }
    return stdout.toString('utf8').trim();
  }

  /**
   * Brings the shadow index to the workspace and writes it as a tree. Only the paths git reports as new or
   * changed are looked at and hashed, which keeps an unchanged workspace cheap. `capTotal` refuses, before
   * anything is hashed, new and changed files that alone pass `maxTotalBytes`.
   */
  async function stage(signal: AbortSignal | undefined, capTotal: boolean): Promise<Staged> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await stageOnce(signal, capTotal);
      } catch (error) {
        // A file that vanished between the listing and `git add` (a build running alongside): list again.
        const vanished = SnapshotError.isInstance(error) && /did not match any files|No such file/.test(error.message);
        if (!vanished || attempt >= 3) throw error;
      }
    }
  }

  async function stageOnce(signal: AbortSignal | undefined, capTotal: boolean): Promise<Staged> {
    // One listing of untracked (`? path`) and changed or deleted tracked (`C path`) files, with their
    // tags; a second, in parallel, of recorded files that an ignore rule now covers.
    const [listed, ignoredTracked] = await Promise.all(
      [
        ['ls-files', '-z', '-t', '--others', '--modified', '--exclude-standard'],
        ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard'],
      ].map(async (args) => splitNul((await git(target, { args, signal })).stdout)),
    );
    const skipped: SkippedPath[] = [];
    const toAdd: string[] = [];
    // Tracked entries to drop: now ignored, deleted, or grown past the cap.
    const toRemove: string[] = [...ignoredTracked!];
    const ignoredSet = new Set(ignoredTracked);
    let candidateBytes = 0;
    const trackedSet = new Set<string>();
    const candidateSet = new Set<string>();
    for (const entry of listed!) {
      const file = entry.slice(2);
      if (entry.startsWith('C ')) trackedSet.add(file);
      if (!ignoredSet.has(file)) candidateSet.add(file);
    }
    const candidates = [...candidateSet];
    // Whether a directory on the way to a path is now a symlink: git refuses to add through one, and the
    // file behind it is outside what the snapshot covers, so the recorded path counts as deleted.
    const linkChecks = new Map<string, Promise<boolean>>();
    const isLink = (relative: string): Promise<boolean> => {
      let check = linkChecks.get(relative);
      if (!check) {
        check = lstat(path.join(root, relative)).then(
          (stat) => stat.isSymbolicLink(),
          () => false,
        );
        linkChecks.set(relative, check);
      }
      return check;
    };
    const beyondLink = async (file: string): Promise<boolean> => {
      const parts = file.split('/');
      for (let depth = 1; depth < parts.length; depth++) {
        if (await isLink(parts.slice(0, depth).join('/'))) return true;
      }
      return false;
    };
    const NESTED = -1;
    const GONE = -2;
    const sizes = await Promise.all(
      candidates.map(async (file) => {
        if (file.endsWith('/')) return NESTED;
        // Untracked paths come from git's own walk, which never enters a symlinked directory.
        if (trackedSet.has(file) && (await beyondLink(file))) return GONE;
        try {
          return (await lstat(path.join(root, file))).size;
        } catch {
          return GONE;
        }
      }),
    );
    candidates.forEach((file, index) => {
      const bytes = sizes[index]!;
      if (bytes === NESTED) skipped.push({ path: file, reason: 'nested-repository' });
      else if (bytes === GONE) {
        // A recorded file deleted since; an untracked one that vanished after the listing is just gone.
        if (trackedSet.has(file)) toRemove.push(file);
      } else if (bytes > maxFileBytes) {
        skipped.push({ path: file, reason: 'too-large', bytes });
        if (trackedSet.has(file)) toRemove.push(file);
      } else {
        toAdd.push(file);
        candidateBytes += bytes;
      }
    });
    if (capTotal && candidateBytes > maxTotalBytes) {
      throw tooLarge(candidateBytes);
    }
    checkAborted(signal);
    if (toRemove.length > 0) {
      await git(target, {
        args: ['update-index', '-z', '--force-remove', '--stdin'],
        input: `${toRemove.join('\0')}\0`,
        signal,
      });
    }
    if (toAdd.length > 0) {
      await git(target, {
        args: ['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'],
        input: `${toAdd.join('\0')}\0`,
        signal,
      });
    }
    const tree = (await git(target, { args: ['write-tree'], signal })).stdout.toString('utf8').trim();
    skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { tree, skipped };
  }

  function tooLarge(bytes: number): SnapshotError {
    return new SnapshotError(
      'too-large',
      `The workspace ${root} holds at least ${bytes} bytes of files to snapshot, more than maxTotalBytes (${maxTotalBytes}). ` +
        'Exclude large generated or data directories (gitSnapshots({ exclude }) or .gitignore), or raise maxTotalBytes.',
      { totalBytes: bytes, maxTotalBytes },
    );
  }

  /** Blob sizes by object id, in order, through one `cat-file --batch-check`. */
  async function blobSizes(ids: readonly string[], signal: AbortSignal | undefined): Promise<number[]> {
    if (ids.length === 0) return [];
    const { stdout } = await git(target, {
      args: ['cat-file', '--batch-check=%(objectsize)'],
      input: `${ids.join('\n')}\n`,
      signal,
    });
    return stdout.toString('utf8').trim().split('\n').map(Number);
  }

  /** Bytes of file content in `tree`: the parent's figure plus the sizes of what changed since. */
  async function treeBytes(tree: string, parent: Head | undefined, signal: AbortSignal | undefined): Promise<number> {
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
    const sizes = await blobSizes([...added, ...removed], signal);
    let total = parent.meta.bytes;
    sizes.forEach((size, index) => (total += index < added.length ? size : -size));
    return total;
  }

  async function takeLocked(signal: AbortSignal | undefined, capTotal: boolean): Promise<Head> {
    await prepare(signal);
    const staged = await stage(signal, capTotal);
    for (let attempt = 1; ; attempt++) {
      const head = attempt === 1 && knownHead ? knownHead : await readHead(signal);
      const sameSkips = JSON.stringify(head?.meta?.skipped) === JSON.stringify(staged.skipped);
      if (head && head.tree === staged.tree && head.meta && sameSkips) {
        knownHead = head;
        return head;
      }
      const bytes =
        head?.tree === staged.tree && head.meta ? head.meta.bytes : await treeBytes(staged.tree, head, signal);
      if (capTotal && bytes > maxTotalBytes) throw tooLarge(bytes);
      const meta: SnapshotMeta = { version: 1, bytes, skipped: staged.skipped };
      const message = `icode workspace snapshot\n\n${JSON.stringify(meta)}\n`;
      const parentArgs = head ? ['-p', head.id] : [];
      const id = (
        await git(target, { args: ['commit-tree', staged.tree, ...parentArgs, '-F', '-'], input: message, signal })
      ).stdout
        .toString('utf8')
        .trim();
      // Compare-and-swap: another process may have recorded a snapshot since we read the head.
      const expected = head?.id ?? '0'.repeat(id.length);
      const update = await git(target, { args: ['update-ref', HEAD_REF, id, expected], okCodes: [1, 128], signal });
      if (update.code === 0) {
        knownHead = { id, tree: staged.tree, meta };
        return knownHead;
      }
      knownHead = undefined;
      if (attempt >= 5) {
        throw new SnapshotError('git-failed', `Could not record the snapshot in ${dir}: ${update.stderr.trim()}`);
      }
    }
  }

  return {
    root,
    dir,

    take(takeOptions = {}) {
      const { signal } = takeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        return (await takeLocked(signal, true)).id;
      });
    },

    restore(snapshotId, restoreOptions = {}) {
      const { signal } = restoreOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        // Record the present first: it is what the two-tree update below starts from, and a restore point
        // for undoing this restore. The total cap does not apply: refusing here would leave no way back.
        const current = await takeLocked(signal, false);
        const { stdout } = await git(target, {
          args: ['diff-tree', '-r', '-z', '--no-renames', '--name-status', current.tree, targetTree],
          signal,
        });
        const fields = splitNul(stdout);
        const diff: TreeChange[] = [];
        for (let i = 0; i + 1 < fields.length; i += 2) diff.push({ status: fields[i]!, path: fields[i + 1]! });
        const conflicts = await findRestoreConflicts(root, diff);
        if (conflicts.length > 0) {
          throw new SnapshotError(
            'conflict',
            `Restoring snapshot ${snapshotId} would delete files that no snapshot covers (ignored, excluded or too ` +
              `large) at: ${conflicts.join(', ')}. Nothing was changed; move them away and restore again.`,
            { paths: conflicts },
          );
        }
        // A two-tree switch like `git checkout` does: writes the files that differ, removes those the
        // snapshot does not have, and touches nothing else (ignored paths and skipped files are in neither
        // tree). `--reset` overwrites a skipped big file the snapshot had recorded small.
        await git(target, { args: ['read-tree', '--reset', '-u', current.tree, targetTree], signal });
        return current.id;
      });
    },

    changes(snapshotId, changeOptions = {}) {
      const { signal } = changeOptions;
      return withSnapshotLock(dir, async () => {
        checkAborted(signal);
        await prepare(signal);
        const targetTree = await resolveTree(snapshotId, signal);
        const staged = await stage(signal, false);
        const { stdout } = await git(target, {
          args: ['diff-tree', '-r', '-z', '--no-renames', '--name-status', targetTree, staged.tree],
          signal,
        });
        const tooBig = new Set(staged.skipped.map((entry) => entry.path));
        const fields = splitNul(stdout);
        const changes: SnapshotChange[] = [];
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const code = fields[i]!;
          const file = fields[i + 1]!;
          // A recorded file that has since grown past the cap is still there, just not recorded now.
          const status = code === 'A' ? 'added' : code === 'D' && !tooBig.has(file) ? 'deleted' : 'modified';
          changes.push({ path: file, status });
        }
        return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      });
    },

    skipped(snapshotId) {
      return withSnapshotLock(dir, async () => {
        await prepare(undefined);
        await resolveTree(snapshotId, undefined);
        const { stdout } = await git(target, { args: ['cat-file', 'commit', snapshotId], okCodes: [128] });
        const body = stdout.toString('utf8');
        return [...(body ? (parseCommit(snapshotId, body).meta?.skipped ?? []) : [])];
      });
    },
  };
}
