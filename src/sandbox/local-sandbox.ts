/**
 * The default sandbox: host files and processes, confined by path checks.
 *
 * @packageDocumentation
 */
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { readdirBeneath, readFileBeneath, resolveDirectory, statBeneath } from './file-ops.js';
import { additionalBases, baseOf, type WorkspaceBase } from './fs-bases.js';
import { DEFAULT_ACCESS } from './fs-held-dir.js';
import type { WalkContext } from './fs-walk.js';
import { writeFileBeneath } from './fs-write.js';
import { resolveInRoot } from './resolve-path.js';
import { scrubEnv, type ScrubEnvOption } from './scrub-env.js';
import { resolveExecLimits, type ExecLimits } from './exec-limits.js';
import { execLocal } from './local-exec.js';
import { DEFAULT_KILL_GRACE_MS } from './spawn-process.js';
import type { AccessIntent, AdditionalDirectory, ExecOptions, ExecResult, Sandbox } from './types.js';

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
  /**
   * Directories outside the root that file tools may reach: a path string is read-only,
   * `{ path, access: 'read-write' }` also writable. Paths in them are judged like paths in the root
   * (canonical, links followed and re-checked); everything else outside the root stays a
   * `WorkspaceEscapeError`. Each must exist. @defaultValue []
   */
  readonly additionalDirectories?: readonly AdditionalDirectory[];
}

/** A {@link Sandbox} that says what isolation its `exec` has. */
export interface IsolatedSandbox extends Sandbox {
  /** `'none'`: commands run on the host with the user's rights; `'bubblewrap'`: inside an OS sandbox. */
  readonly isolation: 'none' | 'bubblewrap';
}

/** Settings shared by the sandboxes, checked once. */
export interface SandboxSettings extends WalkContext {
  readonly root: string;
  readonly home: string;
  readonly protectedPaths: readonly string[];
  readonly scrubEnv: ScrubEnvOption;
  readonly killGraceMs: number;
  /** The additional directories, canonical, with their access (`writable`); also in `bases` after the root. */
  readonly additionalDirectories: readonly WorkspaceBase[];
}

/** Checks and canonicalises the options every sandbox takes. */
export function sandboxSettings(options: LocalSandboxOptions, factory: string): SandboxSettings {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new ConfigError(`${factory}: root must be a directory path.`);
  }
  const rootBase = baseOf(options.root, true, `${factory}: root`);
  const root = rootBase.path;
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (!(killGraceMs >= 0)) throw new ConfigError(`${factory}: killGraceMs must be >= 0, got ${killGraceMs}.`);
  const additionalDirectories = additionalBases(options.additionalDirectories, factory);
  return {
    root,
    home: path.resolve(options.home ?? os.homedir()),
    protectedPaths: (options.protectedPaths ?? ['.git']).map((entry) => path.resolve(root, entry)),
    scrubEnv: options.scrubEnv ?? true,
    killGraceMs,
    additionalDirectories,
    bases: [rootBase, ...additionalDirectories],
    access: DEFAULT_ACCESS,
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

/**
 * The file half of a sandbox: every method walks its path below a held handle of the root or an
 * additional directory (see `fs-walk.ts`) and judges what it opened before using it.
 */
export function fileMethods(settings: SandboxSettings): Omit<Sandbox, 'exec'> {
  // Every method answers through its promise: a bad argument or a file-system error is a rejection, never
  // a synchronous throw out of a caller that did not await inside a try.
  const guarded =
    <A extends unknown[], T>(method: (input: string, ...rest: A) => T | Promise<T>) =>
    async (input: string, ...rest: A): Promise<T> => {
      if (typeof input !== 'string') throw new TypeError('path must be a string');
      return method(input, ...rest);
    };
  return {
    root: settings.root,
    resolve: guarded((input: string, intent: AccessIntent) => resolveInRoot(input, intent, settings)),
    readFile: guarded((input: string, options?: { readonly maxBytes?: number }) =>
      readFileBeneath(settings, input, options?.maxBytes),
    ),
    writeFile: guarded((input: string, data: string | Uint8Array) => writeFileBeneath(settings, input, data)),
    stat: guarded((input: string) => statBeneath(settings, input)),
    readdir: guarded((input: string) => readdirBeneath(settings, input)),
  };
}

/**
 * A sandbox on the host: file methods confined to `root`, commands run by `bash -c` on the host.
 *
 * What it promises:
 * - **File access is contained.** Every path is walked one component at a time below a held handle of the
 *   root (or of an `additionalDirectories` entry), links read and followed by the walker and re-checked,
 *   so `..`, absolute paths, `~`, symlinks out (file, directory, chains, dangling), `/proc`, `/dev`, `/sys`
 *   and NUL bytes are refused with `WorkspaceEscapeError`, and a process swapping a directory for a link
 *   while a tool runs cannot carry a read or a write out (on Linux, through `/proc/self/fd`; elsewhere a
 *   narrower race remains, see the README). Files are opened non-blocking and judged on the handle: a
 *   FIFO, socket or device is refused, never waited on. Writes are atomic (temp file + rename in the held
 *   directory), never through a link, and refuse hard-linked files. Reading a hard link to an outside file
 *   cannot be told apart from reading an ordinary file.
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
