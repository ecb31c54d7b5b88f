/**
 * The best sandbox this machine has: bubblewrap where it works, else the host with a warning.
 *
 * @packageDocumentation
 */
import { isBubblewrapAvailableSync } from './bwrap-probe.js';
import { bubblewrapSandbox, type BubblewrapSandboxOptions } from './bubblewrap-sandbox.js';
import { localSandbox, type IsolatedSandbox } from './local-sandbox.js';

/** Options of {@link autoSandbox}: those of {@link bubblewrapSandbox}; the bubblewrap-only ones are ignored without it. */
export type AutoSandboxOptions = BubblewrapSandboxOptions;

/** The code of the warning {@link autoSandbox} emits once when commands cannot be contained. */
export const NO_OS_SANDBOX_WARNING = 'ICODE_NO_OS_SANDBOX';

let warned = false;

/**
 * `bubblewrapSandbox(options)` when bubblewrap can build a sandbox on this machine (probed once per
 * process), else `localSandbox(options)` and, once per process, a `process.emitWarning` with code
 * `ICODE_NO_OS_SANDBOX` saying that bash commands run on the host uncontained. `createAgent` and
 * `codingTools({ root })` use it when no sandbox is given. Check `sandbox.isolation` to know which one you
 * got.
 *
 * Without bubblewrap (macOS, Windows, a container that forbids user namespaces) file tools are still
 * contained, commands are not; `read-only` mode then refuses to run bash at all.
 *
 * @example
 * ```ts
 * const sandbox = autoSandbox({ root: process.cwd(), network: true });
 * if (sandbox.isolation === 'none') console.warn('bash runs on the host');
 * ```
 * @throws ConfigError when `root` does not exist or an option is out of range.
 */
export function autoSandbox(options: AutoSandboxOptions): IsolatedSandbox {
  if (process.platform === 'linux' && isBubblewrapAvailableSync(options.bwrapPath)) return bubblewrapSandbox(options);
  const sandbox = localSandbox(options);
  if (!warned) {
    warned = true;
    process.emitWarning(
      `bubblewrap is not available on this machine (${process.platform}): bash commands run on the host with the user's rights, not contained by an OS sandbox. File tools stay confined to the workspace. Install bubblewrap (Linux) to contain commands.`,
      { code: NO_OS_SANDBOX_WARNING },
    );
  }
  return sandbox;
}
