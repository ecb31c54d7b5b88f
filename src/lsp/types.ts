/**
 * The public shape of `icode/lsp`: server settings, options, lifecycle events and the toolset.
 *
 * @packageDocumentation
 */
import type { JsonValue } from '../model/message.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import type { Toolset } from '../tools/toolset.js';

/**
 * How to start one language server, and which files it handles.
 *
 * @example
 * ```ts
 * const typescript: LspServerConfig = {
 *   command: process.execPath,
 *   args: [require.resolve('typescript-language-server/lib/cli.mjs'), '--stdio'],
 *   languages: ['ts', 'tsx', 'js'],
 * };
 * ```
 */
export interface LspServerConfig {
  /** The program (no shell: arguments go in `args`). */
  readonly command: string;
  readonly args?: readonly string[];
  /** File extensions this server handles, without the dot (`ts`, `tsx`, `js`). */
  readonly languages: readonly string[];
  /** Extra environment variables. The server gets this process's environment with secrets removed. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the server. @defaultValue the workspace root */
  readonly cwd?: string;
  /** Sent as `initializationOptions` in `initialize`. */
  readonly initializationOptions?: JsonValue;
  /** Answers to `workspace/configuration`, by section (`{ typescript: { … } }`); `null` for the rest. */
  readonly settings?: Readonly<Record<string, JsonValue>>;
  /** The LSP language id per extension, where it is not the usual one (`{ mdx: 'markdown' }`). */
  readonly languageIds?: Readonly<Record<string, string>>;
}

/**
 * What the model hears after an edit: see {@link LspToolsOptions.feedback}.
 *
 * @example
 * ```ts
 * lspTools({ root, servers, feedback: { maxPerFile: 5, maxOtherFiles: 2 } });
 * ```
 */
export interface LspFeedbackOptions {
  /** New errors listed per file. @defaultValue 20 */
  readonly maxPerFile?: number;
  /** Other files (not the edited ones) whose new errors are listed. @defaultValue 5 */
  readonly maxOtherFiles?: number;
}

/**
 * Options of {@link lspTools}.
 *
 * @example
 * ```ts
 * const options: LspToolsOptions = {
 *   root: '/srv/repo',
 *   servers: { typescript: { command: 'typescript-language-server', args: ['--stdio'], languages: ['ts', 'tsx'] } },
 *   onEvent: (event) => event.type === 'lsp-server-degraded' && alert(event.reason),
 * };
 * ```
 */
export interface LspToolsOptions {
  /** The workspace: the servers' root, and what tool paths are resolved in. @defaultValue `process.cwd()` */
  readonly root?: string;
  /** Resolve tool paths in this sandbox instead of a `localSandbox` on `root`; its root is the workspace. */
  readonly sandbox?: Sandbox;
  /** Language servers by name. Each extension belongs to one server. */
  readonly servers: Readonly<Record<string, LspServerConfig>>;
  /** New errors appended to the results of `write`, `edit`, `multi_edit` and `apply_patch`; `false` turns it off. @defaultValue on */
  readonly feedback?: boolean | LspFeedbackOptions;
  /** A request without an answer after this long fails (and is cancelled). @defaultValue 30000 */
  readonly requestTimeoutMs?: number;
  /** A server that has not answered `initialize` after this long counts as a failed start. @defaultValue 60000 */
  readonly startTimeoutMs?: number;
  /** The longest wait for diagnostics after a change. @defaultValue 15000 */
  readonly diagnosticsTimeoutMs?: number;
  /** Diagnostics count as settled after this long without a new publish. @defaultValue 200 */
  readonly quietMs?: number;
  /** Restarts in a row after crashes or failed starts before the server is `degraded`. @defaultValue 3 */
  readonly maxRestarts?: number;
  /** The first restart waits this long; each next one twice as long (at most 10 s). @defaultValue 500 */
  readonly restartDelayMs?: number;
  /** Lifecycle events: starts, exits, restarts, timeouts, degradation. Errors thrown here are ignored. */
  readonly onEvent?: (event: LspEvent) => void;
}

/**
 * The state of one configured server: `idle` until first used, `restarting` after a crash or a failed
 * start (while it waits to start again), `degraded` once it failed too often, `closed` after `close()`.
 *
 * @example
 * ```ts
 * if (lsp.status().typescript === 'degraded') console.warn('No type checking in this session');
 * ```
 */
export type LspServerState = 'idle' | 'starting' | 'ready' | 'restarting' | 'degraded' | 'closed';

/**
 * What happens to the servers, for logs and alerts.
 *
 * - `lsp-server-start`: a process was spawned (`attempt` 1 for the first start, more for restarts).
 * - `lsp-server-ready`: it answered `initialize`.
 * - `lsp-server-exit`: its process ended; `expected` is true when `close()` ended it.
 * - `lsp-server-restart`: a restart is scheduled after a crash or a failed start.
 * - `lsp-server-degraded`: it failed too often and is no longer started; its tools answer with an error.
 * - `lsp-request-timeout`: a request got no answer in time and was cancelled.
 *
 * @example
 * ```ts
 * lspTools({ servers, onEvent: (event) => console.error(`[lsp] ${event.type} ${event.server}`) });
 * ```
 */
export type LspEvent =
  | { readonly type: 'lsp-server-start'; readonly server: string; readonly pid: number; readonly attempt: number }
  | { readonly type: 'lsp-server-ready'; readonly server: string; readonly pid: number; readonly durationMs: number }
  | {
      readonly type: 'lsp-server-exit';
      readonly server: string;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      readonly expected: boolean;
    }
  | { readonly type: 'lsp-server-restart'; readonly server: string; readonly attempt: number; readonly delayMs: number }
  | { readonly type: 'lsp-server-degraded'; readonly server: string; readonly reason: string }
  | {
      readonly type: 'lsp-request-timeout';
      readonly server: string;
      readonly method: string;
      readonly timeoutMs: number;
    };

/**
 * A tool call, as {@link LspToolset.beforeToolCall} and {@link LspToolset.afterToolCall} read it (`output`
 * and `isError` once it finished).
 *
 * @example
 * ```ts
 * const note = await lsp.afterToolCall({ name: 'edit', input: { file_path: 'src/a.ts' }, output, isError: false }, ctx);
 * ```
 */
export interface LspToolCall {
  readonly name: string;
  readonly input: JsonValue;
  readonly output?: JsonValue;
  readonly isError?: boolean;
}

/**
 * What {@link lspTools} returns: a toolset for `createAgent({ tools })`, plus the after-edit feedback.
 *
 * @example
 * ```ts
 * const lsp = lspTools({ root, servers });
 * // The toolset adds the lsp_* tools and wraps the edit tools so their results carry new errors.
 * const agent = createAgent({ provider, tools: [...codingTools({ root }), lsp] });
 * await agent.run('Fix the type errors in src/').result;
 * await agent.close(); // closes the language servers too
 * ```
 */
export interface LspToolset extends Toolset {
  readonly kind: 'toolset';
  readonly name: 'lsp';
  /** `lsp_diagnostics`, `lsp_hover`, `lsp_definition`, `lsp_references`, `lsp_symbols` (all read-only). */
  tools(): Promise<readonly Tool[]>;
  /**
   * `tools` with `write`, `edit`, `multi_edit` and `apply_patch` wrapped so their results end with the
   * errors the change introduced, and `read` wrapped so the files the model reads are opened on their
   * servers (servers report only on open files, so an edit that breaks a file the model has read is
   * reported too); the others are returned as they are. With `feedback: false`, `tools` unchanged.
   */
  withFeedback(tools: readonly Tool[]): Tool[];
  /** The same as {@link LspToolset.withFeedback}: `createAgent` calls it when the toolset is in its `tools`. */
  wrapTools(tools: readonly Tool[]): Tool[];
  /**
   * Before an edit tool runs: notes the diagnostics its files have now, so the feedback lists only new
   * errors. Optional; without it the last diagnostics seen are the reference.
   */
  beforeToolCall(call: LspToolCall, ctx: ToolContext): Promise<void>;
  /**
   * After a successful `write`, `edit`, `multi_edit` or `apply_patch`: syncs the changed files with the
   * servers, waits for their diagnostics, and returns the text to append to the result (new errors, or
   * `undefined` when there is nothing to say). After a `read`: opens the file on its server. Never throws.
   */
  afterToolCall(call: LspToolCall, ctx: ToolContext): Promise<string | undefined>;
  /** The state of each configured server. */
  status(): Readonly<Record<string, LspServerState>>;
  /** Shuts every server down (`shutdown`, `exit`, then a kill if it lingers). Idempotent. */
  close(): Promise<void>;
}
