/**
 * A pids cgroup per command, where the host lets this process make one (as root, on cgroup v1 or v2).
 * `RLIMIT_NPROC` does not bind root, so this is the only process limit root can have; it also lets the
 * sandbox kill what a command left behind after leaving its process group (`setsid`).
 *
 * @packageDocumentation
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One command's cgroup. */
export interface PidsCgroup {
  /** Where a process writes its pid to join (`cgroup.procs`). */
  readonly procs: string;
  /** Kills whatever is still in the cgroup and removes it. Never throws. */
  close(): Promise<void>;
}

let parent: string | null | undefined;
let counter = 0;

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Directories under which a child cgroup with a `pids.max` could be made, best first. */
function candidates(): string[] {
  const found: string[] = [];
  const own = readText('/proc/self/cgroup').split('\n');
  for (const line of readText('/proc/self/mountinfo').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const mountPoint = pre.split(' ')[4];
    const [type, , options = ''] = post.split(' ');
    if (!mountPoint || mountPoint.includes('\\')) continue;
    if (type === 'cgroup2' && readText(path.join(mountPoint, 'cgroup.subtree_control')).split(/\s+/).includes('pids')) {
      // The root of the hierarchy: the one place of cgroup v2 where a process-holding parent is allowed.
      found.push(mountPoint);
    }
    if (type === 'cgroup' && options.split(',').includes('pids')) {
      const entry = own.find((cgroupLine) => cgroupLine.split(':')[1]?.split(',').includes('pids'));
      const relative = entry?.split(':').slice(2).join(':');
      if (relative !== undefined) found.push(path.join(mountPoint, relative));
    }
  }
  return found;
}

/** Where this process can make pids cgroups, found once; `undefined` when it cannot. */
function pidsParent(): string | undefined {
  if (parent !== undefined) return parent ?? undefined;
  parent = null;
  if (process.platform !== 'linux') return undefined;
  for (const candidate of candidates()) {
    const probe = path.join(candidate, `icode-probe-${process.pid}`);
    try {
      mkdirSync(probe);
    } catch {
      continue;
    }
    const usable = existsSync(path.join(probe, 'pids.max')) && existsSync(path.join(probe, 'cgroup.procs'));
    try {
      rmdirSync(probe);
    } catch {
      // An empty cgroup just made always goes; nothing else to do.
    }
    if (usable) {
      parent = candidate;
      break;
    }
  }
  return parent ?? undefined;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A new cgroup allowing `maxTasks` tasks (processes and threads), or `undefined` when the host gives none
 * (not root, no pids controller, a read-only cgroup file system).
 */
export function createPidsCgroup(maxTasks: number): PidsCgroup | undefined {
  const base = pidsParent();
  if (base === undefined) return undefined;
  const dir = path.join(base, `icode-${process.pid}-${++counter}`);
  try {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'pids.max'), String(maxTasks));
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // Never made.
    }
    return undefined;
  }
  return {
    procs: path.join(dir, 'cgroup.procs'),
    async close() {
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          rmdirSync(dir);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        }
        // Still populated: a process that left the command's process group. Kill every member.
        for (const pid of readText(path.join(dir, 'cgroup.procs')).split('\n')) {
          if (!/^\d+$/.test(pid)) continue;
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        await pause(20);
      }
    },
  };
}
