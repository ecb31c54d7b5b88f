/**
 * Who holds a SQLite run lock, and whether that process is gone: the lock row records the holder's host,
 * pid, process start time and pid scope, so a new locker on the same machine can free the lock of a
 * crashed holder at once instead of waiting out its lease. Internal to `icode/stores/sqlite`.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** The holder columns of a `session_locks` row. */
export interface LockHolder {
  /** Host name, for people reading the owner. */
  readonly host: string;
  readonly pid: number;
  /** The process start time in clock ticks since boot (Linux), so a reused pid is not mistaken for the holder. */
  readonly started: string | null;
  /**
   * Where `pid` means something: the boot id and pid namespace on Linux (so two containers that share a
   * file and a host name never judge each other's pids), else the host name.
   */
  readonly scope: string;
}

/** Reads a small file of /proc, or `undefined` when it is not there (not Linux, or a restricted /proc). */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 3 (state) and field 22 (start time) of `/proc/<pid>/stat`; the name before them may hold spaces. */
function procStat(pid: number | 'self'): { state: string; started: string } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const started = fields[19];
  return state && started ? { state, started } : undefined;
}

function localScope(): string {
  const bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  let pidNamespace: string | undefined;
  try {
    pidNamespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not Linux, or no access: fall back to the host name.
  }
  return bootId && pidNamespace ? `linux:${bootId}:${pidNamespace}` : `host:${hostname()}`;
}

let local: LockHolder | undefined;

/** This process as a lock holder (computed once). */
export function localHolder(): LockHolder {
  return (local ??= {
    host: hostname(),
    pid: process.pid,
    started: procStat('self')?.started ?? null,
    scope: localScope(),
  });
}

/**
 * Whether the process that holds a lock is certainly gone: it ran where this process can see its pid
 * (same scope), and that pid is now free, a zombie, or a different process (another start time). Unknown
 * holders (rows of an older schema, another machine or container) are never judged gone: their lease
 * decides.
 */
export function holderIsGone(holder: Partial<Record<keyof LockHolder, unknown>>): boolean {
  const self = localHolder();
  if (holder.scope !== self.scope || typeof holder.pid !== 'number' || !Number.isInteger(holder.pid)) return false;
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // ESRCH: no such process. EPERM: it exists under another user, so it may be the holder.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (self.started === null) return false;
  const stat = procStat(holder.pid);
  if (!stat) return false;
  // A zombie has exited but was not reaped yet: it holds nothing.
  if (stat.state === 'Z' || stat.state === 'X') return true;
  return typeof holder.started === 'string' && holder.started !== stat.started;
}
