import type { AgentEvent, RunEndEvent } from '../events/agent-event.js';
import type { RunStatus } from '../events/run-result.js';
import { abortReason } from '../internal/abort.js';
import { EventChannel } from '../internal/event-channel.js';
import type { FinishReason, ModelRequest } from '../model/language-model.js';
import type { Message } from '../model/message.js';
import { emptyUsage, type Usage } from '../model/usage.js';
import type { Sandbox } from '../sandbox/types.js';
import type { SessionEntry } from '../stores/types.js';
import { CallIds } from './call-ids.js';
import type { AgentConfig } from './config.js';
import type { LastCall } from './repeat-guard.js';
import { NO_SETTINGS, type RunSettings } from './run-settings.js';
import { eventHook } from './run-hooks.js';
import type { SessionStateMap } from './session-state.js';

/** How long an aborted run waits for a model or tool that ignores its signal before it stops waiting. */
export const ABORT_GRACE_MS = 100;

/** The mutable state of one run, shared by the loop's steps. */
export class RunContext {
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  readonly channel: EventChannel<AgentEvent>;
  readonly usage: Usage = emptyUsage();
  /** Messages this run added to the session. */
  readonly messages: Message[] = [];
  readonly #cleanups: (() => void | Promise<void>)[] = [];
  readonly #onEvent: ((event: AgentEvent) => void) | undefined;
  #sandbox: Sandbox | undefined;
  cost = 0;
  costKnown = false;
  turns = 0;
  status: RunStatus = 'completed';
  /** Store version the next append expects. */
  version = 0;
  /** Session-wide number of the last turn. */
  sessionTurn = 0;
  history: Message[] = [];
  /** The store version of the entry behind each message of `history`. */
  historySeqs: number[] = [];
  /** Context size the provider reported for the last model call (input + output tokens), if any. */
  contextTokens: number | undefined;
  /** `history.length` when `contextTokens` was measured: later messages are estimated. */
  contextMark = 0;
  state!: SessionStateMap;
  /** The session's tool-call ids: every new call gets one not taken yet. */
  callIds = new CallIds();
  /** Why the last model turn of this run ended. */
  finishReason: FinishReason | undefined;
  /** Set when an aborted run stopped waiting for its body: nothing may be stored or emitted after. */
  ended = false;
  #abandon: ((reason: unknown) => void) | undefined;
  #grace: ReturnType<typeof setTimeout> | undefined;
  /** The model request, built once per run around the live history array. */
  request: ModelRequest | undefined;
  /** The most recent guarded tool call and in how many turns in a row it was made (see repeat-guard.ts). */
  lastCall: LastCall | undefined;
  /** The run's context, structured output, tool choice and stop conditions (see run-settings.ts). */
  settings: RunSettings = NO_SETTINGS;

  constructor(
    /** The agent running: replaced when a handoff moves the run to another agent (see handoff.ts). */
    public config: AgentConfig,
    readonly runId: string,
    readonly sessionId: string,
  ) {
    this.channel = new EventChannel(config.eventBufferSize);
    this.#onEvent = eventHook(config.options);
  }

  /**
   * Emits an event (callers build it with this run's `runId`: a literal is cheaper than a spread on the
   * hottest path). Returns a promise only when a slow consumer's buffer is full, so callers `await` only
   * then and an event costs no promise.
   */
  emit(event: AgentEvent): Promise<void> | undefined {
    if (this.ended) return undefined;
    return this.emitEnd(event);
  }

  /** Emits the run's last event, also when an abandoned body may no longer emit. */
  emitEnd(event: AgentEvent): Promise<void> | undefined {
    this.#onEvent?.(event);
    return this.channel.push(event);
  }

  /**
   * Emits the `run-end` event of a failed run. An `onEvent` hook that throws on it is ignored (the run has
   * failed already, and its own error is the one to report), and the event still reaches the iterator.
   */
  emitFailed(event: RunEndEvent): Promise<void> | undefined {
    try {
      this.#onEvent?.(event);
    } catch {
      // The hook's failure cannot replace the run's.
    }
    return this.channel.push(event);
  }

  /**
   * Appends entries to the session, expecting the version this run last saw. The store's own promise is
   * the only one (no async frame of its own): this runs twice a step.
   */
  persist(entries: readonly SessionEntry[]): Promise<void> {
    if (this.ended) return Promise.reject(abortReason(this.signal));
    const changed = this.state.drain();
    const all = changed ? entries.concat(changed) : entries;
    if (all.length === 0) return Promise.resolve();
    let appended: Promise<number>;
    try {
      // Wrapped, so a store that answers with a plain number works as it did when awaited.
      appended = Promise.resolve(this.config.store.append(this.sessionId, all, { expectedVersion: this.version }));
    } catch (error) {
      // A store whose append throws instead of rejecting fails the same way.
      return Promise.reject(error);
    }
    return appended.then((version) => {
      for (let i = 0, seq = version - all.length + 1; i < all.length; i++, seq++) {
        if (all[i]!.type === 'message') this.historySeqs.push(seq);
      }
      this.version = version;
    });
  }

  /** The sandbox, resolved once per run: tool calls after the first pay no await for it. */
  sandbox(): Sandbox | Promise<Sandbox> {
    if (this.#sandbox) return this.#sandbox;
    return this.config.sandbox().then((sandbox) => (this.#sandbox = sandbox));
  }

  /**
   * Aborts the run: the signal fires for the model stream and every tool. A model or tool that ignores it
   * cannot hold the run: after {@link ABORT_GRACE_MS} the run stops waiting for its body (see `abandonable`).
   */
  abort(reason: unknown): void {
    if (this.signal.aborted) return;
    this.controller.abort(reason);
    this.#grace = setTimeout(() => {
      this.ended = true;
      this.#abandon?.(reason);
    }, ABORT_GRACE_MS);
  }

  /**
   * Settles with `body`, or with the abort once the run has been aborted for {@link ABORT_GRACE_MS}. One
   * promise per run and no listener: the abort path above does the work.
   */
  abandonable<T>(body: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#abandon = reject;
      body.then(resolve, reject);
    });
  }

  /** Clears what `abort` armed, once the run is over. */
  settle(): void {
    clearTimeout(this.#grace);
    this.#abandon = undefined;
  }

  /** Registers a cleanup for the end of the run (bound: tools receive it as is). */
  readonly onRunEnd = (cleanup: () => void | Promise<void>): void => {
    this.#cleanups.push(cleanup);
  };

  /** Runs every registered cleanup once; a failing cleanup does not stop the others. */
  async cleanup(): Promise<void> {
    const cleanups = this.#cleanups.splice(0);
    await Promise.allSettled(cleanups.map(async (fn) => fn()));
  }
}
