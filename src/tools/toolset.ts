/**
 * Toolsets: sources of tools that come and go while an agent lives (the tools of MCP servers, of language
 * servers). `createAgent({ tools })` accepts a toolset wherever it accepts a tool.
 *
 * @packageDocumentation
 */
import type { ToolsetStatusEvent } from '../events/agent-event.js';
import type { LanguageModel } from '../model/language-model.js';
import type { Usage } from '../model/usage.js';
import type { SessionState, Tool } from './tool.js';

/**
 * What the agent tells a toolset when it asks for its tools.
 *
 * @example
 * ```ts
 * const tools = await toolset.tools({ provider: agent.provider, signal: AbortSignal.timeout(30_000) });
 * ```
 */
export interface ToolsetContext {
  /** The model of the agent asking; a toolset may serve requests with it (MCP sampling does). */
  readonly provider: LanguageModel;
  /** Fires when the run that asks is aborted: stop waiting for servers to start. */
  readonly signal?: AbortSignal;
  /**
   * Adds usage spent on behalf of a run (a model call a server asked for) to that run's usage and cost.
   * Unknown or finished runs are ignored.
   */
  recordUsage?(runId: string, usage: Usage): void;
}

/**
 * A change of health of one of a toolset's servers: `restarting` after it failed, `ready` once it is back,
 * `degraded` when it failed too often and its tools were removed.
 *
 * @example
 * ```ts
 * mcp.onStatus((status) => log.warn(`${status.server}: ${status.status} (${status.message})`));
 * ```
 */
export interface ToolsetStatus {
  readonly server: string;
  readonly status: ToolsetStatusEvent['status'];
  readonly message: string;
}

/**
 * A source of tools for an agent, which owns its resources (processes, connections). The agent asks it
 * for its tools before each model turn, so tools it adds or removes reach the next turn; `agent.close()`
 * closes it.
 *
 * `tools` should return the same array while nothing changed: the agent then reuses what it built from it.
 *
 * @example
 * ```ts
 * const clock: Toolset = {
 *   kind: 'toolset',
 *   name: 'clock',
 *   tools: async () => [nowTool],
 *   close: async () => {},
 * };
 * createAgent({ provider, tools: [...codingTools({ root }), clock] });
 * ```
 */
export interface Toolset {
  readonly kind: 'toolset';
  /** Names the toolset in events and errors. */
  readonly name: string;
  /** The tools available now. Starting servers may happen here (lazily); a failure should not throw. */
  tools(context?: ToolsetContext): Promise<readonly Tool[]>;
  /** Calls `listener` when the tools changed; returns a function that unsubscribes. */
  onToolsChanged?(listener: () => void): () => void;
  /** Calls `listener` when a server's health changed; returns a function that unsubscribes. */
  onStatus?(listener: (status: ToolsetStatus) => void): () => void;
  /**
   * Wraps the agent's plain tools, once, when the agent is created: a toolset that follows what other tools
   * do (the LSP toolset reports the errors an edit introduced in the edit's own result) hooks in here, so
   * adding the toolset to `tools` is all it takes. Return the tools you do not change as they are.
   */
  wrapTools?(tools: readonly Tool[]): readonly Tool[];
  /**
   * Names of this toolset's tools to leave out of the model's tool list for this turn of this session:
   * they stay callable, but their schemas cost nothing in the request (`toolSearch` defers tools until
   * the model searches for them). Asked before each turn with the session's state, so what a session
   * loaded stays loaded across its runs.
   */
  deferredTools?(context: { readonly state: SessionState }): ReadonlySet<string>;
  /** Stops everything the toolset started. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Whether a value is a {@link Toolset}.
 *
 * @example
 * ```ts
 * const toolsets = options.tools.filter(isToolset);
 * ```
 */
export function isToolset(value: unknown): value is Toolset {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Toolset).kind === 'toolset' &&
    typeof (value as Toolset).tools === 'function' &&
    typeof (value as Toolset).close === 'function'
  );
}
