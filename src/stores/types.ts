/**
 * The SessionStore contract: where a session's conversation, pending approvals, compaction boundaries and
 * workspace snapshot ids live, as one ordered log of entries.
 *
 * @packageDocumentation
 */
import type { SessionLockOwner } from '../events/agent-event.js';
import type { PendingApproval } from '../events/run-result.js';
import type { JsonValue, Message, ToolResultPart } from '../model/message.js';

/**
 * The schema number of the entries this version of icode writes. Stores record it with each entry so a
 * later version can read what an earlier one wrote.
 */
export const ENTRY_SCHEMA_VERSION = 1;

/** A message of the conversation. `turn` is the run-local turn that produced it (0 for user input). */
export interface MessageEntry {
  readonly type: 'message';
  readonly message: Message;
  /** The session-wide turn number this message belongs to. */
  readonly turn?: number;
}

/** Tool calls that wait for a person's decision; the run paused after storing this. */
export interface PendingApprovalsEntry {
  readonly type: 'pending-approvals';
  readonly requests: readonly PendingApproval[];
  /** Results of the same turn's other tool calls, sent to the model together with the decided ones. */
  readonly results?: readonly ToolResultPart[];
  /** The session turn that paused. */
  readonly turn?: number;
}

/** Decisions on pending approvals, recorded when a paused run resumes. */
export interface ApprovalsResolvedEntry {
  readonly type: 'approvals-resolved';
  readonly decisions: Readonly<Record<string, 'allow' | 'deny'>>;
}

/**
 * A compaction boundary. In `summary` mode (the default) the messages stored at versions up to `upTo` are
 * represented by `summary` from here on; in `prune` mode they stay, but their tool outputs are replaced by
 * a short note. The full history stays in the store either way.
 */
export interface CompactionEntry {
  readonly type: 'compaction';
  readonly strategy: string;
  /** @defaultValue 'summary' */
  readonly mode?: 'summary' | 'prune';
  readonly summary: string;
  /** Version (entry count) up to which history is compacted. */
  readonly upTo: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
}

/** A workspace snapshot taken before a turn that may change files. */
export interface SnapshotEntry {
  readonly type: 'snapshot';
  readonly snapshotId: string;
  readonly turn: number;
}

/** Free-form data an application or a tool keeps with the session (todo lists, notes). */
export interface DataEntry {
  readonly type: 'data';
  readonly key: string;
  readonly value: JsonValue;
}

/** Any entry of a session log. */
export type SessionEntry =
  MessageEntry | PendingApprovalsEntry | ApprovalsResolvedEntry | CompactionEntry | SnapshotEntry | DataEntry;

/** An entry as stored: with its position and the schema it was written with. */
export interface StoredEntry {
  /** 1-based position in the session; the session's version after this entry was appended. */
  readonly seq: number;
  readonly schemaVersion: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly entry: SessionEntry;
}

/** What a store knows about a session. */
export interface SessionInfo {
  readonly id: string;
  /** Number of entries; appends pass it back as `expectedVersion`. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** The session this one was forked from. */
  readonly parentId?: string;
}

/** Options of {@link SessionStore.create}. */
export interface CreateSessionOptions {
  /** Use this id instead of a generated one. */
  readonly id?: string;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/** Options of {@link SessionStore.list}. */
export interface ListSessionsOptions {
  /** Page size. @defaultValue 50 */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Only sessions whose metadata has all of these key/value pairs. */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/** A page of sessions, newest (last updated) first. */
export interface SessionPage {
  readonly sessions: readonly SessionInfo[];
  readonly nextCursor?: string;
}

/** A whole session. */
export interface LoadedSession {
  readonly info: SessionInfo;
  readonly entries: readonly StoredEntry[];
}

/** A held run lock on a session (see {@link SessionStore.lockSession}). */
export interface SessionLock {
  readonly sessionId: string;
  release(): Promise<void>;
}

export type { SessionLockOwner } from '../events/agent-event.js';

/** What {@link LockSessionOptions.onWait} is told when a lock is held by someone else. */
export interface LockWait {
  readonly sessionId: string;
  /** The holder, when the store records it. */
  readonly owner?: SessionLockOwner;
  /** When the wait started, in milliseconds since the epoch. */
  readonly since: number;
}

/** Options of {@link SessionStore.lockSession}. */
export interface LockSessionOptions {
  /** Stops waiting for the lock; the returned promise rejects with the abort reason. */
  readonly signal?: AbortSignal;
  /**
   * Gives up after waiting this many milliseconds: the returned promise rejects with `SessionLockedError`.
   * `0` takes the lock only if it is free now. @defaultValue no limit
   */
  readonly timeoutMs?: number;
  /** Called once, before waiting, when the lock is held by someone else (not called when it is free). */
  readonly onWait?: (wait: LockWait) => void;
}

/**
 * Where a background task is: waiting for a slot (`pending`), `running`, ended by itself (`completed` or
 * `failed`), ended by `task_stop` (`stopped`), or cut off because the process running it ended first
 * (`interrupted`, judged by the store when it reads a pending or running record; never written).
 */
export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted';

/** The process that runs a task, as a durable store records it. */
export interface TaskOwner {
  /** Host name of the process. */
  readonly host?: string;
  readonly pid?: number;
}

/**
 * A background task as written: a sub-agent run (`kind: 'agent'`) or a shell command (`kind: 'shell'`)
 * started from a session, that outlives the turn that started it. The store adds `revision`, `updatedAt`
 * and, for a pending or running task in a durable store, its `owner`.
 */
export interface TaskRecordInput {
  /** Unique across the store. */
  readonly id: string;
  /** The session that created the task (it need not be in this store). */
  readonly sessionId: string;
  readonly kind: 'agent' | 'shell';
  readonly status: TaskStatus;
  /** What the task is for, in a few words. */
  readonly description: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Agent tasks: the agent's name. */
  readonly agent?: string;
  /** Agent tasks: the first prompt. */
  readonly prompt?: string;
  /** Agent tasks: the sub-agent's own session (in the sub-agent's store), linked to `sessionId` by metadata. */
  readonly runSessionId?: string;
  /** Shell tasks: the command, and the directory it runs in. */
  readonly command?: string;
  readonly cwd?: string;
  /** Free notes kept with the task. */
  readonly notes?: string;
  /** Output so far (head and tail when long); the final text once it ended. */
  readonly output?: string;
  /** Why it failed, or was stopped or interrupted. */
  readonly error?: string;
  /** Shell tasks: the exit code, `null` when killed by a signal. */
  readonly exitCode?: number | null;
}

/**
 * A background task as stored and read back.
 *
 * @example
 * ```ts
 * for (const task of await store.listTasks!(sessionId))
 *   if (task.status === 'interrupted') console.log(task.id, task.error, task.output);
 * ```
 */
export interface TaskRecord extends TaskRecordInput {
  /** 1 when created, one more on each write; writes name the revision they expect. */
  readonly revision: number;
  /** When it was last written, in milliseconds since the epoch. */
  readonly updatedAt: number;
  /** The process running a pending or running task, when the store records it. */
  readonly owner?: TaskOwner;
}

/** Options of {@link SessionStore.putTask}. */
export interface PutTaskOptions {
  /**
   * The revision the stored task has now: `0` to create it. A stale one throws a `StoreError` with code
   * `STORE_CONFLICT` (another writer got there first: read it again and decide).
   */
  readonly expectedRevision: number;
}

/**
 * Where sessions live. Appends are atomic (all entries or none) and ordered: each append names the
 * version it expects, and a stale one throws `StoreConflictError`. Every method throws
 * `SessionNotFoundError` for an unknown id, except `get` (which returns `undefined`), `delete` (a no-op) and
 * the task methods (tasks are keyed by their own id).
 *
 * Entries are treated as immutable once appended: stores may keep the objects they were given.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * const session = await store.create({ metadata: { user: 'ada' } });
 * await store.append(session.id, [{ type: 'message', message: userMessage }], { expectedVersion: 0 });
 * const { entries } = await store.load(session.id);
 * ```
 */
export interface SessionStore {
  create(options?: CreateSessionOptions): Promise<SessionInfo>;
  get(sessionId: string): Promise<SessionInfo | undefined>;
  list(options?: ListSessionsOptions): Promise<SessionPage>;
  /** Appends entries atomically; returns the new version. */
  append(sessionId: string, entries: readonly SessionEntry[], options: { expectedVersion: number }): Promise<number>;
  load(sessionId: string): Promise<LoadedSession>;
  /** Keeps the first `version` entries and drops the rest. */
  truncate(sessionId: string, options: { version: number; expectedVersion?: number }): Promise<SessionInfo>;
  /** A new session holding a copy of the first `version` entries (all when omitted), independent afterwards. */
  fork(
    sessionId: string,
    options?: { version?: number; id?: string; metadata?: Readonly<Record<string, JsonValue>> },
  ): Promise<SessionInfo>;
  delete(sessionId: string): Promise<void>;
  /** Releases connections and handles. */
  close(): Promise<void>;
  /**
   * Optional: waits for exclusive use of a session (which need not exist yet) across processes and
   * machines. When a store has it, the agent holds the lock for the whole of each run, so two runs never
   * run the same session at once: the second one waits. A store that has it honours `signal`, `timeoutMs`
   * (`SessionLockedError`) and `onWait`, frees the lock of a crashed holder by itself, and releases its
   * held locks on `close()`; `storeConformance` checks this.
   */
  lockSession?(sessionId: string, options?: LockSessionOptions): Promise<SessionLock>;
  /**
   * Optional, with `getTask` and `listTasks`: writes a background task record (see `taskTools`) and returns
   * it as stored. Tasks are keyed by their own id and listed by the session that created it, which need not
   * be in this store; `delete(sessionId)` deletes that session's tasks. A durable store records the writing
   * process as the owner of a pending or running task, and reads such a task as `interrupted` once that
   * process is gone (or its lease ran out), so a task is never lost in a crash. `storeConformance` checks it.
   */
  putTask?(task: TaskRecordInput, options: PutTaskOptions): Promise<TaskRecord>;
  /** The task with this id, or `undefined`. */
  getTask?(taskId: string): Promise<TaskRecord | undefined>;
  /** The tasks created by a session, oldest first (empty for an unknown session). */
  listTasks?(sessionId: string): Promise<readonly TaskRecord[]>;
}
