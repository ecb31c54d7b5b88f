/**
 * A sandbox whose commands run under bubblewrap (`bwrap`): OS-level containment for bash.
 *
 * @packageDocumentation
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { isBubblewrapAvailable } from './bwrap-probe.js';
import { planBwrapMounts } from './bwrap-profile.js';
import { resolveExecLimits } from './exec-limits.js';
import { resolveDirectory } from './file-ops.js';
import { findGitEntries } from './git-entries.js';
import {
  commandEnv,
  fileMethods,
  pickExec,
  sandboxSettings,
  type IsolatedSandbox,
  type LocalSandboxOptions,
} from './local-sandbox.js';
import { runCommand } from './run-command.js';
import type { ExecOptions, ExecResult } from './types.js';

export { isBubblewrapAvailable } from './bwrap-probe.js';

/** Paths every bubblewrap command finds empty, relative to the root: icode's own folder (sessions, outputs). */
export const DEFAULT_HIDDEN_PATHS: readonly string[] = ['.icode'];

/** Size of the private `/tmp` when none is given (it lives in memory). */
export const DEFAULT_TMP_SIZE_BYTES = 1024 ** 3;

/** Options of {@link bubblewrapSandbox}. */
export interface BubblewrapSandboxOptions extends LocalSandboxOptions {
  /**
   * Let commands use the network. Off by default, as in Codex's workspace-write sandbox: a command then
   * cannot send what it reads anywhere, and cannot fetch code to run either (`npm install` needs it on).
   * @defaultValue false
   */
  readonly network?: boolean;
  /**
   * Directories commands may write (each must exist). Everything else of the host is read-only, and
   * `/tmp` is a private, empty tmpfs. @defaultValue [root]
   */
  readonly writable?: readonly string[];
  /**
   * Paths (relative to the root, or absolute) a command finds empty and cannot write, whether or not they
   * exist: an empty read-only directory in place of a directory, an empty read-only file in place of a
   * file (with its SQLite `-wal`, `-shm` and `-journal` companions). Put a session store here when it is
   * not in `.icode/`. Added to {@link DEFAULT_HIDDEN_PATHS}, which is always hidden.
   * @defaultValue []
   */
  readonly hide?: readonly string[];
  /** Size of the private `/tmp` in bytes, or `false` for the tmpfs default (half the RAM). @defaultValue 1 GiB */
  readonly tmpSizeBytes?: number | false;
  /** The `bwrap` binary. @defaultValue 'bwrap' (found on PATH) */
  readonly bwrapPath?: string;
}

/** A {@link IsolatedSandbox} that can tell whether bubblewrap works on this machine. */
export interface BubblewrapSandbox extends IsolatedSandbox {
  readonly isolation: 'bubblewrap';
  /** Whether `bwrap` runs here (cached after the first probe). */
  isAvailable(): Promise<boolean>;
}

function canonicalDirectory(entry: string, root: string): string {
  try {
    return realpathSync(path.resolve(root, entry));
  } catch (error) {
    throw new ConfigError(`bubblewrapSandbox: writable path ${entry} does not exist.`, { cause: error });
  }
}

function tmpSize(value: number | false | undefined): number | false {
  const size = value ?? DEFAULT_TMP_SIZE_BYTES;
  if (size !== false && !(Number.isSafeInteger(size) && size >= 1024 * 1024)) {
    throw new ConfigError(`bubblewrapSandbox: tmpSizeBytes must be at least 1 MiB, or false; got ${String(size)}.`);
  }
  return size;
}

/**
 * A sandbox whose file methods are those of {@link localSandbox} and whose commands run under bubblewrap.
 *
 * What it promises:
 * - **File access is contained**, exactly as with `localSandbox` (canonical path checks in-process). The
 *   file tools run in the host process, outside bubblewrap.
 * - **Commands are contained by the OS**: the host file system is mounted read-only, the `writable`
 *   directories (the workspace by default) read-write, `/tmp` private and bounded, `/run` (where the host's
 *   service sockets live) hidden; `/proc` and `/dev` are minimal; the command gets its own PID, IPC, UTS and
 *   network namespaces (no network unless `network: true`), a new session and no capabilities; it cannot
 *   outlive its `exec`. A write through a symlink or to anything outside the writable directories fails
 *   with `EROFS`.
 * - **Repositories cannot be planted or changed**: `.git` at the top of every writable directory, every
 *   nested `.git` there was before the first command (and its `gitdir:` target), repositories above the root,
 *   and the `protectedPaths` are read-only, **whether or not they exist**: a missing one is covered by an
 *   empty read-only directory, so a command cannot create `.git/config` with a `core.fsmonitor` that the
 *   host's next `git status` would run. The directories leading to a nested one are mount points, so it
 *   cannot be moved away and replaced either. A placeholder is removed once no command of this process
 *   uses it any more (removing it earlier would detach the mounts on it, and a still running command could
 *   then create the path); commands of another process on the same workspace are not counted, so do not
 *   run two hosts' agents on one workspace at once.
 * - **The session store is out of reach**: `.icode/` and the `hide` paths are empty and read-only inside,
 *   so a command can neither read the stored conversation nor rewrite it.
 * - **Limits** (see {@link ExecLimits}): processes, data memory, file size and CPU time per command.
 * - **Git runs no configured program a command could have written** (see {@link safeGitEnv}).
 * - `readOnly` commands (`read-only` mode) get the writable directories read-only too.
 * - Reading is not confined: commands can read whatever the host user can (secrets in the home directory
 *   included), except the hidden paths. With `network: true` they can also send it somewhere. Unix sockets
 *   outside `/run` and `/tmp` (an agent socket in the home directory, say), and abstract ones when the
 *   network is on, stay reachable: no syscall filter is applied.
 * - When bubblewrap cannot run here, `exec` throws instead of running the command unsandboxed; check with
 *   {@link isBubblewrapAvailable}, or use {@link autoSandbox}.
 *
 * @example
 * ```ts
 * const sandbox = bubblewrapSandbox({ root: '/srv/repo', hide: ['/srv/state/sessions.db'] });
 * if (!(await sandbox.isAvailable())) throw new Error('bubblewrap does not work on this machine');
 * await sandbox.exec('npm test'); // cannot write outside /srv/repo, nor reach the network
 * ```
 * @throws ConfigError when `root` or a `writable` path does not exist, or a limit is out of range.
 */
export function bubblewrapSandbox(options: BubblewrapSandboxOptions): BubblewrapSandbox {
  const settings = sandboxSettings(options, 'bubblewrapSandbox');
  const files = fileMethods(settings);
  const bwrap = options.bwrapPath ?? 'bwrap';
  // Read-write additional directories are writable for commands too, as they are for the file tools.
  const writable = [
    ...new Set([
      ...(options.writable ?? [settings.root]).map((entry) => canonicalDirectory(entry, settings.root)),
      ...settings.additionalDirectories.filter((base) => base.writable).map((base) => base.path),
    ]),
  ];
  const network = options.network ?? false;
  const limits = resolveExecLimits(options.limits, 'bubblewrapSandbox');
  const tmpSizeBytes = tmpSize(options.tmpSizeBytes);
  const hide = [...new Set([...DEFAULT_HIDDEN_PATHS, ...(options.hide ?? [])])].map((entry) =>
    path.resolve(settings.root, entry),
  );

  // Nested repositories are searched for once, before the first command: a repository a command makes is
  // the command's own (it could plant anything in it when making it), so what must be kept is what was
  // there before. Searching on every command would cost a walk of the workspace each time.
  let nestedGit: Promise<string[]> | undefined;
  const findNested = (): Promise<string[]> =>
    (nestedGit ??= Promise.all(writable.map((dir) => findGitEntries(dir, hide))).then((lists) => lists.flat()));

  return {
    ...files,
    isolation: 'bubblewrap',
    isAvailable: () => isBubblewrapAvailable(bwrap),
    async exec(command: string, execOptions: ExecOptions = {}): Promise<ExecResult> {
      const cwd = await resolveDirectory(files.resolve, execOptions.cwd ?? settings.root);
      if (!(await isBubblewrapAvailable(bwrap))) {
        throw new Error(
          `bubblewrap (${bwrap}) cannot create a sandbox on this machine (not installed, or user namespaces are disabled); the command was not run. Install bubblewrap or use localSandbox.`,
        );
      }
      const readOnly = execOptions.readOnly === true;
      const plan = await planBwrapMounts({
        root: settings.root,
        writable,
        readable: settings.additionalDirectories.filter((base) => !base.writable).map((base) => base.path),
        protectedPaths: settings.protectedPaths,
        hide,
        network,
        readOnly,
        tmpSizeBytes,
        ...(readOnly ? {} : { nestedGit: await findNested() }),
      });
      return runCommand({
        command,
        root: settings.root,
        cwd,
        env: commandEnv(settings),
        extraEnv: execOptions.env,
        limits,
        bwrap: { file: bwrap, plan, network },
        spawn: { killGraceMs: settings.killGraceMs, ...pickExec(execOptions) },
      });
    },
  };
}
