/**
 * The default sandbox: host files and processes, confined by path checks.
 *
 * @packageDocumentation
 */
import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { readResolved, readdirResolved, resolveDirectory, statResolved, writeResolved } from './file-ops.js';
import { resolveInRoot } from './resolve-path.js';
import { scrubEnv, type ScrubEnvOption } from './scrub-env.js';
import { resolveExecLimits, type ExecLimits } from './exec-limits.js';
import { execLocal } from './local-exec.js';
import { DEFAULT_KILL_GRACE_MS } from './spawn-process.js';
import type { AccessIntent, ExecOptions, ExecResult, Sandbox } from './types.js';

/** Options of {@link localSandbox}. */
export interface LocalSandboxOptions {
  /** The workspace. Must exist; its canonical path (symlinks resolved) becomes `sandbox.root`. */
  readonly root: string;
  /** What a leading `~` means. @defaultValue `os.homedir()` */
  readonly home?: string;
  /**
   * Secret-looking environment variables removed before a command runs. @defaultValue true
   * @see {@link ScrubEnvOption}
   */
  readonly scrubEnv?: ScrubEnvOption;
  /**
   * Paths (relative to the root, or absolute) that file tools may read but not write, with everything
   * below them. Writing `.git/config` or `.git/hooks/*` would let a file tool run code at the next git
   * command, so `.git` is protected by default. @defaultValue ['.git']
   */
  readonly protectedPaths?: readonly string[];
  /** Time between SIGTERM and SIGKILL when a command is stopped. @defaultValue 2000 */
  readonly killGraceMs?: number;
  /** Resource limits of each command; see {@link ExecLimits}. @defaultValue {@link DEFAULT_EXEC_LIMITS} */
  readonly limits?: ExecLimits;
}

/** A {@link Sandbox} that says what isolation its `exec` has. */
export interface IsolatedSandbox extends Sandbox {
  /** `'none'`: commands run on the host with the user's rights; `'bubblewrap'`: inside an OS sandbox. */
  readonly isolation: 'none' | 'bubblewrap';
}

/** Settings shared by the sandboxes, checked once. */
export interface SandboxSettings {
  readonly root: string;
  readonly home: string;
  readonly protectedPaths: readonly string[];
  readonly scrubEnv: ScrubEnvOption;
  readonly killGraceMs: number;
}

/** Checks and canonicalises the options every sandbox takes. */
export function sandboxSettings(options: LocalSandboxOptions, factory: string): SandboxSettings {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new ConfigError(`${factory}: root must be a directory path.`);
  }
  let root: string;
  try {
    root = realpathSync(path.resolve(options.root));
  } catch (error) {
    throw new ConfigError(`${factory}: root ${options.root} does not exist.`, { cause: error });
  }
  if (!statSync(root).isDirectory()) throw new ConfigError(`${factory}: root ${options.root} is not a directory.`);
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (!(killGraceMs >= 0)) throw new ConfigError(`${factory}: killGraceMs must be >= 0, got ${killGraceMs}.`);
  return {
    root,
    home: path.resolve(options.home ?? os.homedir()),
    protectedPaths: (options.protectedPaths ?? ['.git']).map((entry) => path.resolve(root, entry)),
    scrubEnv: options.scrubEnv ?? true,
    killGraceMs,
  };
}

/** The environment a command gets: the scrubbed host environment, non-interactive defaults, then `extra`. */
export function commandEnv(
  settings: SandboxSettings,
  extra?: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...scrubEnv(process.env, settings.scrubEnv),
    // Nobody can answer a pager or a credential prompt: stdin is closed.
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    HOME: settings.home,
    ...extra,
  };
}

/** The file half of a sandbox, built on {@link resolveInRoot}. */
export function fileMethods(settings: SandboxSettings): Omit<Sandbox, 'exec'> {
  const resolve = (input: string, intent: AccessIntent): Promise<string> => {
    if (typeof input !== 'string') return Promise.reject(new TypeError('path must be a string'));
    return resolveInRoot(input, intent, settings);
  };
  return {
    root: settings.root,
    resolve,
    readFile: (input) => readResolved(resolve, input),
    writeFile: (input, data) => writeResolved(resolve, settings.root, input, data),
    stat: (input) => statResolved(resolve, settings, input),
    readdir: (input) => readdirResolved(resolve, input),
  };
}

/**
 * A sandbox on the host: file methods confined to `root`, commands run by `bash -c` on the host.
 *
 * What it promises:
 * - **File access is contained.** Every path goes through `resolve`: canonical (symlinks followed, also
 *   dangling ones), compared with `path.relative`, so `..`, absolute paths, `~`, symlinks out (file,
 *   directory, chains), `/proc`, `/dev`, `/sys` and NUL bytes are refused with `WorkspaceEscapeError`.
 *   Writes are atomic (temp file + rename), never through a final symlink, and refuse hard-linked files.
 *   Reading a hard link to an outside file cannot be told apart from reading an ordinary file.
 * - **Commands are not contained.** `exec` runs with the user's rights and can reach any file or host it
 *   can. It runs in a fresh process group (killed as a whole on timeout, abort, or when the command ends),
 *   with stdin closed, secret-looking environment variables removed, a git environment that runs no
 *   configured program (see {@link safeGitEnv}) and resource limits (see {@link ExecLimits}; the process
 *   limit only where a pids cgroup can be made). Use {@link bubblewrapSandbox} for OS-level containment of
 *   commands.
 * - **`readOnly` commands** (`read-only` mode) run under a read-only bubblewrap profile where bubblewrap
 *   works, and are refused where it does not, so a wrong verdict of the policy cannot write.
 *
 * @example
 * ```ts
 * const sandbox = localSandbox({ root: process.cwd() });
 * const result = await sandbox.exec('npm test', { timeoutMs: 120_000 });
 * console.log(result.exitCode, result.output);
 * ```
 * @throws ConfigError when `root` does not exist or is not a directory.
 */
export function localSandbox(options: LocalSandboxOptions): IsolatedSandbox {
  const settings = sandboxSettings(options, 'localSandbox');
  const files = fileMethods(settings);
  const limits = resolveExecLimits(options.limits, 'localSandbox');
  return {
    ...files,
    isolation: 'none',
    async exec(command: string, execOptions: ExecOptions = {}): Promise<ExecResult> {
      const cwd = await resolveDirectory(files.resolve, execOptions.cwd ?? settings.root);
      // Not a login shell: profile files could print noise or change PATH behind the caller's back.
      return execLocal({
        command,
        root: settings.root,
        cwd,
        env: commandEnv(settings),
        extraEnv: execOptions.env,
        limits,
        readOnly: execOptions.readOnly === true,
        spawn: { killGraceMs: settings.killGraceMs, ...pickExec(execOptions) },
      });
    },
  };
}

/** The parts of {@link ExecOptions} that {@link spawnProcess} takes as they are. */
export function pickExec(
  options: ExecOptions,
): Pick<ExecOptions, 'timeoutMs' | 'signal' | 'onOutput' | 'maxOutputChars'> {
  return {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    ...(options.maxOutputChars === undefined ? {} : { maxOutputChars: options.maxOutputChars }),
  };
}
