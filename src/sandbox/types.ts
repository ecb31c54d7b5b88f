/**
 * The Sandbox contract: how tools touch files and run processes. Tools never use `node:fs` on a path the
 * model gave them without going through `resolve`, so a sandbox decides what a path may reach.
 *
 * @packageDocumentation
 */

/** What a path is resolved for. Writes are checked more strictly (protected paths, parents that must exist). */
export type AccessIntent = 'read' | 'write';

/**
 * A directory outside the workspace root that tools may reach: a path (read-only), or a path with its
 * access. The policy and the sandbox judge paths inside it like paths inside the root; everything else
 * outside the root is refused (`WORKSPACE_ESCAPE`).
 *
 * @example
 * ```ts
 * const dirs: AdditionalDirectory[] = ['/srv/shared-docs', { path: '/tmp/build', access: 'read-write' }];
 * ```
 */
export type AdditionalDirectory = string | { readonly path: string; readonly access: 'read' | 'read-write' };

/**
 * Options of {@link Sandbox.readFile}.
 *
 * @example
 * ```ts
 * const bytes = await sandbox.readFile('src/index.ts', { maxBytes: 1024 * 1024 });
 * ```
 */
export interface ReadFileOptions {
  /** Refuse (error code `EFBIG`) a file larger than this, judged on the opened file, not on its path. */
  readonly maxBytes?: number;
}

/** What {@link Sandbox.stat} tells. */
export interface SandboxStat {
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  readonly size: number;
  /** Modification time in ms since the epoch. */
  readonly mtimeMs: number;
}

/** One entry of {@link Sandbox.readdir}. */
export interface SandboxDirEntry {
  readonly name: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
}

/** Options of {@link Sandbox.exec}. */
export interface ExecOptions {
  /** Working directory; resolved inside the root. @defaultValue the root */
  readonly cwd?: string;
  /** Kill the whole process group after this many ms. */
  readonly timeoutMs?: number;
  /** Kill the whole process group when this fires. */
  readonly signal?: AbortSignal;
  /** Extra environment variables (added after secret scrubbing). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each chunk of combined stdout and stderr as it arrives. */
  readonly onOutput?: (chunk: string) => void;
  /** Stop keeping output past this many characters (head and tail are kept). */
  readonly maxOutputChars?: number;
  /**
   * Run with the whole file system read-only (`read-only` mode): an OS sandbox enforces it; a sandbox
   * that cannot enforce it refuses to run the command rather than run it writable.
   */
  readonly readOnly?: boolean;
}

/** What a finished process reports. Exit code, signal and duration are always there. */
export interface ExecResult {
  /** Combined stdout and stderr, head and tail kept when it was longer than `maxOutputChars`. */
  readonly output: string;
  /** `null` when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Characters of output produced in total (more than `output.length` when truncated). */
  readonly totalChars: number;
  readonly truncated: boolean;
}

/**
 * A place where tools read and write files and run commands.
 *
 * `resolve` is the security boundary for file tools: it returns the canonical absolute path inside `root`
 * (realpath of the deepest existing ancestor; symlinks followed) or throws `WorkspaceEscapeError`. Relative
 * paths resolve against `root`; a leading `~` is the home directory; `$VARS` and `%2e` are never expanded.
 *
 * @example
 * ```ts
 * const sandbox = localSandbox({ root: '/srv/repo' });
 * const file = await sandbox.resolve('src/index.ts', 'read');
 * const text = new TextDecoder().decode(await sandbox.readFile(file));
 * ```
 */
export interface Sandbox {
  /** Canonical absolute path of the workspace root. */
  readonly root: string;
  resolve(path: string, intent: AccessIntent): Promise<string>;
  /**
   * Reads a regular file; `path` is resolved first. Anything else (a directory, FIFO, socket, device) is
   * refused with an error, never opened blocking; past `options.maxBytes` it is refused (`EFBIG`).
   */
  readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array>;
  /** Writes a file atomically (temp file + rename), never through a link out of the workspace. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** `undefined` when nothing is there. Does not follow a final symlink. */
  stat(path: string): Promise<SandboxStat | undefined>;
  readdir(path: string): Promise<SandboxDirEntry[]>;
  /** Runs a shell command in a fresh process group. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
}
