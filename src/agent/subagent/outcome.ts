/**
 * What a sub-agent's run means for the call that started it, and the marker by which the loop knows a
 * sub-agent tool. Internal.
 */
import type { RunResult } from '../../events/run-result.js';
import type { JsonValue } from '../../model/message.js';
import { ToolFailure } from '../../internal/tool-failure.js';
import type { Sandbox } from '../../sandbox/types.js';
import type { Tool } from '../../tools/tool.js';
import type { AgentConfig } from '../config.js';
import type { RunContext } from '../run-context.js';
import type { TreeState } from './run-link.js';

/** The key of a sub-agent tool's marker. */
export const SUBAGENT: unique symbol = Symbol('icode.subagent');

/** What the loop needs of a sub-agent tool to resume its paused child. */
export interface SubagentMarker {
  readonly name: string;
  /** The configuration its child runs with under `parent`, acting in the parent's sandbox `outer`. */
  configFor(parent: RunContext, outer: Sandbox): Promise<AgentConfig>;
}

/** The marker of a sub-agent tool; `undefined` for any other tool. */
export function subagentOf(tool: Tool | undefined): SubagentMarker | undefined {
  return (tool as (Tool & { [SUBAGENT]?: SubagentMarker }) | undefined)?.[SUBAGENT];
}

/**
 * Records a child's result for its call: a paused child makes the call wait (see `pausedCall`); an
 * aborted, unfinished or failed child is an error result for the parent, never a crash of the parent.
 */
export function settleChild(tree: TreeState, toolCallId: string, name: string, result: RunResult): JsonValue {
  switch (result.status) {
    case 'paused':
      tree.paused.set(toolCallId, { name, pending: result.pending ?? [] });
      return '';
    case 'completed':
    case 'stopped':
      // A child with an `output` schema answers with its validated object; others with their final text.
      return result.output !== undefined ? (result.output as JsonValue) : result.text;
    case 'aborted':
      throw new ToolFailure('ABORTED', `The sub-agent "${name}" was aborted.`);
    default:
      throw new ToolFailure(
        'TOOL_EXECUTION_FAILED',
        `The sub-agent "${name}" stopped before finishing (${result.status}${result.finishReason ? `, ${result.finishReason}` : ''}). Its last answer: ${result.text || '(none)'}`,
      );
  }
}

/** The error result of a child that failed. */
export function failedChild(name: string, error: unknown): ToolFailure {
  if (error instanceof ToolFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ToolFailure('TOOL_EXECUTION_FAILED', `The sub-agent "${name}" failed: ${message}`);
}
