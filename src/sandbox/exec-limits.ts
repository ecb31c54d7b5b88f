/**
 * Resource limits of one command: processes, memory, file size and CPU time, applied by the shell that
 * starts it (`ulimit`, i.e. `setrlimit`) and, for processes, by a pids cgroup where the host can make one.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors/config-error.js';

/**
 * Per-command resource limits. A number sets the limit, `false` leaves it as the host has it. The limits
 * are inherited by everything the command starts and cannot be raised by it.
 *
 * - `processes`: tasks (processes and threads) the command may have at once. Enforced by a pids cgroup
 *   when the host can create one (as root), else by `RLIMIT_NPROC`, which counts per user: under
 *   `bubblewrapSandbox` that is the command's own user namespace, so only its own tasks count; with
 *   `localSandbox` it would count every process of the user, so it is applied there only through a cgroup.
 *   `RLIMIT_NPROC` does not bind root: as root without a cgroup, there is no process limit.
 * - `memoryBytes`: data memory per process (`RLIMIT_DATA`: heap and private writable mappings). Not the
 *   address space: runtimes reserve far more address space than they use (one WebAssembly memory
 *   reserves 10 GiB), and an address-space limit breaks them.
 * - `fileSizeBytes`: the largest file a process may write (`RLIMIT_FSIZE`; past it, `SIGXFSZ`/`EFBIG`).
 * - `cpuSeconds`: CPU time per process (`RLIMIT_CPU`; past it, `SIGXCPU` then `SIGKILL`).
 *
 * @example
 * ```ts
 * bubblewrapSandbox({ root, limits: { processes: 128, memoryBytes: 2 * 1024 ** 3 } });
 * ```
 */
export interface ExecLimits {
  /** Processes and threads the command may run at once (a pids cgroup, else `RLIMIT_NPROC`). @defaultValue 512 */
  readonly processes?: number | false;
  /** Data memory of each process (`RLIMIT_DATA`). @defaultValue 8 GiB */
  readonly memoryBytes?: number | false;
  /** Largest file a process may write (`RLIMIT_FSIZE`). @defaultValue 1 GiB */
  readonly fileSizeBytes?: number | false;
  /** CPU time of each process (`RLIMIT_CPU`). @defaultValue 3600 */
  readonly cpuSeconds?: number | false;
}

/** Limits with every field decided. */
export interface ResolvedExecLimits {
  /** See {@link ExecLimits.processes}; `false`: as the host has it. */
  readonly processes: number | false;
  /** See {@link ExecLimits.memoryBytes}. */
  readonly memoryBytes: number | false;
  /** See {@link ExecLimits.fileSizeBytes}. */
  readonly fileSizeBytes: number | false;
  /** See {@link ExecLimits.cpuSeconds}. */
  readonly cpuSeconds: number | false;
}

/**
 * The limits a command gets when none are given. Generous for real work (a parallel build, a test runner
 * with a worker per core, a large compile), small enough that a fork bomb, a runaway allocation or a
 * file filling the disk stops early.
 */
export const DEFAULT_EXEC_LIMITS: ResolvedExecLimits = {
  processes: 512,
  memoryBytes: 8 * 1024 ** 3,
  fileSizeBytes: 1024 ** 3,
  cpuSeconds: 3600,
};

const MINIMUMS: Record<keyof ResolvedExecLimits, number> = {
  processes: 8,
  memoryBytes: 16 * 1024 ** 2,
  fileSizeBytes: 1024,
  cpuSeconds: 1,
};

/**
 * Checks `limits` and fills in the defaults.
 *
 * @throws ConfigError when a limit is not a whole number at least its minimum, or `false`.
 */
export function resolveExecLimits(limits: ExecLimits | undefined, factory: string): ResolvedExecLimits {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null)) {
    throw new ConfigError(`${factory}: limits must be an object.`);
  }
  const resolved: Record<string, number | false> = {};
  for (const key of Object.keys(DEFAULT_EXEC_LIMITS) as (keyof ResolvedExecLimits)[]) {
    const value = limits?.[key] ?? DEFAULT_EXEC_LIMITS[key];
    if (value !== false && !(Number.isSafeInteger(value) && value >= MINIMUMS[key])) {
      throw new ConfigError(
        `${factory}: limits.${key} must be a whole number of at least ${MINIMUMS[key]}, or false; got ${String(value)}.`,
      );
    }
    resolved[key] = value;
  }
  return resolved as unknown as ResolvedExecLimits;
}

/**
 * Bash lines that lower the limits of the shell (and so of everything it then runs). A limit is only ever
 * lowered: when the host's hard limit is already below it, the host's stays. `rlimitProcesses: false`
 * leaves `RLIMIT_NPROC` alone (see {@link ExecLimits.processes}).
 */
export function limitScript(limits: ResolvedExecLimits, rlimitProcesses: boolean): string {
  const caps: string[] = [];
  if (rlimitProcesses && limits.processes !== false) caps.push(`-u ${limits.processes}`);
  // bash counts -d in KiB and -f in 1024-byte blocks (outside POSIX mode).
  if (limits.memoryBytes !== false) caps.push(`-d ${Math.floor(limits.memoryBytes / 1024)}`);
  if (limits.fileSizeBytes !== false) caps.push(`-f ${Math.floor(limits.fileSizeBytes / 1024)}`);
  if (limits.cpuSeconds !== false) caps.push(`-t ${limits.cpuSeconds}`);
  if (caps.length === 0) return '';
  return [
    'icode_cap() { local h; h=$(ulimit -H "$1") || return 0;',
    '  if [ "$h" = unlimited ] || [ "$h" -gt "$2" ]; then ulimit -H -S "$1" "$2" 2>/dev/null; fi; return 0; }',
    ...caps.map((cap) => `icode_cap ${cap}`),
    'unset -f icode_cap',
  ].join('\n');
}
