/**
 * Hooks: callbacks at fixed points of a run, and guardrails, the checks on a run's input and final output
 * that can stop it.
 *
 * @packageDocumentation
 */
import type { AgentEvent, ToolErrorCode } from '../events/agent-event.js';
import type { RunResult, RunStatus } from '../events/run-result.js';
import type { ModelRequest } from '../model/language-model.js';
import type { JsonValue, UserMessage } from '../model/message.js';
import type { Usage } from '../model/usage.js';
import type { PermissionMode } from '../policy/types.js';
import type { SessionState } from '../tools/tool.js';

/**
 * What every hook gets besides its own input: the run it is called for, and what it may need to judge it.
 * Each call gets its own object; a hook that keeps state per run keys it on `runId` (and may drop it in
 * `sessionEnd`).
 *
 * @example
 * ```ts
 * const hooks: AgentHooks = {
 *   afterToolCall(_call, result, ctx) {
 *     if (ctx.contextWindow && ctx.contextTokens > 0.9 * ctx.contextWindow) ctx.warn('context nearly full');
 *     return result;
 *   },
 * };
 * ```
 */
export interface HookContext {
  readonly sessionId: string;
  readonly runId: string;
  /** The run's `context` (see `RunOptions.context`): per-request data, never sent to the model or stored. */
  readonly context?: unknown;
  /** The agent's `name`. */
  readonly agentName: string;
  /** Fires when the run is aborted: pass it to whatever the hook awaits. */
  readonly signal: AbortSignal;
  /** The session's key/value state, as tools see it (`todo_write` keeps its list under `'todos'`). */
  readonly state: SessionState;
  /** The policy's mode, when it has one. */
  readonly permissionMode?: PermissionMode;
  /** Model calls made so far in this run. */
  readonly turns: number;
  /** Tokens used so far in this run. */
  readonly usage: Usage;
  /**
   * Tokens the next model call would send: the provider's count for the last call plus an estimate of what
   * was added since.
   */
  readonly contextTokens: number;
  /** The model's context window (or the compaction option's), when one is known. */
  readonly contextWindow?: number;
  /** Reports a problem that does not stop the run, as a `hook-warning` event. */
  warn(message: string): void;
}

/**
 * What `beforeModelCall` gets besides the request: the {@link HookContext} of the run it belongs to,
 * with the run's `context`.
 *
 * @example
 * ```ts
 * const hooks: AgentHooks = {
 *   beforeModelCall: (request, { context }) => ({ ...request, temperature: (context as Ctx).creative ? 1 : 0 }),
 * };
 * ```
 */
export type ModelCallInfo = HookContext;

/** A tool call as hooks see it. */
export interface ToolCallInfo {
  readonly id: string;
  readonly name: string;
  readonly input: JsonValue;
  /** The run's `context` (see `RunOptions.context`). */
  readonly context?: unknown;
  readonly sessionId: string;
}

/** A tool result as hooks see it. */
export interface ToolResultInfo {
  readonly output: JsonValue;
  readonly isError: boolean;
  readonly errorCode?: ToolErrorCode;
}

/**
 * What `beforeToolCall` may answer:
 * - nothing: go on;
 * - `{ deny }`: refuse the call with this reason (the model reads it);
 * - `{ input }`: run with this input instead (validated again, and judged by the policy as it is);
 * - `{ ask }`: a person must approve the call, even where the policy would allow it (the policy's
 *   `approve`, or the run pauses); a deny of the policy still refuses;
 * - `{ allow: true }`: a hint only. It never skips the policy: a deny or ask rule still applies.
 */
export type BeforeToolCallResult =
  | void
  | undefined
  | { readonly deny: string }
  | { readonly input?: JsonValue; readonly ask?: string; readonly allow?: boolean };

/** How a run starts, for `sessionStart`: a new session, new input in a stored one, or `agent.resume`. */
export interface SessionStartInfo {
  readonly source: 'new' | 'continue' | 'resume';
}

/** What `sessionStart` may answer: text added to the run's input (ignored for a resume, which has none). */
export type SessionStartResult = void | undefined | { readonly additionalContext?: string };

/** The user's input, for `userPromptSubmit`. */
export interface PromptInfo {
  readonly message: UserMessage;
  /** The text parts of the input, joined. */
  readonly text: string;
}

/**
 * What `userPromptSubmit` may answer: `{ block }` ends the run before anything is stored or sent (a
 * `GuardrailError`, status `failed`), `{ additionalContext }` adds text to the input the model reads.
 */
export type UserPromptSubmitResult =
  void | undefined | { readonly block: string } | { readonly additionalContext: string };

/** The context about to be compacted, for `beforeCompact`. */
export interface CompactInfo {
  /** Tokens the next model call would send without compaction. */
  readonly tokens: number;
  readonly contextWindow: number;
}

/** The run that is about to end `completed`, for `stop`. */
export interface StopInfo {
  /** The final answer's text. */
  readonly text: string;
  /** How often `stop` hooks have made this run go on already. */
  readonly continuations: number;
}

/**
 * What `stop` may answer: `{ continue: message }` makes the run go on, with `message` added as the user's
 * input. A run goes on at most {@link MAX_STOP_CONTINUATIONS} times this way (and `maxTurns` still holds).
 */
export type StopResult = void | undefined | { readonly continue: string };

/** A sub-agent's run that ended, for `subagentStop`. */
export interface SubagentStopInfo {
  /** The sub-agent's name. */
  readonly name: string;
  /** The chain of agent names from the top-level run down to the sub-agent. */
  readonly path: readonly string[];
  readonly result: RunResult;
}

/** The run that ended, for `sessionEnd`. */
export interface SessionEndInfo {
  readonly status: RunStatus;
  /** The run's result (the partial result of a failed run). */
  readonly result: RunResult;
}

/** What a guardrail answers: nothing to let the run go on, or `{ block }` with the reason to stop it. */
export type GuardrailResult = void | undefined | { readonly block: string };

/** The final output, as output guardrails see it. */
export interface RunOutput {
  readonly text: string;
  readonly result: RunResult;
}

/**
 * A named check on the run's input (input guardrails) or its final output (output guardrails). A block
 * fails the run with a `GuardrailError` carrying the guardrail's name and reason (status `failed`).
 *
 * @example
 * ```ts
 * const noSecrets: Guardrail<PromptInfo> = {
 *   name: 'no-secrets',
 *   check: ({ text }) => (/AKIA[0-9A-Z]{16}/.test(text) ? { block: 'The input holds an AWS key.' } : undefined),
 * };
 * ```
 */
export interface Guardrail<TInput> {
  readonly name: string;
  /**
   * For an input guardrail: run while the first model call runs, instead of before it. When it blocks, the
   * model call is stopped and its answer dropped (nothing of it is stored, none of its tools runs), and the
   * input is taken out of the session again; text it streamed may have reached the consumer already.
   * @defaultValue true
   */
  readonly runInParallel?: boolean;
  check(input: TInput, ctx: HookContext): GuardrailResult | Promise<GuardrailResult>;
}

/**
 * A run goes on at most this many times because `stop` hooks asked it to, so hooks that always ask cannot
 * keep a run going forever.
 *
 * @example
 * ```ts
 * const hooks: AgentHooks = { stop: ({ continuations }) => (continuations < MAX_STOP_CONTINUATIONS ? { continue: 'Go on.' } : undefined) };
 * ```
 */
export const MAX_STOP_CONTINUATIONS = 10;

/**
 * Callbacks at fixed points of the loop, and guardrails. Each may be async. A hook that throws fails the run
 * with its error, except `sessionEnd` and `subagentStop`, which are told after the fact (their errors are
 * ignored) and `onEvent`.
 *
 * `createAgent({ hooks })` takes one such object or an array of them. With an array, every hook point runs
 * the objects' hooks in array order: `beforeModelCall`, `beforeToolCall` and `afterToolCall` each get what
 * the previous one returned; the first `deny` (or `block`) wins and the rest are not called; an `ask` stands
 * unless a later hook denies; contexts are joined in order; the first `stop` that continues gives the
 * message. Guardrails of all objects run together.
 *
 * @example
 * ```ts
 * const hooks: AgentHooks = {
 *   name: 'house-rules',
 *   beforeToolCall: (call) => (call.name === 'bash' && String((call.input as any).command).includes('curl')
 *     ? { deny: 'No network from bash; use web_fetch.' } : undefined),
 *   afterToolCall: (_call, result) => ({ ...result, output: redact(result.output) }),
 *   stop: ({ continuations }) => (continuations === 0 && !testsRan() ? { continue: 'Run the tests first.' } : undefined),
 *   onEvent: (event) => log.debug(event),
 * };
 * ```
 */
export interface AgentHooks {
  /** Names the hooks in warnings and guardrail errors. @defaultValue the hook point's name */
  readonly name?: string;
  /** When a run starts (after `run-start`, before its input is stored). */
  sessionStart?(info: SessionStartInfo, ctx: HookContext): SessionStartResult | Promise<SessionStartResult>;
  /** When the user's input arrives, before it is stored: block it, or add context to it. */
  userPromptSubmit?(prompt: PromptInfo, ctx: HookContext): UserPromptSubmitResult | Promise<UserPromptSubmitResult>;
  /** Before each model call; return a request to send instead. */
  beforeModelCall?(request: ModelRequest, ctx: HookContext): ModelRequest | void | Promise<ModelRequest | void>;
  /** Before each tool call (after input validation, before the policy); see {@link BeforeToolCallResult}. */
  beforeToolCall?(call: ToolCallInfo, ctx: HookContext): BeforeToolCallResult | Promise<BeforeToolCallResult>;
  /** After each tool call; return a result to use instead. */
  afterToolCall?(
    call: ToolCallInfo,
    result: ToolResultInfo,
    ctx: HookContext,
  ): ToolResultInfo | void | Promise<ToolResultInfo | void>;
  /** Before the history is compacted (the full history is still stored). */
  beforeCompact?(info: CompactInfo, ctx: HookContext): void | Promise<void>;
  /** When the run is about to end `completed`: may make it go on, with a message. */
  stop?(info: StopInfo, ctx: HookContext): StopResult | Promise<StopResult>;
  /** When a sub-agent's run ends, with its result. Its errors are ignored. */
  subagentStop?(info: SubagentStopInfo, ctx: HookContext): void | Promise<void>;
  /** When the run has ended, whatever its status (also failed or aborted). Its errors are ignored. */
  sessionEnd?(info: SessionEndInfo, ctx: HookContext): void | Promise<void>;
  /** An input guardrail named after this object: a check on the user's input. */
  inputGuardrail?(prompt: PromptInfo, ctx: HookContext): GuardrailResult | Promise<GuardrailResult>;
  /** An output guardrail named after this object: a check on the final output of a completed run. */
  outputGuardrail?(output: RunOutput, ctx: HookContext): GuardrailResult | Promise<GuardrailResult>;
  /** Named guardrails on the input and the final output. */
  readonly guardrails?: {
    readonly input?: readonly Guardrail<PromptInfo>[];
    readonly output?: readonly Guardrail<RunOutput>[];
  };
  /** Every event of every run, whether or not anyone iterates the run. Called synchronously. */
  onEvent?(event: AgentEvent): void;
}
