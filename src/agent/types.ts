/**
 * The public shape of an agent: its options, hooks, and the run handle.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import type { AgentEvent } from '../events/agent-event.js';
import type { RunResult } from '../events/run-result.js';
import type { SnapshotWarning, UnrestoredPath } from '../events/snapshot-warning.js';
import type { LanguageModel, ToolChoice } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';
import type { ApprovalAnswer, Approver, PermissionMode, Policy } from '../policy/types.js';
import type { AdditionalDirectory, Sandbox } from '../sandbox/types.js';
import type { SessionInfo, SessionStore } from '../stores/types.js';
import type { Tool } from '../tools/tool.js';
import type { Toolset } from '../tools/toolset.js';
import type { CompactionOptions } from './compaction/types.js';
import type { RunInput } from './run-input.js';
import type { StopWhen } from './stop-conditions.js';

export type { RunInput, UserPart } from './run-input.js';
import type { AgentHooks } from './hooks.js';

export type {
  AgentHooks,
  BeforeToolCallResult,
  CompactInfo,
  Guardrail,
  GuardrailResult,
  HookContext,
  ModelCallInfo,
  PromptInfo,
  RunOutput,
  SessionEndInfo,
  SessionStartInfo,
  SessionStartResult,
  StopInfo,
  StopResult,
  SubagentStopInfo,
  ToolCallInfo,
  ToolResultInfo,
  UserPromptSubmitResult,
} from './hooks.js';

export type { SnapshotWarning, UnrestoredPath } from '../events/snapshot-warning.js';

/**
 * Takes and restores snapshots of the workspace's files: `gitSnapshots({ root })` from `icode/sandbox`, or
 * your own. With one, the agent snapshots the workspace before every turn that runs a tool that is not
 * read-only, so `agent.revert` can restore the files. `onWarning` reports files a take leaves out (a
 * `snapshot-warning` event) or a restore leaves alone. A restore that puts back only part of the files
 * rejects with an error carrying `unrestored: UnrestoredPath[]`; `agent.revert` reports those in its result.
 */
export interface WorkspaceSnapshotter {
  take(options?: { signal?: AbortSignal; onWarning?: (warning: SnapshotWarning) => void }): Promise<string>;
  restore(
    snapshotId: string,
    options?: { signal?: AbortSignal; onWarning?: (warning: SnapshotWarning) => void },
  ): Promise<unknown>;
}

/** Options of the policy, as `createAgent({ policy })` accepts them instead of a `Policy`. */
export interface AgentPolicyOptions {
  readonly mode?: PermissionMode;
  /**
   * With `mode: 'plan'`: the mode a session moves to once its plan is approved (`exit_plan_mode`).
   * @defaultValue `'read-only'`: writing after a plan is asked for explicitly
   */
  readonly afterPlan?: PermissionMode;
  readonly allow?: string | readonly string[];
  readonly ask?: string | readonly string[];
  readonly deny?: string | readonly string[];
  readonly approve?: Approver;
  /** The workspace root paths are judged against; the default sandbox sits on it too. */
  readonly root?: string;
  /** Directories outside the root granted to the tools; the default sandbox reaches them too. */
  readonly additionalDirectories?: readonly AdditionalDirectory[];
}

/**
 * Options of {@link createAgent}.
 *
 * @example
 * ```ts
 * const options: AgentOptions = {
 *   provider: anthropic({ model: 'claude-sonnet-4-6' }),
 *   instructions: 'You are a careful coding agent.',
 *   tools: codingTools({ root }),
 *   policy: { mode: 'workspace-write', allow: ['Bash(npm test:*)'] },
 * };
 * ```
 */
export interface AgentOptions<TContext = unknown, TOutput = unknown> {
  /** The model: any {@link LanguageModel}. */
  readonly provider: LanguageModel;
  /** System instructions sent with every model call. */
  readonly instructions?: string;
  /** Tools, and toolsets (`mcpServers(…)`) whose tools are looked up before each turn. */
  readonly tools?: readonly (Tool | Toolset)[];
  /** A policy, or its options. @defaultValue `{ mode: 'workspace-write' }` */
  readonly policy?: Policy | AgentPolicyOptions;
  /** Where sessions live. @defaultValue `memoryStore()` */
  readonly store?: SessionStore;
  /**
   * How long a run waits for its session's run lock while another run holds it (a `session-lock-wait`
   * event says it waits) before it fails with `SessionLockedError`; `0` fails at once. Applies to stores
   * with `lockSession` (all of icode's). @defaultValue no limit: wait until the other run ends
   */
  readonly lockTimeoutMs?: number;
  /** Where tools touch files and run commands. @defaultValue `localSandbox({ root: process.cwd() })`, loaded on first use */
  readonly sandbox?: Sandbox;
  /** Snapshots of the workspace before turns that may change it, for `agent.revert`. @defaultValue none */
  readonly snapshots?: WorkspaceSnapshotter;
  /** Model calls per run. @defaultValue 50 */
  readonly maxTurns?: number;
  /** Tool calls of one turn that run at once. @defaultValue 8 */
  readonly maxParallelTools?: number;
  /** Default timeout of a tool call, for tools that set none. @defaultValue none */
  readonly toolTimeoutMs?: number;
  /** Longer tool outputs are cut (head and tail kept) with a marker. @defaultValue 50000 */
  readonly maxToolOutputChars?: number;
  /**
   * Characters one model turn may stream (text, reasoning and tool-call arguments together). Past it the
   * stream is stopped, the turn ends with `finishReason: 'length'` (on its `turn-end` event and the run's
   * result) and keeps what came before the cut; a tool call whose arguments were cut off is dropped. As for
   * the model's own limit, complete tool calls still run, and a cut text-only turn ends the run `incomplete`.
   * Every streamed part counts as at least one, so an endless stream of empty parts is cut too. A bound on
   * memory and time against a model or proxy that streams without end, far above any real turn.
   * @defaultValue 1000000
   */
  readonly maxTurnOutputChars?: number;
  /**
   * Levels of nesting a tool call's input may have (`{}` is one level). A deeper input is never validated,
   * stored or run: the call gets a `TOOL_INPUT_INVALID` error result and its stored input is `{}`. At most
   * 504, so every input stays storable.
   * @defaultValue 64
   */
  readonly maxToolInputDepth?: number;
  /**
   * The repeated-call guard, against a model stuck in a loop: the same call (tool and input) made in this
   * many turns in a row is asked about when the policy has an approver, else refused (a
   * `permission-decision` event with `source: 'repeat-guard'`, and an error result telling the model to
   * change its approach). Identical calls within one turn count once. Read-only tools are not guarded
   * unless `readOnlyTools` is true, so a tool can be polled until it reports "done". `false` turns it off.
   * @defaultValue 3, read-only tools not guarded
   */
  readonly repeatLimit?: number | false | { readonly limit?: number; readonly readOnlyTools?: boolean };
  /** Events buffered for a slow consumer before the run waits for it. @defaultValue 256 */
  readonly eventBufferSize?: number;
  /** End the run before a model call that would take its cost past this many USD. */
  readonly maxCostUsd?: number;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Hooks and guardrails: one object, or several run in array order (see {@link AgentHooks}). */
  readonly hooks?: AgentHooks | readonly AgentHooks[];
  /**
   * History compaction near the context window; `false` turns it off.
   * @defaultValue on when a context window is known: `summarizeCompaction()` at 80 %, last 2 turns kept
   */
  readonly compaction?: CompactionOptions | false;
  /** Name of this agent, used in sub-agent event paths. @defaultValue 'agent' */
  readonly name?: string;
  /**
   * The zod schema every run's final answer must match (a run's own `output` wins): `result.output` is
   * then the validated, typed value. See {@link RunOptions.output}.
   */
  readonly output?: z.ZodType<TOutput>;
  /** When runs stop early (a run's own `stopWhen` wins). See {@link RunOptions.stopWhen}. */
  readonly stopWhen?: StopWhen<TContext>;
}

/**
 * Options of {@link Agent.run}. `TContext` is the type of `context`; `TOutput` the type of `result.output`.
 *
 * @example
 * ```ts
 * const run = agent.run('Triage issue #12', {
 *   context: { userId: 'u_1', db },
 *   output: z.object({ label: z.enum(['bug', 'feature']), confidence: z.number() }),
 *   toolChoice: { name: 'read_issue' },
 *   stopWhen: [hasToolCall('escalate'), stepCountIs(10)],
 * });
 * const { output } = await run.result; // { label: 'bug' | 'feature'; confidence: number } | undefined
 * ```
 */
export interface RunOptions<TContext = unknown, TOutput = unknown> {
  /** Continue this session (created when it does not exist). @defaultValue a new session */
  readonly sessionId?: string;
  /** Aborts the run: the model stream and every running tool are cancelled. */
  readonly signal?: AbortSignal;
  /** Overrides the agent's `maxTurns` for this run. */
  readonly maxTurns?: number;
  /** Metadata of a session this run creates. */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /**
   * Your data for this run (a user, a database handle, a tenant): tools read it as `ctx.context`, hooks as
   * `call.context` (and `beforeModelCall`'s second argument), stop conditions as `state.context`. It stays
   * in memory: it is never sent to the model and never stored, so a resume must pass it again.
   */
  readonly context?: TContext;
  /**
   * A zod schema the final answer must match (overrides the agent's `output`). Each model call asks for
   * JSON of its JSON Schema (the provider's native structured output); the final answer's text is parsed
   * and validated into `result.output`. An invalid answer gets one repair turn, then the run fails with
   * `OutputValidationError`. A schema not of an object is sent as `{ value: … }` and unwrapped. While the
   * answer streams, `output-delta` events carry the partial value.
   */
  readonly output?: z.ZodType<TOutput>;
  /**
   * How the model may use tools on the run's first model call only: `'required'`, `'none'`, `'auto'`, or
   * `{ name }` to force that tool (it must be one of the agent's). Later calls are `'auto'`: forcing a tool
   * on every call would never let the model answer.
   */
  readonly toolChoice?: ToolChoice;
  /**
   * Stop the run early, with status `stopped`, when a condition holds (any of an array) once tool calls
   * have run: after a turn, or after the approved calls a resume ran. Overrides the agent's `stopWhen`.
   * Helpers: `hasToolCall(name)`, `stepCountIs(n)`.
   */
  readonly stopWhen?: StopWhen<TContext>;
}

/**
 * An answer bound to the call it was given for: `digest` is the `digest` of the `permission-request` event
 * (or of `RunResult.pending`) the person saw. The call runs only if it is still exactly that call; a call
 * whose name or input differs is asked again, never run.
 *
 * @example
 * ```ts
 * const [request] = (await agent.run('Deploy').result).pending ?? [];
 * agent.resume(sessionId, { approvals: { [request.id]: { answer: 'allow', digest: request.digest } } });
 * ```
 */
export interface BoundApproval {
  readonly answer: ApprovalAnswer;
  readonly digest: string;
}

/**
 * What `agent.resume` takes for one pending call: an answer, or an answer bound to a digest.
 *
 * @example
 * ```ts
 * const approvals: Record<string, ResumeAnswer> = {
 *   call_1: { answer: 'allow', digest: request.digest },
 *   call_2: { decision: 'deny', feedback: 'Use the staging database.' },
 * };
 * ```
 */
export type ResumeAnswer = ApprovalAnswer | BoundApproval;

/** Options of {@link Agent.resume}. */
export interface ResumeOptions<TContext = unknown, TOutput = unknown> {
  /**
   * A decision for every pending approval, by tool call id (for a paused session). Prefer the bound form
   * `{ answer, digest }`: it ties the decision to the exact call that was shown. Either way the resuming
   * agent's policy decides first (its deny rules and mode still refuse), and a stored call that no longer
   * matches its recorded digest is refused.
   */
  readonly approvals?: Readonly<Record<string, ResumeAnswer>>;
  readonly signal?: AbortSignal;
  readonly maxTurns?: number;
  /** The run's `context` (see {@link RunOptions.context}): it was not stored, so give it again. */
  readonly context?: TContext;
  /**
   * The output schema of the continued run, as {@link RunOptions.output} (the agent's by default): a
   * run's own schema is not stored, so a run that had one gives it again.
   */
  readonly output?: z.ZodType<TOutput>;
  /** Stop conditions of the continued run, as {@link RunOptions.stopWhen} (the agent's by default). */
  readonly stopWhen?: StopWhen<TContext>;
}

/**
 * A running agent: iterate it for events, await `result` for the outcome.
 *
 * The run starts on the next tick. An iterator attached before then receives every event, with
 * backpressure; with no iterator, events are not buffered and the run goes on. `break` out of the loop
 * aborts the run. Iterating twice, or after the run has ended, throws a `RunStateError`. A failed run ends
 * with a `run-end` event too (status `failed`, with the error), then the iterator throws the error.
 *
 * @example
 * ```ts
 * const run = agent.run('Fix the failing test');
 * for await (const event of run) if (event.type === 'text-delta') process.stdout.write(event.text);
 * const { status, usage } = await run.result;
 * ```
 */
export interface AgentRun<TOutput = unknown> extends AsyncIterable<AgentEvent> {
  /**
   * Settles when the run ends; rejects with an `AgentError` carrying the partial result (status `failed`)
   * as `error.result` if it fails.
   */
  readonly result: Promise<RunResult<TOutput>>;
  readonly sessionId: string;
  readonly runId: string;
  /** Stops the run: it ends with status `aborted`. */
  abort(reason?: string): void;
}

/** Options of {@link Agent.revert}. */
export interface RevertOptions {
  /** The session turn to go back to: its messages are kept, everything after is dropped. */
  readonly toTurn: number;
  readonly signal?: AbortSignal;
}

/** Options of {@link Agent.fork}. */
export interface ForkOptions {
  /** The session turn the fork starts after. @defaultValue the last turn */
  readonly atTurn?: number;
  /** Id of the new session. @defaultValue a new id */
  readonly sessionId?: string;
}

/** What {@link Agent.revert} did. */
export interface RevertResult {
  /** The session's version after the revert. */
  readonly version: number;
  /** The snapshot the workspace was restored to, when one was needed. */
  readonly restoredSnapshot?: string;
  /** Paths the restore could not put back as they were (an unwritable directory, a full disk); empty when
   *  every recorded file was restored. The conversation is reverted either way. */
  readonly unrestored: readonly UnrestoredPath[];
  /** What else the revert did not undo, for people: files no snapshot records, left as they are, or no
   *  `snapshots` configured (only the conversation was reverted). Empty when there is nothing to say. */
  readonly warnings: readonly string[];
}

/**
 * An agent: a model, tools, a policy and a store, ready to run.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider: mockProvider([{ text: 'Hello' }]) });
 * const { text } = await agent.run('Hi').result;
 * ```
 */
export interface Agent<TContext = unknown, TOutput = unknown> {
  /** The model. */
  readonly provider: LanguageModel;
  /** The tools the model may call: its own, and those its toolsets offered last. */
  readonly tools: readonly Tool[];
  /** Where the agent's sessions live. */
  readonly store: SessionStore;
  /** The permission policy every tool call goes through. */
  readonly policy: Policy;
  /** Starts a run with new input, in a new session or the one named by `options.sessionId`. */
  run<TRunOutput = TOutput>(input: RunInput, options?: RunOptions<TContext, TRunOutput>): AgentRun<TRunOutput>;
  /**
   * Continues a session where it stopped, also in a new process: a paused one with decisions on its pending
   * approvals, or one interrupted by a crash (tool calls left without results are answered as interrupted,
   * so the model never sees a call without its result).
   */
  resume<TRunOutput = TOutput>(sessionId: string, options?: ResumeOptions<TContext, TRunOutput>): AgentRun<TRunOutput>;
  /**
   * Goes back to the end of session turn `toTurn`, in one step: the workspace files are restored from the
   * snapshot taken after it (also undoing changes made by bash), then the conversation is truncated there.
   * Needs `snapshots` for the files; without it only the conversation is reverted.
   */
  revert(sessionId: string, options: RevertOptions): Promise<RevertResult>;
  /** Starts a new, independent session holding the conversation up to the end of turn `atTurn`. */
  fork(sessionId: string, options?: ForkOptions): Promise<SessionInfo>;
  /** Closes what the agent owns: its toolsets (MCP servers are stopped). Safe to call more than once. */
  close(): Promise<void>;
}
