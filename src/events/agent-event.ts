/**
 * The events of a run: plain JSON objects discriminated on `type`, safe to send over SSE or store as they
 * are. Every event carries the `runId`; events of a sub-agent also carry its `path`.
 *
 * @packageDocumentation
 */
import type { FinishReason } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';
import type { Usage } from '../model/usage.js';
import type { ErrorCode } from '../errors/agent-error.js';
import type { RunResult } from './run-result.js';

/** Fields every event carries. */
export interface EventBase {
  /** Unique id of the run that emitted the event. */
  readonly runId: string;
  /** For a sub-agent's events, the chain of agent names from the top-level run down to it. */
  readonly path?: readonly string[];
}

/**
 * Why a tool result is an error, for programs that react to it. The model sees a readable message instead.
 *
 * - `PERMISSION_DENIED`: the policy, a hook or a person refused the call.
 * - `WORKSPACE_ESCAPE`: the call reached outside the sandbox root.
 * - `TOOL_NOT_FOUND`: the model named a tool that does not exist.
 * - `TOOL_INPUT_INVALID`: the input was not valid JSON, not a JSON object, or did not match the tool's schema.
 * - `TOOL_EXECUTION_FAILED`: the tool threw.
 * - `TOOL_TIMEOUT`: the tool ran past its `timeoutMs`.
 * - `ABORTED`: the run was aborted while the tool ran, or stopped before the call could run (a turn that
 *   ends the run as `incomplete` answers its calls so).
 */
export type ToolErrorCode =
  | 'PERMISSION_DENIED'
  | 'WORKSPACE_ESCAPE'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_INPUT_INVALID'
  | 'TOOL_EXECUTION_FAILED'
  | 'TOOL_TIMEOUT'
  | 'ABORTED';

/**
 * Who made a permission decision: the policy's mode, one of its rules, the approver (a person), a
 * `beforeToolCall` hook, or the repeated-call guard (`repeatLimit`), which refuses the same call made too
 * many times in a row when nobody can be asked.
 */
export type DecisionSource = 'mode' | 'rule' | 'approver' | 'hook' | 'repeat-guard';

/** The run started. */
export interface RunStartEvent extends EventBase {
  readonly type: 'run-start';
  readonly sessionId: string;
  /** For a sub-agent's run, as its parent forwards it: the id of the parent's tool call that started it. */
  readonly parentCallId?: string;
}
/** A model call (turn) starts; turns count from 1 within a run. */
export interface TurnStartEvent extends EventBase {
  readonly type: 'turn-start';
  readonly turn: number;
  /** The turn's number in the session, across runs: what `agent.revert` and `agent.fork` take. */
  readonly sessionTurn: number;
  /** The model this turn calls (`provider/modelId`): after a handoff, the new agent's. */
  readonly model?: { readonly provider: string; readonly modelId: string };
}
/** A piece of the model's text. */
export interface TextDeltaEvent extends EventBase {
  readonly type: 'text-delta';
  readonly text: string;
}
/** A piece of the model's reasoning. */
export interface ReasoningDeltaEvent extends EventBase {
  readonly type: 'reasoning-delta';
  readonly text: string;
}
/**
 * The structured answer so far, while it streams (runs with an `output` schema): the best-effort value of
 * the JSON text streamed by this model call up to now, sent each time it changes. It is not validated: the
 * validated value is the result's `output`. Unfinished strings are cut where the text is, members whose
 * value has not begun are left out. Each model call starts from nothing again (a repair turn too).
 *
 * @example
 * ```ts
 * for await (const event of agent.run('Draft the release notes', { output: notesSchema })) {
 *   if (event.type === 'output-delta') render(event.output); // { title: 'v2.1', items: ['Faster st'] }
 * }
 * ```
 */
export interface OutputDeltaEvent extends EventBase {
  readonly type: 'output-delta';
  readonly output: JsonValue;
}
/** The model called a tool (input complete). */
export interface ToolCallEvent extends EventBase {
  readonly type: 'tool-call';
  readonly id: string;
  readonly name: string;
  readonly input: JsonValue;
}
/** The policy asks whether a tool call may run. */
export interface PermissionRequestEvent extends EventBase {
  readonly type: 'permission-request';
  /** The tool call id, unique in the session. */
  readonly id: string;
  readonly name: string;
  /** The exact input that runs if the call is approved. */
  readonly input: JsonValue;
  readonly reason: string;
  /**
   * `sha256:<hex>` of the canonical JSON of `{ name, input }`: what was shown. Pass it back with the answer
   * (`agent.resume(id, { approvals: { [id]: { answer: 'allow', digest } } })`) and the call runs only if
   * it is still exactly this call; otherwise it is asked again.
   */
  readonly digest: string;
}
/** A permission was decided: the audit trail of every call that was not simply allowed by its mode. */
export interface PermissionDecisionEvent extends EventBase {
  readonly type: 'permission-decision';
  readonly id: string;
  readonly decision: 'allow' | 'deny';
  readonly source: DecisionSource;
  /** The rule that decided, when one did. */
  readonly rule?: string;
  readonly reason?: string;
}
/** A tool call finished. */
export interface ToolResultEvent extends EventBase {
  readonly type: 'tool-result';
  readonly id: string;
  readonly name: string;
  readonly output: JsonValue;
  readonly isError: boolean;
  readonly errorCode?: ToolErrorCode;
}
/** A turn ended: its model call and its tool calls are done and stored. */
export interface TurnEndEvent extends EventBase {
  readonly type: 'turn-end';
  readonly turn: number;
  readonly sessionTurn: number;
  /** Usage of this turn's model call. */
  readonly usage: Usage;
  /**
   * Why the model stopped. `length` also when the agent cut a turn that streamed past
   * `maxTurnOutputChars`.
   */
  readonly finishReason: FinishReason;
}
/** Older history was compacted to fit the context window. */
export interface CompactionEvent extends EventBase {
  readonly type: 'compaction';
  readonly strategy: string;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
}
/** A model call failed with a retryable error and will be tried again after `delayMs`. */
export interface RetryEvent extends EventBase {
  readonly type: 'retry';
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  /** A readable description of the failure (never an API key). */
  readonly error: string;
}
/**
 * The workspace snapshot taken before a turn's tools left files out (`too-large`, `over-total`,
 * `nested-repository`): `agent.revert` will not be able to put them back. Reported once per file.
 */
export interface SnapshotWarningEvent extends EventBase {
  readonly type: 'snapshot-warning';
  readonly kind: string;
  readonly message: string;
  readonly paths: readonly string[];
  readonly sessionTurn: number;
}
/** Who holds a session's run lock, as far as the store can tell (each field only when the store records it). */
export interface SessionLockOwner {
  /** Host name of the holding process. */
  readonly host?: string;
  /** Process id of the holder, on `host`. */
  readonly pid?: number;
  /** When the holder took the lock, in milliseconds since the epoch. */
  readonly acquiredAt?: number;
}
/**
 * The session's run lock is held by another run (in this process or another one), so this run waits for
 * it before it starts: it comes before `run-start`, once per run. A lock whose holder died frees itself
 * (see the store); `lockTimeoutMs` bounds the wait.
 */
export interface SessionLockWaitEvent extends EventBase {
  readonly type: 'session-lock-wait';
  readonly sessionId: string;
  /** The current holder, when the store knows it. */
  readonly owner?: SessionLockOwner;
  /** When this run started waiting, in milliseconds since the epoch. */
  readonly since: number;
}

/**
 * A server of a toolset (an MCP server) changed health: `restarting` after it failed, `ready` once it is
 * back, `degraded` when it failed too often (its tools are removed; the run goes on without them).
 */
export interface ToolsetStatusEvent extends EventBase {
  readonly type: 'toolset-status';
  readonly toolset: string;
  readonly server: string;
  readonly status: 'restarting' | 'ready' | 'degraded';
  readonly message: string;
}

/**
 * A hook had a problem that does not stop the run: a command hook exited with an unexpected code, or
 * answered output it does not understand (a guard hook that fails so refuses instead; see `commandHook`).
 */
export interface HookWarningEvent extends EventBase {
  readonly type: 'hook-warning';
  /** The hooks' `name`, or the hook point's. */
  readonly hook: string;
  /** The hook point: `beforeToolCall`, `stop`, … */
  readonly point: string;
  readonly message: string;
}

/**
 * The run ended; `result` is what `run.result` resolves to. A failed run ends with this event too: its
 * `result` is the partial result (`status: 'failed'`) and `error` says what failed, as plain JSON; then
 * `run.result` rejects and the iterator throws the error itself.
 */
export interface RunEndEvent extends EventBase {
  readonly type: 'run-end';
  readonly result: RunResult;
  /** Why a failed run failed (absent for every other status). */
  readonly error?: {
    /** The error's class name, e.g. `ProviderError`. */
    readonly name: string;
    readonly code: ErrorCode;
    readonly message: string;
  };
}

/**
 * Any event of a run.
 *
 * @example
 * ```ts
 * for await (const event of agent.run('List the files')) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 *   if (event.type === 'tool-result' && event.isError) console.warn(event.errorCode, event.output);
 * }
 * ```
 */
export type AgentEvent =
  | RunStartEvent
  | TurnStartEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | OutputDeltaEvent
  | ToolCallEvent
  | PermissionRequestEvent
  | PermissionDecisionEvent
  | ToolResultEvent
  | TurnEndEvent
  | CompactionEvent
  | RetryEvent
  | SnapshotWarningEvent
  | SessionLockWaitEvent
  | ToolsetStatusEvent
  | HookWarningEvent
  | RunEndEvent;

/** The `type` of an {@link AgentEvent}. */
export type AgentEventType = AgentEvent['type'];
