/**
 * How `localSandbox` runs a command: on the host, or, for a read-only command, inside a read-only
 * bubblewrap profile when bubblewrap works here.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { isBubblewrapAvailable } from './bwrap-probe.js';
import { planBwrapMounts } from './bwrap-profile.js';
import { runCommand, type CommandSpec } from './run-command.js';
import type { ExecResult } from './types.js';

/** Thrown by `localSandbox.exec` for a `readOnly` command when nothing on this machine can enforce it. */
export class ReadOnlyUnavailableError extends Error {
  override readonly name = 'ReadOnlyUnavailableError';
  /** Brand, so `error.name` checks and the other errors of icode work alike across copies of the package. */
  static readonly brand: symbol = Symbol.for('icode.error.ReadOnlyUnavailableError');
}

/** What {@link execLocal} runs: a command spec without mounts (it decides them), and whether it is read-only. */
export interface LocalCommand extends Omit<CommandSpec, 'bwrap'> {
  readonly readOnly: boolean;
}

/**
 * Runs a `localSandbox` command. A `readOnly` one runs under bubblewrap with the whole file system
 * read-only and `.icode/` hidden (network as on the host, since `localSandbox` commands have it); where
 * bubblewrap does not work (macOS, a container without user namespaces), it is refused: the policy judged
 * the command read-only, but nothing would hold it to that.
 *
 * @throws ReadOnlyUnavailableError for a `readOnly` command where bubblewrap does not work.
 */
export async function execLocal(spec: LocalCommand): Promise<ExecResult> {
  const { readOnly, ...rest } = spec;
  if (!readOnly) return runCommand(rest);
  if (!(await isBubblewrapAvailable())) {
    throw new ReadOnlyUnavailableError(
      'This command was not run: in read-only mode commands run in a read-only OS sandbox, and bubblewrap (Linux) is not available on this machine. Use the read, grep, glob and list tools instead.',
    );
  }
  const plan = await planBwrapMounts({
    root: spec.root,
    writable: [spec.root],
    protectedPaths: [],
    hide: [path.join(spec.root, '.icode')],
    network: true,
    readOnly: true,
    tmpSizeBytes: 256 * 1024 ** 2,
  });
  return runCommand({ ...rest, bwrap: { file: 'bwrap', plan, network: true } });
}
