/**
 * The mounts of one bubblewrap command: the host read-only, the writable directories, and on top of them
 * the protected paths (read-only whether or not they exist) and the hidden ones (empty and read-only).
 *
 * @packageDocumentation
 */
import { lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { isWithin } from './resolve-path.js';
import { findGitEntries } from './git-entries.js';
import { holdPlaceholders } from './placeholders.js';
import { runMasks } from './run-masks.js';

/** What a command may touch under bubblewrap. All paths absolute; `root` and `writable` canonical. */
export interface BwrapProfile {
  readonly root: string;
  /** Directories mounted read-write (read-only when `readOnly`). */
  readonly writable: readonly string[];
  /**
   * Read-only additional directories, bound again after the private `/tmp` (which would otherwise hide one
   * that lives under `/tmp` on the host).
   */
  readonly readable?: readonly string[];
  /** Kept read-only whether or not they exist. */
  readonly protectedPaths: readonly string[];
  /** Masked: an empty read-only directory (a file: an empty read-only file), whether or not they exist. */
  readonly hide: readonly string[];
  readonly network: boolean;
  /** Everything read-only, the writable directories too. */
  readonly readOnly: boolean;
  /** Size of the private `/tmp`, or `false` for the tmpfs default (half the RAM). */
  readonly tmpSizeBytes: number | false;
  /** The nested `.git` entries, when already found; else the writable directories are searched now. */
  readonly nestedGit?: readonly string[];
}

/** The bwrap arguments, and what the command must find in place before it runs. */
export interface BwrapPlan {
  readonly args: string[];
  /** Pairs of a path and its `dev:ino` (`-` when it is a new mount with nothing to compare): each must be a mount point. */
  readonly checks: string[];
  /** Call once the command has ended: removes the placeholders no other command still uses. */
  readonly release: () => void;
}

/** Thrown when a protected or hidden path cannot be kept: the command is not run. */
export class SandboxSetupError extends Error {
  override readonly name = 'SandboxSetupError';
}

// SQLite's companions of a database file: a command that may write a fresh `-journal` or `-wal` next to a
// hidden database can change it at its next open.
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'];

function lstatOrUndefined(entry: string): Stats | undefined {
  try {
    return lstatSync(entry);
  } catch {
    return undefined;
  }
}

interface Mount {
  readonly path: string;
  readonly args: string[];
  /** `dev:ino` the path must show inside, or `-` for a fresh mount. */
  readonly identity: string;
  readonly order: number;
}

class Planner {
  readonly mounts = new Map<string, Mount>();

  constructor(private readonly profile: BwrapProfile) {}

  /** The deepest writable directory `entry` lies in, if any (entry itself excluded). */
  container(entry: string): string | undefined {
    return this.profile.writable
      .filter((dir) => dir !== entry && isWithin(dir, entry))
      .sort((a, b) => b.length - a.length)[0];
  }

  add(entry: string, args: string[], identity: string, order: number): void {
    const previous = this.mounts.get(entry);
    if (!previous || previous.order <= order) this.mounts.set(entry, { path: entry, args, identity, order });
  }

  /**
   * Pins every directory between `container` and `entry` by mounting it on itself: a mount point cannot be
   * renamed or removed, so a command cannot move a protected path away and put its own in its place.
   */
  pin(container: string, entry: string): void {
    for (let dir = path.dirname(entry); dir !== container && isWithin(container, dir); dir = path.dirname(dir)) {
      const stats = lstatOrUndefined(dir);
      if (!stats?.isDirectory()) throw new SandboxSetupError(`${dir} is not a directory; cannot protect ${entry}.`);
      this.add(dir, ['--bind', dir, dir], `${stats.dev}:${stats.ino}`, 1);
    }
  }

  /** The shallowest missing path from `container` down to `entry`, which a placeholder then covers. */
  firstMissing(container: string, entry: string): string | undefined {
    const parts = path.relative(container, entry).split(path.sep);
    let current = container;
    for (const part of parts) {
      current = path.join(current, part);
      const stats = lstatOrUndefined(current);
      if (!stats) return current;
      if (stats.isSymbolicLink())
        throw new SandboxSetupError(`${current} is a symbolic link; cannot protect ${entry}.`);
      if (!stats.isDirectory() && current !== entry) return undefined;
    }
    return undefined;
  }

  /** Keeps `entry` read-only: bind it read-only, or cover its missing part with an empty read-only dir. */
  protect(entry: string): void {
    const container = this.container(entry);
    // Outside every writable directory the host is read-only already.
    if (container === undefined || this.profile.readOnly) return;
    const stats = lstatOrUndefined(entry);
    if (stats?.isSymbolicLink()) {
      throw new SandboxSetupError(`${entry} is a symbolic link in a writable directory; it cannot be kept read-only.`);
    }
    if (stats) {
      this.pin(container, entry);
      this.add(entry, ['--ro-bind', entry, entry], `${stats.dev}:${stats.ino}`, 2);
      return;
    }
    const missing = this.firstMissing(container, entry);
    if (missing === undefined) return;
    this.pin(container, missing);
    this.add(missing, ['--tmpfs', missing, '--remount-ro', missing], '-', 2);
  }

  /** Masks `entry`: an empty read-only directory, or `/dev/null` for a file. */
  hide(entry: string): void {
    const container = this.container(entry);
    const writable = container !== undefined && !this.profile.readOnly;
    const stats = lstatOrUndefined(entry);
    if (stats?.isSymbolicLink()) {
      if (writable) {
        throw new SandboxSetupError(`${entry} is a symbolic link in a writable directory; it cannot be hidden.`);
      }
      let target: string;
      try {
        target = realpathSync(entry);
      } catch {
        return;
      }
      if (target !== entry) this.hide(target);
      return;
    }
    if (stats?.isDirectory()) {
      if (writable) this.pin(container, entry);
      this.add(entry, ['--tmpfs', entry, '--remount-ro', entry], '-', 3);
      return;
    }
    if (stats) {
      if (writable) this.pin(container, entry);
      this.add(entry, ['--ro-bind', '/dev/null', entry], '-', 3);
      for (const suffix of SQLITE_COMPANIONS) {
        const companion = entry + suffix;
        if (writable || lstatOrUndefined(companion)) this.add(companion, ['--ro-bind', '/dev/null', companion], '-', 3);
      }
      return;
    }
    if (!writable) return;
    const missing = this.firstMissing(container, entry);
    if (missing === undefined) return;
    this.pin(container, missing);
    this.add(missing, ['--tmpfs', missing, '--remount-ro', missing], '-', 3);
  }
}

/** A `.git` file's `gitdir:` target, when it points somewhere. */
function gitdirOf(gitFile: string): string | undefined {
  try {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(gitFile, 'utf8').slice(0, 4096));
    if (!match?.[1]) return undefined;
    return realpathSync(path.resolve(path.dirname(gitFile), match[1]));
  } catch {
    return undefined;
  }
}

/** The repositories git could read in and above the writable directories. */
async function gitPaths(profile: BwrapProfile): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of profile.writable) {
    found.add(path.join(dir, '.git'));
    for (const entry of profile.nestedGit ?? (await findGitEntries(dir, profile.hide))) found.add(entry);
    // Repositories above a writable directory, when another writable directory holds them.
    for (let above = path.dirname(dir); above !== path.dirname(above); above = path.dirname(above)) {
      found.add(path.join(above, '.git'));
    }
  }
  for (const entry of [...found]) {
    if (lstatOrUndefined(entry)?.isFile()) {
      const target = gitdirOf(entry);
      if (target !== undefined) found.add(target);
    }
  }
  return [...found];
}

const depth = (entry: string): number => entry.split(path.sep).length;

/**
 * Plans the mounts of one command. Later mounts cover earlier ones, so: the host read-only, a private
 * `/tmp`, the writable directories, the pinned parents, then protected and hidden paths, shallow first.
 *
 * @throws SandboxSetupError when a protected or hidden path cannot be kept (a symbolic link in a writable
 *   directory): the command must not run.
 */
export async function planBwrapMounts(profile: BwrapProfile): Promise<BwrapPlan> {
  const args = ['--ro-bind', '/', '/'];
  if (profile.tmpSizeBytes !== false) args.push('--size', String(profile.tmpSizeBytes));
  args.push('--tmpfs', '/tmp', '--proc', '/proc', '--dev', '/dev', ...runMasks(profile.network));
  for (const dir of profile.readable ?? []) args.push('--ro-bind', dir, dir);
  for (const dir of profile.writable) args.push(profile.readOnly ? '--ro-bind' : '--bind', dir, dir);

  const planner = new Planner(profile);
  const hidden = new Set(profile.hide);
  if (!profile.readOnly) {
    const targets = new Set([...profile.protectedPaths, ...(await gitPaths(profile))]);
    for (const entry of targets) if (![...hidden].some((mask) => isWithin(mask, entry))) planner.protect(entry);
  }
  for (const entry of hidden) planner.hide(entry);

  const mounts = [...planner.mounts.values()].sort(
    (a, b) => depth(a.path) - depth(b.path) || a.order - b.order || a.path.localeCompare(b.path),
  );
  const checks: string[] = [];
  const missing = new Set<string>();
  for (const mount of mounts) {
    args.push(...mount.args);
    checks.push(mount.path, mount.identity);
    if (mount.identity === '-' && !lstatOrUndefined(mount.path)) missing.add(mount.path);
  }
  // Held before anything awaits, so no other command's release can remove a path this plan counts on.
  const release = holdPlaceholders(
    mounts.filter((mount) => mount.order > 1).map((mount) => mount.path),
    missing,
  );
  return { args, checks, release };
}

/**
 * Bash lines run inside the sandbox before the command: every planned mount must be in place, at its
 * path, showing the directory that was planned. A command running at the same time (a background job)
 * could swap a directory for a symbolic link while bwrap mounts, sending a mount elsewhere; then this
 * refuses to run the command. Reads pairs of arguments (`path identity`) from `$@`.
 */
export const VERIFY_MOUNTS_SCRIPT = [
  'declare -A icode_mp',
  'while read -r _ _ _ _ icode_m _; do icode_mp[$icode_m]=1; done < /proc/self/mountinfo',
  'while [ $# -ge 2 ]; do',
  "  icode_e=${1//\\\\/\\\\134}; icode_e=${icode_e// /\\\\040}; icode_e=${icode_e//$'\\t'/\\\\011}; icode_e=${icode_e//$'\\n'/\\\\012}",
  '  if [ -L "$1" ] || [ -z "${icode_mp[$icode_e]}" ] || { [ "$2" != - ] && [ "$(stat -c %d:%i -- "$1" 2>/dev/null)" != "$2" ]; }; then',
  '    echo "icode: the sandbox could not protect $1 (it changed while the sandbox was being built); the command was not run." >&2',
  '    exit 125',
  '  fi',
  '  shift 2',
  'done',
  'unset icode_mp icode_m icode_e',
].join('\n');
