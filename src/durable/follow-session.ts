/**
 * Following a run from another process: the session's stored entries as they are written. A durable run
 * may move between workers, but its entries all land in the shared store, once each (a recovered run
 * does not write again what the dead worker wrote), so a caller anywhere reads them in order.
 *
 * @packageDocumentation
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { SessionStore, StoredEntry } from '../stores/types.js';

/** Options of {@link followSession}. */
export interface FollowSessionOptions {
  /** Yield entries after this version only (a reconnecting client gives the last `seq` it saw). @defaultValue 0 */
  readonly after?: number;
  /** How often the store is read. @defaultValue 250 */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Ends the stream, after a last read, once it returns true: the run is over. */
  readonly until?: () => boolean | Promise<boolean>;
}

const wait = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The entries of session `sessionId` from version `after` on, as they are stored (one per appended
 * entry: whole messages, approvals, compactions; not token deltas).
 *
 * @example
 * ```ts
 * for await (const { seq, entry } of followSession(store, sessionId, { until: () => ended })) {
 *   response.write(`id: ${seq}\ndata: ${JSON.stringify(entry)}\n\n`);
 * }
 * ```
 */
export async function* followSession(
  store: SessionStore,
  sessionId: string,
  options: FollowSessionOptions = {},
): AsyncGenerator<StoredEntry> {
  let last = options.after ?? 0;
  const interval = options.intervalMs ?? 250;
  while (!options.signal?.aborted) {
    // Asked before reading, so the entries written just before the end are still read.
    const done = (await options.until?.()) ?? false;
    const info = await store.get(sessionId);
    if (info && info.version > last) {
      const { entries } = await store.load(sessionId);
      for (const stored of entries) if (stored.seq > last) yield stored;
      last = Math.max(last, ...entries.map((e) => e.seq));
    }
    if (done) return;
    await wait(interval, options.signal);
  }
}

const ENDED = new Set(['SUCCESS', 'ERROR', 'CANCELLED', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED']);

/**
 * {@link followSession} for a durable run: ends once its workflow has ended, wherever it ran.
 *
 * @example
 * ```ts
 * const handle = await durable.enqueueRun('Triage issue #12');
 * for await (const { entry } of followRun(store, handle)) console.log(entry.type);
 * ```
 */
export function followRun(
  store: SessionStore,
  run: { readonly runId: string; readonly sessionId: string },
  options: Omit<FollowSessionOptions, 'until'> & { readonly dbos?: Pick<typeof DBOS, 'getWorkflowStatus'> } = {},
): AsyncGenerator<StoredEntry> {
  const dbos = options.dbos ?? DBOS;
  return followSession(store, run.sessionId, {
    ...options,
    until: async () => ENDED.has((await dbos.getWorkflowStatus(run.runId))?.status ?? ''),
  });
}
