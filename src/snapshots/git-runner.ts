/**
 * Running the `git` binary on a shadow repository: argument arrays (never a shell), an environment cleaned
 * of the caller's `GIT_*` variables and of user and system configuration, and retries while another
 * process holds a git lock.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { abortReason, sleep } from '../internal/abort.js';
import { SnapshotError } from './snapshot-error.js';

/** Where a shadow repository lives and which work tree it records. */
export interface GitTarget {
  /** The shadow repository (`GIT_DIR`). */
  readonly gitDir: string;
  /** The workspace root (`GIT_WORK_TREE`), canonical. */
  readonly workTree: string;
}

/** One git invocation. */
export interface GitCall {
  readonly args: readonly string[];
  /** Bytes written to git's stdin (then closed). */
  readonly input?: string | Buffer;
  readonly signal?: AbortSignal;
  /** Exit codes that are answers rather than failures (`cat-file -e` exits 1 for "no such object"). */
  readonly okCodes?: readonly number[];
}

/** What a git invocation printed and how it ended. */
export interface GitOutput {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

/** How long to keep retrying while another process holds `index.lock` (or another git lock). */
const LOCK_RETRY_MS = 10_000;

const LOCK_HELD = /Unable to create '[^']*\.lock': File exists/;

/**
 * Settings given on every command line, so that no configuration file (the shadow repository's own
 * included, which a tool could rewrite) can change what a snapshot records:
 * - no line-ending, filter or encoding conversion (`autocrlf`, `eol`, `safecrlf`; attributes are handled
 *   by the shadow repository's `info/attributes`), so every file round-trips byte for byte;
 * - symlinks stored as links, the executable bit kept;
 * - no fsmonitor daemon, no hooks, no automatic gc or maintenance in the middle of a take;
 * - the untracked cache on, which makes the scan of an unchanged workspace cheap;
 * - any owner accepted: the workspace may belong to another user (a mounted volume in a container).
 */
function configArgs(gitDir: string): string[] {
  const settings = [
    'core.autocrlf=false',
    'core.eol=lf',
    'core.safecrlf=false',
    'core.symlinks=true',
    'core.quotePath=false',
    'core.fsmonitor=false',
    'core.untrackedCache=true',
    'core.splitIndex=false',
    'core.sparseCheckout=false',
    'core.bare=false',
    `core.hooksPath=${path.join(gitDir, 'no-hooks')}`,
    'gc.auto=0',
    'maintenance.auto=false',
    'safe.directory=*',
    'commit.gpgSign=false',
  ];
  // Windows file systems have no executable bit; git's own probe at init decides there.
  if (process.platform !== 'win32') settings.push('core.fileMode=true');
  return settings.flatMap((setting) => ['-c', setting]);
}

/**
 * The environment git runs in: the caller's, minus every `GIT_*` variable (a hook or an IDE may have set
 * `GIT_INDEX_FILE` or `GIT_DIR` for the user's repository), with the user's and the system's configuration
 * files switched off and `HOME` pointed at the shadow repository so that older gits, which do not know
 * `GIT_CONFIG_GLOBAL`, find no `~/.gitconfig` either.
 */
function gitEnv(target: GitTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toUpperCase().startsWith('GIT_')) env[name] = value;
  }
  return {
    ...env,
    GIT_DIR: target.gitDir,
    GIT_WORK_TREE: target.workTree,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: process.platform === 'win32' ? 'NUL' : '/dev/null',
    HOME: target.gitDir,
    XDG_CONFIG_HOME: target.gitDir,
    GIT_LITERAL_PATHSPECS: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'icode',
    GIT_AUTHOR_EMAIL: 'snapshots@icode.invalid',
    GIT_COMMITTER_NAME: 'icode',
    GIT_COMMITTER_EMAIL: 'snapshots@icode.invalid',
    // Messages are matched (lock contention), so they must not be translated.
    LC_ALL: 'C',
    LANGUAGE: 'C',
  };
}

function runOnce(target: GitTarget, call: GitCall): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...configArgs(target.gitDir), ...call.args], {
      cwd: target.workTree,
      env: gitEnv(target),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // git may exit before reading all of stdin (a failed command); that is reported by its exit code.
    child.stdin.on('error', () => undefined);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (call.signal?.aborted) reject(abortReason(call.signal));
      else if (error.code === 'ENOENT')
        reject(
          new SnapshotError('git-missing', 'Workspace snapshots need the `git` binary on PATH; it was not found.', {
            cause: error,
          }),
        );
      else reject(new SnapshotError('git-failed', `git could not be started: ${error.message}`, { cause: error }));
    });
    child.once('close', (code) => {
      if (call.signal?.aborted) {
        reject(abortReason(call.signal));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), code: code ?? -1 });
    });
    child.stdin.end(call.input ?? '');
  });
}

/**
 * Runs git on the shadow repository and returns its output. Retries for up to ten seconds while another
 * process holds a git lock; any other non-zero exit (outside `okCodes`) throws a `git-failed`
 * {@link SnapshotError} carrying git's message.
 */
export async function git(target: GitTarget, call: GitCall): Promise<GitOutput> {
  const deadline = performance.now() + LOCK_RETRY_MS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const output = await runOnce(target, call);
    if (output.code === 0 || call.okCodes?.includes(output.code)) return output;
    if (LOCK_HELD.test(output.stderr) && performance.now() < deadline) {
      await sleep(wait, call.signal);
      continue;
    }
    const command = call.args.find((arg) => !arg.startsWith('-')) ?? 'git';
    throw new SnapshotError(
      'git-failed',
      `git ${command} failed on the snapshot repository ${target.gitDir} (exit ${output.code}): ${output.stderr.trim() || 'no message'}`,
    );
  }
}

/** Splits NUL-terminated git output (`-z`) into strings, dropping the empty tail. */
export function splitNul(output: Buffer): string[] {
  const text = output.toString('utf8');
  if (text === '') return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
