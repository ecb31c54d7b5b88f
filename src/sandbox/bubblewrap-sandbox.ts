/**
 * A sandbox whose commands run under bubblewrap (`bwrap`): OS-level containment for bash.
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { resolveDirectory } from './file-ops.js';
import { isWithin } from './resolve-path.js';
import {
  commandEnv,
  fileMethods,
  pickExec,
  sandboxSettings,
  type IsolatedSandbox,
  type LocalSandboxOptions,
} from './local-sandbox.js';
import { spawnProcess } from './spawn-process.js';
import type { ExecOptions, ExecResult } from './types.js';

/** Options of {@link bubblewrapSandbox}. */
export interface BubblewrapSandboxOptions extends LocalSandboxOptions {
  /** Let commands use the network. @defaultValue false */
  readonly network?: boolean;
  /**
   * Directories commands may write (each must exist). Everything else of the host is read-only, and
   * `/tmp` is a private, empty tmpfs. @defaultValue [root]
   */
  readonly writable?: readonly string[];
  /** The `bwrap` binary. @defaultValue 'bwrap' (found on PATH) */
  readonly bwrapPath?: string;
}

/** A {@link IsolatedSandbox} that can tell whether bubblewrap works on this machine. */
export interface BubblewrapSandbox extends IsolatedSandbox {
  readonly isolation: 'bubblewrap';
  /** Whether `bwrap` runs here (cached after the first probe). */
  isAvailable(): Promise<boolean>;
}

// Flags every command gets. `--cap-drop ALL` matters when the host process is root: without it the
// command keeps CAP_SYS_ADMIN inside the sandbox and can simply `mount -o remount,rw /` (verified).
// `--new-session` stops TIOCSTI keystroke injection into the caller's terminal; `--die-with-parent`
// and the PID namespace take every process of the command down with bwrap.
const BASE_FLAGS = ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];

const probes = new Map<string, Promise<boolean>>();

/**
 * Whether bubblewrap can really build a sandbox here: it runs `bwrap … true` with the flags every command
 * gets (namespaces may be forbidden, as in Docker's default seccomp profile, even when the binary exists).
 * The answer is cached per binary.
 *
 * @example
 * ```ts
 * const sandbox = (await isBubblewrapAvailable()) ? bubblewrapSandbox({ root }) : localSandbox({ root });
 * ```
 */
export function isBubblewrapAvailable(bwrapPath = 'bwrap'): Promise<boolean> {
  let probe = probes.get(bwrapPath);
  if (!probe) {
    probe = new Promise<boolean>((resolve) => {
      execFile(
        bwrapPath,
        ['--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', ...BASE_FLAGS, '--', 'true'],
        { timeout: 10_000 },
        (error) => resolve(error === null),
      );
    });
    probes.set(bwrapPath, probe);
  }
  return probe;
}

/** Mounts that hide the host's runtime directories (sockets), keeping DNS working when network is on. */
function runMasks(network: boolean): string[] {
  const args = ['--tmpfs', '/run'];
  try {
    if (!lstatSync('/var/run').isSymbolicLink()) args.push('--tmpfs', '/var/run');
  } catch {
    // No /var/run: nothing to hide.
  }
  if (network) {
    // /etc/resolv.conf often points into /run (systemd-resolved): bring that one directory back.
    try {
      const resolvConf = realpathSync('/etc/resolv.conf');
      if (isWithin('/run', resolvConf) || isWithin('/var/run', resolvConf)) {
        const dir = path.dirname(resolvConf);
        args.push('--ro-bind', dir, dir);
      }
    } catch {
      // No resolver configuration to keep.
    }
  }
  return args;
}

function canonicalDirectory(entry: string, root: string): string {
  try {
    return realpathSync(path.resolve(root, entry));
  } catch (error) {
    throw new ConfigError(`bubblewrapSandbox: writable path ${entry} does not exist.`, { cause: error });
  }
}

/**
 * A sandbox whose file methods are those of {@link localSandbox} and whose commands run under bubblewrap.
 *
 * What it promises:
 * - **File access is contained**, exactly as with `localSandbox` (canonical path checks in-process).
 * - **Commands are contained by the OS**: the host file system is mounted read-only, the `writable`
 *   directories (the workspace by default) read-write, the workspace's `.git` and other `protectedPaths`
 *   read-only again, `/tmp` private, `/run` (where the host's service sockets live) hidden; `/proc` and
 *   `/dev` are minimal; the command gets its own PID, IPC, UTS and network namespaces (no network unless
 *   `network: true`), a new session and no capabilities; it cannot outlive its `exec`. A write through a symlink or to anything outside the writable directories
 *   fails with `EROFS`.
 * - Reading is not confined: commands can read whatever the host user can (secrets in the home directory
 *   included). With `network: true` they can also send it somewhere. Unix sockets outside `/run` and
 *   `/tmp` (an agent socket in the home directory, say), and abstract ones when the network is on, stay
 *   reachable: no syscall filter is applied.
 * - When bubblewrap cannot run here, `exec` throws instead of running the command unsandboxed; check with
 *   {@link isBubblewrapAvailable} and choose `localSandbox` knowingly.
 *
 * @example
 * ```ts
 * const sandbox = bubblewrapSandbox({ root: '/srv/repo' });
 * if (!(await sandbox.isAvailable())) throw new Error('bubblewrap does not work on this machine');
 * await sandbox.exec('npm test'); // cannot write outside /srv/repo, nor reach the network
 * ```
 * @throws ConfigError when `root` or a `writable` path does not exist.
 */
export function bubblewrapSandbox(options: BubblewrapSandboxOptions): BubblewrapSandbox {
  const settings = sandboxSettings(options, 'bubblewrapSandbox');
  const files = fileMethods(settings);
  const bwrap = options.bwrapPath ?? 'bwrap';
  const writable = (options.writable ?? [settings.root]).map((entry) => canonicalDirectory(entry, settings.root));
  const network = options.network ?? false;

  const mounts = (): string[] => {
    // Order matters: later mounts cover earlier ones, so the private /tmp comes before writable paths that
    // may live under /tmp, and read-only re-binds come last.
    const args = ['--ro-bind', '/', '/', '--tmpfs', '/tmp', '--proc', '/proc', '--dev', '/dev'];
    // A read-only mount does not stop connect() on a Unix socket (verified): /run holds the Docker,
    // D-Bus, PostgreSQL and per-user sockets, any of which is a way out. Hide it behind an empty tmpfs.
    args.push(...runMasks(network));
    for (const entry of writable) args.push('--bind', entry, entry);
    for (const entry of settings.protectedPaths) {
      if (existsSync(entry)) args.push('--ro-bind', entry, entry);
    }
    return args;
  };

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
      return spawnProcess({
        file: bwrap,
        args: [
          ...mounts(),
          ...BASE_FLAGS,
          ...(network ? ['--share-net'] : []),
          '--chdir',
          cwd,
          '--',
          'bash',
          '-c',
          command,
        ],
        cwd,
        env: commandEnv(settings, execOptions.env),
        killGraceMs: settings.killGraceMs,
        ...pickExec(execOptions),
      });
    },
  };
}
