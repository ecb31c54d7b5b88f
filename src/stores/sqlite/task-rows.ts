/**
 * Background task records in the SQL stores: the row → record mapping (with the liveness judgement that
 * reads a task as `interrupted` once the process running it is gone), the owner columns a write records,
 * and the lease renewal of the tasks a store instance runs. Shared by the SQLite and Postgres stores;
 * internal.
 */
import { randomUUID } from 'node:crypto';
import { isActiveTask } from '../task-helpers.js';
import type { TaskOwner, TaskRecord, TaskRecordInput, TaskStatus } from '../types.js';
import { holderIsGone, localHolder } from './lock-owner.js';

/** The columns a task read selects. */
export const TASK_COLUMNS =
  'id, session_id, revision, status, updated_at, record, host, pid, started, scope, lease_until';

/** The lease of a running task's record when the store's options give none. */
export const DEFAULT_TASK_LEASE_MS = 30_000;

const present = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * A `tasks` row → its record. A pending or running task whose owner process is certainly gone (it ran on
 * this machine and its pid is free or reused), or whose lease ran out (its owner stopped renewing it: a
 * crashed machine, a closed store), reads as `interrupted`.
 */
export function toTaskRecord(row: Record<string, unknown>, now = Date.now()): TaskRecord {
  const fields = JSON.parse(row.record as string) as TaskRecordInput;
  const status = row.status as TaskStatus;
  const owner: TaskOwner | undefined = present(row.pid)
    ? { ...(typeof row.host === 'string' ? { host: row.host } : {}), pid: Number(row.pid) }
    : undefined;
  const record: TaskRecord = {
    ...fields,
    status,
    revision: Number(row.revision),
    updatedAt: Number(row.updated_at),
    ...(owner ? { owner } : {}),
  };
  if (!isActiveTask(status)) return record;
  const leaseOver = present(row.lease_until) && Number(row.lease_until) < now;
  const gone = holderIsGone({
    scope: row.scope,
    pid: present(row.pid) ? Number(row.pid) : undefined,
    started: row.started,
  });
  if (!leaseOver && !gone) return record;
  const who = owner?.pid === undefined ? '' : ` (pid ${owner.pid}${owner.host ? ` on ${owner.host}` : ''})`;
  return {
    ...record,
    status: 'interrupted',
    error: `The process that ran it${who} ${gone ? 'ended' : 'stopped renewing it'} before the task finished; it was ${status} then.`,
  };
}

/**
 * The owner columns of a write (`owner_token, host, pid, started, scope, lease_until`): this process and a
 * fresh lease for a pending or running task, nothing for one that ended.
 */
export function ownerColumns(status: TaskStatus, token: string, leaseMs: number, now: number): unknown[] {
  if (!isActiveTask(status)) return [null, null, null, null, null, null];
  const self = localHolder();
  return [token, self.host, self.pid, self.started, self.scope, now + leaseMs];
}

/**
 * Renews the leases of the pending and running tasks one store instance wrote, while it has any: one
 * statement per interval (a third of the lease), whatever their number. Unref'd, so it never keeps a
 * process alive.
 */
export class TaskLeases {
  /** Marks the rows this instance owns. */
  readonly token: string = randomUUID();
  readonly leaseMs: number;
  readonly #active = new Set<string>();
  readonly #renew: (token: string, leaseUntil: number) => unknown;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `renew` extends the lease of every active row marked with `token`; its failures are retried next tick. */
  constructor(leaseMs: number, renew: (token: string, leaseUntil: number) => unknown) {
    this.leaseMs = leaseMs;
    this.#renew = renew;
  }

  /** Records what a committed write left: task `id` is active (renew it) or not. */
  track(id: string, status: TaskStatus): void {
    if (isActiveTask(status)) this.#active.add(id);
    else this.#active.delete(id);
    if (this.#active.size > 0 && this.#timer === undefined) {
      this.#timer = setInterval(
        () => {
          try {
            void Promise.resolve(this.#renew(this.token, Date.now() + this.leaseMs)).catch(() => undefined);
          } catch {
            // Busy or briefly unreachable: the next tick tries again, well within the lease.
          }
        },
        Math.max(50, Math.floor(this.leaseMs / 3)),
      );
      this.#timer.unref?.();
    } else if (this.#active.size === 0) this.stop();
  }

  /** Stops renewing (the store closes): the tasks read as interrupted once their lease runs out. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
