import type { ToolErrorCode } from '../events/agent-event.js';
import { WorkspaceEscapeError } from '../errors/workspace-escape-error.js';
import { isAbortError } from '../internal/abort.js';
import { isJsonSafe } from '../internal/json-safe.js';
import { ToolFailure } from '../internal/tool-failure.js';
import type { JsonValue } from '../model/message.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import { permissionModeOf } from './plan-mode.js';
import type { RunContext } from './run-context.js';
import { RUN_CONTEXT, type LinkedToolContext } from './subagent/run-link.js';

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
 * Runs a validated call. A throw, a timeout or an abort becomes an error outcome.
 *
 * A tool with a timeout is raced against it, so one that ignores its signal still ends on time. Without a
 * timeout the call is awaited as is (no per-call listener on the hot path): a tool that ignores an abort
 * cannot hold the run anyway, because an aborted run stops waiting after a short grace period. A tool that
 * answers synchronously is then answered synchronously: no promise on the hot path.
 */
export function executeTool(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: unknown,
): ToolOutcome | Promise<ToolOutcome> {
  const pending = tool.sandbox ?? ctx.sandbox();
  return pending instanceof Promise
    ? pending.then((sandbox) => executeIn(ctx, tool, id, input, sandbox))
    : executeIn(ctx, tool, id, input, pending);
}

/** {@link executeTool} once the sandbox is known: synchronous for a synchronous tool without a timeout. */
function executeIn(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: unknown,
  sandbox: ToolContext['sandbox'],
): ToolOutcome | Promise<ToolOutcome> {
  const timeoutMs = tool.timeoutMs ?? ctx.config.options.toolTimeoutMs;
  if (ctx.signal.aborted) return toolError('ABORTED', `Tool "${tool.name}" was not run: the run was aborted.`);
  if (timeoutMs !== undefined) return executeWithTimeout(ctx, tool, id, input, sandbox, timeoutMs);
  let output: unknown;
  try {
    output = tool.execute(input, toolContext(ctx, id, ctx.signal, sandbox));
  } catch (error) {
    return failure(error, ctx.signal, tool.name);
  }
  // A promise (or any thenable, as `await` would take it) is waited for; a plain value is the result.
  if (isThenable(output)) {
    return Promise.resolve(output).then(
      (value) => success(value, tool.name),
      (error: unknown) => failure(error, ctx.signal, tool.name),
    );
  }
  return success(output, tool.name);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

async function executeWithTimeout(
  ctx: RunContext,
  tool: Tool,
  id: string,
  input: unknown,
  sandbox: ToolContext['sandbox'],
  timeoutMs: number,
): Promise<ToolOutcome> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(() => controller.abort(new ToolTimeout(timeoutMs)), timeoutMs);
  const signal = controller.signal;
  let onAbort: (() => void) | undefined;
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const output = await Promise.race([
      Promise.resolve(tool.execute(input, toolContext(ctx, id, signal, sandbox))),
      stopped,
    ]);
    return success(output, tool.name);
  } catch (error) {
    return failure(error, signal, tool.name);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', forward);
  }
}

function toolContext(
  ctx: RunContext,
  id: string,
  signal: AbortSignal,
  sandbox: ToolContext['sandbox'],
): LinkedToolContext {
  const policy = ctx.config.policy;
  return {
    signal,
    sessionId: ctx.sessionId,
    runId: ctx.runId,
    toolCallId: id,
    sandbox,
    state: ctx.state,
    onRunEnd: ctx.onRunEnd,
    [RUN_CONTEXT]: ctx,
    ...(ctx.settings.context !== undefined ? { context: ctx.settings.context } : {}),
    ...(policy.mode ? { permissionMode: permissionModeOf(ctx) } : {}),
    ...(policy.canRead ? { canRead: (path: string) => policy.canRead!(path, sandbox) } : {}),
  };
}

/**
 * A tool's return value as JSON. Strings and plain data pass as they are; other values (a Date, a class
 * instance) go through a JSON round trip so the stored session and the model see the same thing; values
 * JSON cannot carry (BigInt, cycles) become an error result.
 */
function success(output: unknown, name: string): ToolOutcome {
  if (output === undefined) return { output: '', isError: false };
  if (typeof output === 'string' || isJsonSafe(output)) return { output: output as JsonValue, isError: false };
  try {
    const json = JSON.stringify(output);
    return { output: json === undefined ? '' : (JSON.parse(json) as JsonValue), isError: false };
  } catch (error) {
    return toolError(
      'TOOL_EXECUTION_FAILED',
      `Tool "${name}" returned a value that is not JSON (${(error as Error).message}).`,
    );
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
  if (error instanceof ToolFailure) return toolError(error.errorCode, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return toolError('TOOL_EXECUTION_FAILED', `Tool "${name}" failed: ${message}`);
}
