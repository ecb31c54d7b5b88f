/**
 * Runs an agent task: one run of a sub-agent in its own session (linked to the creating session by its
 * metadata), whose streamed text is the task's output so far and whose final text is its result.
 */
import type { Agent } from '../agent/types.js';
import { AgentError } from '../errors/agent-error.js';
import type { RunResult } from '../events/run-result.js';
import type { LiveTask, TaskPatch } from './live-task.js';

/** What an agent task runs. */
export interface AgentTaskRun {
  readonly agent: Agent;
  readonly prompt: string;
  /** The sub-agent's session to continue (a follow-up message); a new one when absent. */
  readonly runSessionId?: string;
}

/** The task's final record from how the run ended. */
function outcome(result: RunResult, stopped: string | undefined): TaskPatch {
  const output = { output: result.text };
  switch (result.status) {
    case 'completed':
      return { ...output, status: 'completed' };
    case 'aborted':
      return { ...output, status: stopped ? 'stopped' : 'failed', error: stopped ?? 'The run was aborted.' };
    case 'paused':
      return {
        ...output,
        status: 'failed',
        error: `The sub-agent paused for approval of ${(result.pending ?? []).map((p) => p.name).join(', ') || 'a tool call'}: a background task cannot ask. Give the sub-agent a policy that decides (allow rules or an approve callback), or resume its session ${result.sessionId} with agent.resume.`,
      };
    case 'max-turns':
      return { ...output, status: 'failed', error: 'The sub-agent reached its maxTurns before it finished.' };
    default:
      return {
        ...output,
        status: 'failed',
        error: `The sub-agent's run ended ${result.status}${result.finishReason ? ` (${result.finishReason})` : ''}.`,
      };
  }
}

/**
 * Runs the sub-agent to the end of its run: records its session at once, streams its text into the task's
 * output, and writes the final record. A stop (the task's abort signal) aborts the run.
 */
export async function runAgentTask(task: LiveTask, run: AgentTaskRun): Promise<void> {
  const { record } = task;
  let agentRun;
  try {
    agentRun = run.agent.run(run.prompt, {
      signal: task.controller.signal,
      ...(run.runSessionId === undefined
        ? {
            metadata: {
              parentSessionId: record.sessionId,
              taskId: record.id,
              ...(record.agent ? { agent: record.agent } : {}),
            },
          }
        : { sessionId: run.runSessionId }),
    });
  } catch (error) {
    await task.finish({ status: 'failed', error: `The sub-agent could not start: ${(error as Error).message}` });
    return;
  }
  if (record.runSessionId !== agentRun.sessionId)
    await task.write({ runSessionId: agentRun.sessionId }).catch(() => undefined);
  let result: RunResult;
  try {
    for await (const event of agentRun) {
      if (event.type === 'text-delta') {
        task.output.push(event.text);
        task.flushSoon();
      }
    }
    result = await agentRun.result;
  } catch (error) {
    const partial = AgentError.isInstance(error) ? error.result : undefined;
    await task.finish({
      status: task.controller.signal.aborted ? 'stopped' : 'failed',
      output: partial?.text || task.output.text,
      error: task.controller.signal.aborted
        ? task.stopReason
        : `The sub-agent's run failed: ${(error as Error).message}`,
    });
    return;
  }
  await task.finish(outcome(result, task.controller.signal.aborted ? task.stopReason : undefined));
}
