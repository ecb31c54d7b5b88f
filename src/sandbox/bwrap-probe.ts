/**
 * Whether bubblewrap can build a sandbox on this machine, asked once per binary and process.
 *
 * @packageDocumentation
 */
import { execFile, spawnSync } from 'node:child_process';

/**
 * Flags every sandboxed command gets. `--cap-drop ALL` matters when the host process is root: without it
 * the command keeps CAP_SYS_ADMIN inside the sandbox and can simply `mount -o remount,rw /` (verified).
 * `--new-session` stops TIOCSTI keystroke injection into the caller's terminal; `--die-with-parent` and the
 * PID namespace take every process of the command down with bwrap.
 */
export const BWRAP_BASE_FLAGS: readonly string[] = [
  '--unshare-all',
  '--die-with-parent',
  '--new-session',
  '--cap-drop',
  'ALL',
];

const PROBE_ARGS = ['--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', ...BWRAP_BASE_FLAGS, '--', 'true'];

const answers = new Map<string, boolean>();
const probes = new Map<string, Promise<boolean>>();

/**
 * Whether bubblewrap can really build a sandbox here: it runs `bwrap … true` with the flags every command
 * gets (namespaces may be forbidden, as in Docker's default seccomp profile, even when the binary exists).
 * The answer is cached per binary for the life of the process.
 *
 * @example
 * ```ts
 * const sandbox = (await isBubblewrapAvailable()) ? bubblewrapSandbox({ root }) : localSandbox({ root });
 * ```
 */
export function isBubblewrapAvailable(bwrapPath = 'bwrap'): Promise<boolean> {
  const known = answers.get(bwrapPath);
  if (known !== undefined) return Promise.resolve(known);
  let probe = probes.get(bwrapPath);
  if (!probe) {
    probe = new Promise<boolean>((resolve) => {
      execFile(bwrapPath, PROBE_ARGS, { timeout: 10_000 }, (error) => {
        answers.set(bwrapPath, error === null);
        resolve(error === null);
      });
    });
    probes.set(bwrapPath, probe);
  }
  return probe;
}

/**
 * {@link isBubblewrapAvailable}, answered synchronously: for factories that must choose a sandbox at once
 * (`codingTools({ root })`). Blocks for the few milliseconds of one `bwrap … true`, once per process.
 */
export function isBubblewrapAvailableSync(bwrapPath = 'bwrap'): boolean {
  let known = answers.get(bwrapPath);
  if (known === undefined) {
    const result = spawnSync(bwrapPath, PROBE_ARGS, { timeout: 10_000, stdio: 'ignore' });
    known = result.error === undefined && result.status === 0;
    answers.set(bwrapPath, known);
  }
  return known;
}
