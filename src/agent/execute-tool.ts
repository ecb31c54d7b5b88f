import type { ToolErrorCode } from '../events/agent-event.js';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import { isAbortError } from '../internal/abort.js';
import type { JsonValue } from '../model/message.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import type { RunContext } from './run-context.js';

/** The outcome of running one tool. */
export interface ToolOutcome {
  readonly output: JsonValue;
  readonly isError: boolean;
  readonly errorCode?: ToolErrorCode;
}

/** An error outcome with the message the model reads. */
export function toolError(errorCode: ToolErrorCode, output: string): ToolOutcome {
  return { output, isError: true, errorCode };
}

class ToolTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/**
 * Runs a validated call. A throw, a timeout or an abort becomes an error outcome; the tool's own promise
 * is raced against its signal so a tool that ignores the signal still cannot hold the run.
 */
export async function executeTool(ctx: RunContext, tool: Tool, id: string, input: unknown): Promise<ToolOutcome> {
  const timeoutMs = tool.timeoutMs ?? ctx.config.options.toolTimeoutMs;
  let signal = ctx.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unlink: (() => void) | undefined;
  if (timeoutMs !== undefined) {
    const controller = new AbortController();
    const forward = (): void => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', forward, { once: true });
    unlink = () => ctx.signal.removeEventListener('abort', forward);
    timer = setTimeout(() => controller.abort(new ToolTimeout(timeoutMs)), timeoutMs);
    signal = controller.signal;
  }
  let onAbort: (() => void) | undefined;
  try {
    if (signal.aborted) throw signal.reason;
    const sandbox = await ctx.sandbox();
    const context: ToolContext = {
      signal,
      sessionId: ctx.sessionId,
      runId: ctx.runId,
      toolCallId: id,
      sandbox,
      state: ctx.state,
      onRunEnd: (cleanup) => ctx.onRunEnd(cleanup),
    };
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const output = await Promise.race([Promise.resolve(tool.execute(input, context)), stopped]);
    return { output: output === undefined ? '' : output, isError: false };
  } catch (error) {
    return failure(error, signal, tool.name);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    unlink?.();
  }
}

function failure(error: unknown, signal: AbortSignal, name: string): ToolOutcome {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof ToolTimeout) {
    return toolError(
      'TOOL_TIMEOUT',
      `Tool "${name}" ${reason.message} and was stopped. Try a smaller task or a longer timeout.`,
    );
  }
  if (signal.aborted || isAbortError(error)) return toolError('ABORTED', `Tool "${name}" was aborted.`);
  if (WorkspaceEscapeError.isInstance(error)) return toolError('WORKSPACE_ESCAPE', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return toolError('TOOL_EXECUTION_FAILED', `Tool "${name}" failed: ${message}`);
}
