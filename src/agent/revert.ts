import { ConfigError } from '../errors/config-error.js';
import type { SessionInfo, SessionStore, StoredEntry } from '../stores/types.js';
import type { ForkOptions, RevertOptions, RevertResult, UnrestoredPath, WorkspaceSnapshotter } from './types.js';

/** The session turn an entry belongs to, when it records one. */
function turnOf(stored: StoredEntry): number | undefined {
  const { entry } = stored;
  return entry.type === 'message' || entry.type === 'snapshot' || entry.type === 'pending-approvals'
    ? entry.turn
    : undefined;
}

/** The version at which session turn `turn` ends: just before the first entry of a later turn. */
function versionAfterTurn(entries: readonly StoredEntry[], turn: number): number {
  const later = entries.find((stored) => (turnOf(stored) ?? -1) > turn);
  return later ? later.seq - 1 : (entries.at(-1)?.seq ?? 0);
}

/** Refuses a turn the session never reached: reverting there would silently do nothing. */
function checkTurnExists(entries: readonly StoredEntry[], name: string, turn: number): void {
  let last = 0;
  for (const stored of entries) last = Math.max(last, turnOf(stored) ?? 0);
  if (turn > last) throw new ConfigError(`${name} ${turn} is past the end of the session: its last turn is ${last}.`);
}

function checkTurn(name: string, turn: number): void {
  if (!Number.isInteger(turn) || turn < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got ${turn}.`);
}

/**
 * The paths a restore reports it could not put back (an error carrying `unrestored`, as `gitSnapshots`'s
 * `incomplete` one does), or `undefined` for any other failure, which fails the revert.
 */
const REASONS: readonly UnrestoredPath['reason'][] = ['missing', 'modified', 'not-removed'];

function unrestoredOf(error: unknown): UnrestoredPath[] | undefined {
  const list = (error as { unrestored?: unknown } | null)?.unrestored;
  if (!Array.isArray(list)) return undefined;
  return (
    list
      .filter((entry): entry is UnrestoredPath => typeof (entry as UnrestoredPath)?.path === 'string')
      // A third-party snapshotter may give other words: what it could not put back still differs.
      .map(({ path, reason }) => ({ path, reason: REASONS.includes(reason) ? reason : 'modified' }))
  );
}

/** Whether any entry after `version` made tool calls: what files a revert without snapshots leaves changed. */
function toolsRanAfter(entries: readonly StoredEntry[], version: number): boolean {
  return entries.some(
    ({ seq, entry }) =>
      seq > version && entry.type === 'message' && entry.message.content.some((part) => part.type === 'tool-call'),
  );
}

/** Restores the workspace to `snapshotId`, collecting what could not be put back instead of failing on it. */
async function restoreFiles(
  snapshots: WorkspaceSnapshotter,
  snapshotId: string,
  signal: AbortSignal | undefined,
): Promise<{ unrestored: UnrestoredPath[]; warnings: string[] }> {
  const warnings: string[] = [];
  try {
    await snapshots.restore(snapshotId, {
      ...(signal ? { signal } : {}),
      onWarning: (warning) => warnings.push(warning.message),
    });
    return { unrestored: [], warnings };
  } catch (error) {
    const unrestored = unrestoredOf(error);
    if (!unrestored) throw error;
    warnings.push(error instanceof Error ? error.message : String(error));
    return { unrestored, warnings };
  }
}

/**
 * Reverts a session to the end of turn `toTurn`: restores the workspace from the first snapshot taken after
 * that turn (the files as they were then, whatever changed them since), then truncates the conversation.
 * The files go first: if restoring fails before touching them, nothing is truncated. A restore that could
 * put back only part of the files does not fail the revert: what it could not restore is in `unrestored`
 * (and `warnings`), never a silent success.
 */
export async function revertSession(
  store: SessionStore,
  snapshots: WorkspaceSnapshotter | undefined,
  sessionId: string,
  options: RevertOptions,
): Promise<RevertResult> {
  checkTurn('toTurn', options.toTurn);
  const { info, entries } = await store.load(sessionId);
  checkTurnExists(entries, 'toTurn', options.toTurn);
  const version = versionAfterTurn(entries, options.toTurn);
  const snapshot = entries.find((stored) => stored.entry.type === 'snapshot' && stored.entry.turn > options.toTurn);
  let restoredSnapshot: string | undefined;
  let report: { unrestored: UnrestoredPath[]; warnings: string[] } = { unrestored: [], warnings: [] };
  if (snapshot?.entry.type === 'snapshot' && snapshots) {
    report = await restoreFiles(snapshots, snapshot.entry.snapshotId, options.signal);
    restoredSnapshot = snapshot.entry.snapshotId;
  } else if (!snapshots && toolsRanAfter(entries, version)) {
    report.warnings.push(
      `Only the conversation was reverted: the agent has no \`snapshots\`, so files changed by tools after turn ` +
        `${options.toTurn} are as they are now.`,
    );
  }
  if (version < info.version) await store.truncate(sessionId, { version, expectedVersion: info.version });
  return { version, ...(restoredSnapshot === undefined ? {} : { restoredSnapshot }), ...report };
}

/** Forks a session after turn `atTurn` (the whole session when omitted) into a new, independent one. */
export async function forkSession(
  store: SessionStore,
  sessionId: string,
  options: ForkOptions = {},
): Promise<SessionInfo> {
  let version: number | undefined;
  if (options.atTurn !== undefined) {
    checkTurn('atTurn', options.atTurn);
    const { entries } = await store.load(sessionId);
    checkTurnExists(entries, 'atTurn', options.atTurn);
    version = versionAfterTurn(entries, options.atTurn);
  }
  return store.fork(sessionId, {
    ...(version !== undefined ? { version } : {}),
    ...(options.sessionId !== undefined ? { id: options.sessionId } : {}),
  });
}
