/**
 * Tools: typed functions the model can call.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import type { JsonSchema } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';
import type { PermissionMode } from '../policy/types.js';
import type { Sandbox } from '../sandbox/types.js';

/** What a tool may return: a string for the model to read, or any JSON value. */
export type ToolOutput = JsonValue;

/**
 * What a tool call touches, for the policy: `Read(...)` rules match `read` paths, `Edit(...)`/`Write(...)`
 * rules match `write` paths, `Bash(...)` rules match `exec` commands, `WebFetch(domain:...)` matches `fetch`.
 * Paths are as the model gave them; the policy canonicalises them.
 */
export type ToolAccess =
  | { readonly kind: 'read'; readonly path: string }
  | { readonly kind: 'write'; readonly path: string }
  | { readonly kind: 'exec'; readonly command: string; readonly cwd?: string }
  | { readonly kind: 'fetch'; readonly url: string };

/**
 * Key/value state kept with the session: a tool's memory across turns and runs (a todo list, which files
 * were read). Values set during a turn are stored in the session log when the turn ends and come back on a
 * later run or after a restart.
 */
export interface SessionState {
  get(key: string): JsonValue | undefined;
  set(key: string, value: JsonValue): void;
}

/**
 * What `execute` gets besides its input. `TContext` types `context`: annotate `execute`'s second parameter
 * as `ToolContext<MyContext>` in a tool made for agents whose runs pass that context.
 */
export interface ToolContext<TContext = unknown> {
  /** Fires when the run is aborted or the tool's `timeoutMs` passes. Pass it to everything you await. */
  readonly signal: AbortSignal;
  readonly sessionId: string;
  readonly runId: string;
  /** The id of this tool call. */
  readonly toolCallId: string;
  /** The agent's sandbox. */
  readonly sandbox: Sandbox;
  /** State kept with the session; see {@link SessionState}. */
  readonly state: SessionState;
  /**
   * The `context` the run was given (`agent.run(input, { context })`): your data for this run, never sent
   * to the model and never stored. `undefined` when the run got none.
   */
  readonly context?: TContext;
  /**
   * The mode of the agent's policy, when it has one. A tool that runs programs (`bash`) runs them in a
   * read-only OS sandbox in `read-only` mode, so a wrong verdict of the shell analysis cannot write.
   */
  readonly permissionMode?: PermissionMode;
  /**
   * Whether the policy lets the model read this canonical absolute path (no `Read(…)` deny or ask rule
   * covers it). Tools that search or list many files drop what it refuses from their results. Absent when
   * the policy has no path rules to apply.
   */
  readonly canRead?: (path: string) => Promise<boolean>;
  /**
   * Registers a cleanup that runs when the run ends, however it ends (background processes, temp files).
   */
  onRunEnd(cleanup: () => void | Promise<void>): void;
}

/**
 * What a `needsApproval` function gets besides the call's input.
 *
 * @example
 * ```ts
 * const needsApproval = (input: { path: string }, { sessionId }: ApprovalCheckContext) =>
 *   !trustedSessions.has(sessionId) && input.path.startsWith('prod/');
 * ```
 */
export interface ApprovalCheckContext {
  /** The id of this tool call. */
  readonly toolCallId: string;
  readonly sessionId: string;
  readonly runId: string;
  /** The run's `context` (`agent.run(input, { context })`), when it has one. */
  readonly context?: unknown;
}

/**
 * Whether a call of a tool needs a person's approval: always, never, or decided per call from its
 * validated input. A function that throws refuses the call; one that answers anything but `false` asks.
 *
 * @example
 * ```ts
 * const transfer = tool({
 *   name: 'transfer',
 *   description: 'Moves money between accounts',
 *   input: z.object({ to: z.string(), amount: z.number() }),
 *   needsApproval: ({ amount }) => amount > 100,
 *   execute: async ({ to, amount }) => bank.transfer(to, amount),
 * });
 * ```
 */
export type NeedsApproval<TInput> =
  | boolean
  // Written as a method so that its input is checked bivariantly, like `execute`'s: a `Tool<{ a: string }>`
  // stays assignable to `Tool<unknown>` and to the arrays of mixed tools users build.
  | { check(input: TInput, context: ApprovalCheckContext): boolean | Promise<boolean> }['check'];

/**
 * A tool the agent can call. Make one with {@link tool}.
 *
 * @typeParam TInput - The parsed input type (from the zod schema).
 */
export interface Tool<TInput = any> {
  readonly name: string;
  readonly description: string;
  /** Validates the model's input before `execute` sees it. */
  readonly input: z.ZodType<TInput>;
  /** Safe to run in `read-only` mode: it changes nothing. */
  readonly readOnly: boolean;
  /**
   * Ask a person before a call runs (the policy's `approve`, or the run pauses). Without it, a tool that
   * does not declare `access()` runs without asking, except in `read-only` mode when it is not `readOnly`
   * (denied). Deny and ask rules naming the tool apply either way, and `needsApproval` never overrides a
   * deny; an allow rule naming the tool (`allow: ['deploy']`) and `full-access` mode let it run.
   */
  readonly needsApproval?: NeedsApproval<TInput>;
  /** Abort the call after this many ms; the model gets a `TOOL_TIMEOUT` error result. */
  readonly timeoutMs?: number;
  /**
   * JSON Schema sent to the model; derived from `input` unless given (MCP tools bring their own). Always an
   * object schema (`type: 'object'`), as every provider requires.
   */
  readonly inputSchema: JsonSchema;
  /** What a call with this (validated) input touches, for the policy. */
  access?(input: TInput): readonly ToolAccess[];
  /**
   * The sandbox this tool acts in, when it is bound to its own (`codingTools({ root })`). The policy then
   * judges the call's paths against this sandbox's root, and `ctx.sandbox` is this sandbox.
   */
  readonly sandbox?: Sandbox;
  execute(input: TInput, context: ToolContext): Promise<ToolOutput> | ToolOutput;
}

/** The options of {@link tool}. */
export interface ToolDefinition<TSchema extends z.ZodType> {
  /** Name the model calls it by: letters, digits, `_` and `-`, at most 64 characters. */
  readonly name: string;
  /** What it does and when to use it; the model decides from this. */
  readonly description: string;
  readonly input: TSchema;
  /** @defaultValue false */
  readonly readOnly?: boolean;
  /** Ask a person before a call runs; see {@link Tool.needsApproval}. @defaultValue false */
  readonly needsApproval?: NeedsApproval<z.output<TSchema>>;
  readonly timeoutMs?: number;
  /** Overrides the JSON Schema derived from `input`; it must describe an object. */
  readonly inputSchema?: JsonSchema;
  access?(input: z.output<TSchema>): readonly ToolAccess[];
  /** The sandbox the tool acts in, when it is bound to its own; see {@link Tool.sandbox}. */
  readonly sandbox?: Sandbox;
  execute(input: z.output<TSchema>, context: ToolContext): Promise<ToolOutput> | ToolOutput;
}
