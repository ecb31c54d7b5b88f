/**
 * How both sandboxes start a command: the safe git environment, the resource limits, a pids cgroup where
 * one can be had, and bubblewrap around it when asked.
 *
 * @packageDocumentation
 */
import { BWRAP_BASE_FLAGS } from './bwrap-probe.js';
import { VERIFY_MOUNTS_SCRIPT, type BwrapPlan } from './bwrap-profile.js';
import { limitScript, type ResolvedExecLimits } from './exec-limits.js';
import { withSafeGitEnv } from './git-env.js';
import { createPidsCgroup } from './pids-cgroup.js';
import { spawnProcess, type SpawnOptions } from './spawn-process.js';
import type { ExecResult } from './types.js';

/** What {@link runCommand} starts. */
export interface CommandSpec {
  readonly command: string;
  /** Canonical workspace root: where git discovery stops. */
  readonly root: string;
  readonly cwd: string;
  /** The environment before the git settings (scrubbed host environment and defaults). */
  readonly env: Readonly<Record<string, string>>;
  /** Variables the caller of `exec` added: set last. */
  readonly extraEnv?: Readonly<Record<string, string>> | undefined;
  readonly limits: ResolvedExecLimits;
  /** Run inside bubblewrap with these mounts; absent: on the host. */
  readonly bwrap?: { readonly file: string; readonly plan: BwrapPlan; readonly network: boolean };
  /** Timeout, signal, output handling and kill grace, passed to `spawnProcess` as they are. */
  readonly spawn: Omit<SpawnOptions, 'file' | 'args' | 'cwd' | 'env'>;
}

/**
 * Runs `bash -c command` as the spec says. Inside the sandbox a first shell checks the mounts, lowers the
 * limits and then `exec`s the command's shell, so the command sees only its own shell. With a pids cgroup,
 * a `/bin/sh` joins it before anything else starts, and whatever is left in it at the end is killed.
 */
export async function runCommand(spec: CommandSpec): Promise<ExecResult> {
  const cgroup = spec.limits.processes === false ? undefined : createPidsCgroup(spec.limits.processes);
  // RLIMIT_NPROC counts every process of the user; only in bwrap's own user namespace is that the command's.
  const rlimitProcesses = cgroup === undefined && spec.bwrap !== undefined;
  const script = [
    'icode_cmd=$1; shift',
    spec.bwrap ? VERIFY_MOUNTS_SCRIPT : '',
    limitScript(spec.limits, rlimitProcesses),
    'exec bash -c "$icode_cmd"',
  ]
    .filter(Boolean)
    .join('\n');
  const inner = ['-c', script, 'icode', spec.command, ...(spec.bwrap?.plan.checks ?? [])];
  let file = 'bash';
  let args = inner;
  if (spec.bwrap) {
    file = spec.bwrap.file;
    args = [
      ...spec.bwrap.plan.args,
      ...BWRAP_BASE_FLAGS,
      ...(spec.bwrap.network ? ['--share-net'] : []),
      '--chdir',
      spec.cwd,
      '--',
      'bash',
      ...inner,
    ];
  }
  if (cgroup) {
    // Join the cgroup first, so not one process of the command runs outside it.
    args = ['-c', 'echo $$ > "$0" || exit 125; exec "$@"', cgroup.procs, file, ...args];
    file = '/bin/sh';
  }
  try {
    return await spawnProcess({
      file,
      args,
      cwd: spec.cwd,
      env: { ...withSafeGitEnv(spec.env, spec.root), ...spec.extraEnv },
      ...spec.spawn,
    });
  } finally {
    await cgroup?.close();
    spec.bwrap?.plan.release();
  }
}
