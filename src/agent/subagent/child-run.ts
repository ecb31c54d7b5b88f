/**
 * Running a delegated agent as a child of a run: its own session and run, its events forwarded into the
 * parent's stream with their `path`, its usage and cost added to the parent's.
 */
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import { createId } from '../../internal/ids.js';
import type { JsonValue } from '../../model/message.js';
import { addUsage } from '../../model/usage.js';
import { Run } from '../agent-run.js';
import type { AgentConfig } from '../config.js';
import { subagentStopHooks } from '../run-hooks.js';
import { runSettings } from '../run-settings.js';
import { RunContext } from '../run-context.js';
import { runLoop, type RunStart } from '../run-loop.js';
import { treeOf } from './run-link.js';

/** Where a child run sits: under which run and tool call, started how. */
export interface ChildStart {
  readonly parent: RunContext;
  readonly config: AgentConfig;
  readonly toolCallId: string;
  readonly begin: RunStart;
  readonly signal: AbortSignal;
}

/**
 * The session a sub-agent call runs in: derived from the parent's session and the call, so a resume (also
 * in another process) finds it again. Call ids are unique within a session.
 */
export function childSessionId(parentSessionId: string, name: string, toolCallId: string): string {
  return `${parentSessionId}.${name}.${toolCallId}`;
}

/**
 * Runs a child to its end, forwarding its events (backpressure included) into the parent's stream, and
 * accounts for it in the parent. Resolves with its result; rejects with its error if it fails (its usage
 * still counted).
 */
export async function runChild(start: ChildStart): Promise<RunResult> {
  const { parent, config, toolCallId, begin, signal } = start;
  const sessionId = childSessionId(parent.sessionId, config.name, toolCallId);
  const ctx = new RunContext(config, createId('run'), sessionId);
  // The child's own settings (its `output` schema, stop conditions), with the parent run's context.
  const context = parent.settings.context;
  ctx.settings = runSettings({ ...config.runDefaults, ...(context !== undefined ? { context } : {}) });
  treeOf(ctx).depth = treeOf(parent).depth + 1;
  const metadata: Record<string, JsonValue> = {
    parentSessionId: parent.sessionId,
    parentTurn: parent.sessionTurn,
    parentToolCallId: toolCallId,
    agent: config.name,
  };
  const body = (): Promise<RunResult> => runLoop(ctx, begin, config.maxTurns, metadata);
  const toolsets = config.toolsets;
  const run = new Run(ctx, toolsets ? () => toolsets.prepare(ctx).then(body) : body, signal);
  let result: RunResult;
  try {
    for await (const event of run) {
      const forwarded = tagged(event, parent.config.name, config.name);
      // The child's own start names the call that started it, so two runs of one sub-agent stay apart.
      const wait = parent.emit(
        forwarded.type === 'run-start' && !event.path ? { ...forwarded, parentCallId: toolCallId } : forwarded,
      );
      if (wait) await wait;
    }
    result = await run.result;
  } catch (error) {
    const partial = (error as { result?: RunResult }).result;
    if (partial) {
      account(parent, config.name, toolCallId, partial);
      await subagentStopHooks(parent, { name: config.name, path: [parent.config.name, config.name], result: partial });
    }
    throw error;
  }
  account(parent, config.name, toolCallId, result);
  await subagentStopHooks(parent, { name: config.name, path: [parent.config.name, config.name], result });
  return result;
}

/** A child's event as the parent forwards it: its path from the parent down. */
function tagged(event: AgentEvent, parentName: string, childName: string): AgentEvent {
  return { ...event, path: event.path ? [parentName, ...event.path] : [parentName, childName] };
}

/** Adds a child's usage and cost to the parent run's, and lists it among the parent's children. */
function account(parent: RunContext, name: string, toolCallId: string, result: RunResult): void {
  addUsage(parent.usage, result.usage);
  if (result.cost !== undefined) {
    parent.cost += result.cost;
    parent.costKnown = true;
  }
  treeOf(parent).children.push({
    name,
    sessionId: result.sessionId,
    toolCallId,
    status: result.status,
    usage: result.usage,
    ...(result.cost !== undefined ? { cost: result.cost } : {}),
  });
}
