/**
 * The link from a tool call to the run that makes it, and the sub-agent state of that run: its depth in
 * the tree, its children, and the calls that wait on a paused child. Internal.
 */
import type { JsonValue } from '../../model/message.js';
import type { ChildRun, PendingApproval } from '../../events/run-result.js';
import type { ToolContext } from '../../tools/tool.js';
import type { RunContext } from '../run-context.js';

/** The key under which the tool context of a call carries its run (set by `execute-tool.ts`). */
export const RUN_CONTEXT: unique symbol = Symbol('icode.runContext');

/** A tool context that carries its run, for the tools that delegate (sub-agents, handoffs). */
export type LinkedToolContext = ToolContext & { readonly [RUN_CONTEXT]: RunContext };

/** What a run knows about its sub-agents. */
export interface TreeState {
  /** 0 for a top-level run, 1 for its sub-agents, and so on. */
  depth: number;
  /** The sub-agent runs this run started or resumed, in order. */
  readonly children: ChildRun[];
  /** Tool call id → the pending approvals of the paused sub-agent it started. */
  readonly paused: Map<string, { readonly name: string; readonly pending: readonly PendingApproval[] }>;
  /** Tool call id → the outcome of a sub-agent resumed before this run's own pending calls. */
  readonly resumed: Map<string, { readonly text: JsonValue } | { readonly error: string }>;
}

const trees = new WeakMap<RunContext, TreeState>();

/** The run a tool call belongs to, when it was made by an agent run. */
export function runOf(context: ToolContext): RunContext | undefined {
  return (context as Partial<LinkedToolContext>)[RUN_CONTEXT];
}

/** The sub-agent state of a run, made on first use. */
export function treeOf(ctx: RunContext): TreeState {
  let tree = trees.get(ctx);
  if (!tree) {
    tree = { depth: 0, children: [], paused: new Map(), resumed: new Map() };
    trees.set(ctx, tree);
  }
  return tree;
}

/** The sub-agent state of a run, when it has any. */
export function existingTree(ctx: RunContext): TreeState | undefined {
  return trees.get(ctx);
}
