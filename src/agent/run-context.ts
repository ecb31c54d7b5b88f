import type { AgentEvent } from '../events/agent-event.js';
import type { RunStatus } from '../events/run-result.js';
import { EventChannel } from '../internal/event-channel.js';
import type { Message } from '../model/message.js';
import { emptyUsage, type Usage } from '../model/usage.js';
import type { Sandbox } from '../sandbox/types.js';
import type { SessionEntry } from '../stores/types.js';
import type { AgentConfig } from './config.js';
import type { SessionStateMap } from './session-state.js';

/** Distributive omit, so each event keeps its own fields. */
type WithoutBase<T> = T extends unknown ? Omit<T, 'runId' | 'path'> : never;
/** An event before the run stamps its `runId`. */
export type EventInit = WithoutBase<AgentEvent>;

/** The mutable state of one run, shared by the loop's steps. */
export class RunContext {
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly channel: EventChannel<AgentEvent>;
  readonly usage: Usage = emptyUsage();
  /** Messages this run added to the session. */
  readonly messages: Message[] = [];
  readonly #cleanups: (() => void | Promise<void>)[] = [];
  readonly #onEvent: ((event: AgentEvent) => void) | undefined;
  cost = 0;
  costKnown = false;
  turns = 0;
  status: RunStatus = 'completed';
  /** Store version the next append expects. */
  version = 0;
  /** Session-wide number of the last turn. */
  sessionTurn = 0;
  history: Message[] = [];
  state!: SessionStateMap;
  /** Keys of the most recent tool calls, for the repeated-call guard. */
  recentCalls: string[] = [];

  constructor(
    readonly config: AgentConfig,
    readonly runId: string,
    readonly sessionId: string,
  ) {
    this.channel = new EventChannel(config.eventBufferSize);
    this.#onEvent = config.options.hooks?.onEvent;
  }

  /**
   * Emits an event. Returns a promise only when a slow consumer's buffer is full: callers on hot paths
   * `await` it only then, so an event costs no promise.
   */
  emit(init: EventInit): Promise<void> | undefined {
    const event = { ...init, runId: this.runId } as AgentEvent;
    this.#onEvent?.(event);
    return this.channel.push(event);
  }

  /** Appends entries to the session, expecting the version this run last saw. */
  async persist(entries: readonly SessionEntry[]): Promise<void> {
    const all = entries.concat(this.state.drain());
    if (all.length === 0) return;
    this.version = await this.config.store.append(this.sessionId, all, { expectedVersion: this.version });
  }

  sandbox(): Promise<Sandbox> {
    return this.config.sandbox();
  }

  onRunEnd(cleanup: () => void | Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  /** Runs every registered cleanup once; a failing cleanup does not stop the others. */
  async cleanup(): Promise<void> {
    const cleanups = this.#cleanups.splice(0);
    await Promise.allSettled(cleanups.map(async (fn) => fn()));
  }
}
