import PQueue from 'p-queue';
import type { PendingApproval } from '../events/run-result.js';
import type { JsonValue, ToolCallPart, ToolResultPart } from '../model/message.js';
import { ENTRY_ENVELOPE_DEPTH, isJsonSafe, MAX_JSON_DEPTH } from '../internal/json-safe.js';
import { authorize, refuseByHook, type Authorization } from './authorize.js';
import { executeTool, toolError, type ToolOutcome } from './execute-tool.js';
import type { RunContext } from './run-context.js';
import { pausedCall } from './subagent/tree-result.js';
import { truncateOutput } from './truncate-output.js';
import { checkToolInput } from './turn-limits.js';
import { askByHook } from './hook-ask.js';
import { hasResultHooks, hasToolHooks, toolCallHooks, toolResultHooks } from './run-hooks.js';
import type { Tool } from '../tools/tool.js';

/** What a turn's tool calls produced. */
export interface ToolBatch {
  /** Results in the model's order, for every call that is not pending. */
  readonly results: ToolResultPart[];
  /** Calls that wait for a person (no approver configured). */
  readonly pending: PendingApproval[];
}

/** What one call produced: its result, or the approval it waits for. */
type CallOutcome = ToolResultPart | { request: PendingApproval };

/**
 * Runs one turn's tool calls concurrently, at most `maxParallelTools` at a time, and returns their
 * results in the model's order. Every problem becomes an error result the model can act on.
 *
 * Synchronous for a turn of one call that needs no waiting (see {@link authorize}): the common step pays
 * no promise for the batch.
 */
export function runTools(
  ctx: RunContext,
  calls: readonly ToolCallPart[],
  rejected?: ReadonlyMap<string, string>,
): ToolBatch | Promise<ToolBatch> {
  if (calls.length === 1 && !rejected) {
    const outcome = runCall(ctx, calls[0]!);
    return outcome instanceof Promise ? outcome.then((one) => batch([one])) : batch([outcome]);
  }
  return mapBounded(
    ctx.config.maxParallelTools,
    calls,
    rejected
      ? (call) => {
          const problem = rejected.get(call.id);
          return problem === undefined
            ? runCall(ctx, call)
            : finish(ctx, call.id, call.name, call.input, toolError('TOOL_INPUT_INVALID', problem));
        }
      : (call) => runCall(ctx, call),
  ).then(batch);
}

function batch(outcomes: readonly CallOutcome[]): ToolBatch {
  const results: ToolResultPart[] = [];
  const pending: PendingApproval[] = [];
  for (const outcome of outcomes) {
    if ('request' in outcome) pending.push(outcome.request);
    else results.push(outcome);
  }
  return { results, pending };
}

function runCall(ctx: RunContext, call: ToolCallPart): CallOutcome | Promise<CallOutcome> {
  const tool = ctx.config.tools.get(call.name);
  if (!tool) {
    const names = [...ctx.config.tools.keys()].join(', ') || 'none';
    return finish(
      ctx,
      call.id,
      call.name,
      call.input,
      toolError('TOOL_NOT_FOUND', `Tool "${call.name}" does not exist. Available tools: ${names}.`),
    );
  }
  // A string is the raw arguments when they did not parse, or a JSON string the model sent: say which it
  // may be, never that valid JSON was invalid. (A tool made by hand may take a string: then it passes.)
  if (typeof call.input === 'string' && !tool.input.safeParse(call.input).success) {
    return finish(
      ctx,
      call.id,
      call.name,
      call.input,
      toolError('TOOL_INPUT_INVALID', stringInputMessage(tool, call.input)),
    );
  }
  if (hasToolHooks(ctx)) return runHooked(ctx, tool, call);
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    return finish(
      ctx,
      call.id,
      call.name,
      call.input,
      toolError('TOOL_INPUT_INVALID', invalidInputMessage(tool, parsed.error)),
    );
  }
  return authorizeAndRun(ctx, tool, call, call.input, parsed.data);
}

/** {@link runCall} with `beforeToolCall` hooks: they may deny the call, replace its input, or ask. */
async function runHooked(ctx: RunContext, tool: Tool, call: ToolCallPart): Promise<CallOutcome> {
  let input: JsonValue = call.input;
  let ask: string | undefined;
  // Validate, let the hook deny or replace the input, and validate again what it put in.
  for (let pass = 0; ; pass++) {
    const parsed = tool.input.safeParse(input);
    if (!parsed.success) {
      return finish(
        ctx,
        call.id,
        call.name,
        input,
        toolError('TOOL_INPUT_INVALID', invalidInputMessage(tool, parsed.error)),
      );
    }
    const verdict =
      pass === 0
        ? await toolCallHooks(ctx, {
            id: call.id,
            name: call.name,
            input,
            sessionId: ctx.sessionId,
            context: ctx.settings.context,
          })
        : undefined;
    if (verdict && 'ask' in verdict) ask = verdict.ask;
    if (verdict && 'deny' in verdict) {
      const refused = await refuseByHook(ctx, call.id, verdict.deny);
      return finish(ctx, call.id, call.name, input, (refused as Extract<Authorization, { kind: 'refuse' }>).outcome);
    }
    if (verdict && 'input' in verdict && verdict.input !== undefined) {
      // The replaced input is what is asked about, stored and run: it meets the same limits as the model's.
      const check = checkToolInput(
        call.name,
        verdict.input,
        ctx.config.maxToolInputDepth,
        ctx.config.maxTurnOutputChars,
      );
      if (check.problem !== undefined) {
        return finish(
          ctx,
          call.id,
          call.name,
          {},
          toolError('TOOL_INPUT_INVALID', `A beforeToolCall hook replaced the input: ${check.problem}`),
        );
      }
      input = verdict.input;
      continue;
    }
    if (ask !== undefined) {
      const authorization = await askByHook(ctx, tool, call.id, input, parsed.data, ask);
      return runAuthorized(ctx, tool, call, input, parsed.data, authorization);
    }
    return authorizeAndRun(ctx, tool, call, input, parsed.data);
  }
}

function authorizeAndRun(
  ctx: RunContext,
  tool: Tool,
  call: ToolCallPart,
  input: JsonValue,
  parsed: unknown,
): CallOutcome | Promise<CallOutcome> {
  const authorization = authorize(ctx, tool, call.id, input, parsed);
  return authorization instanceof Promise
    ? authorization.then((authorized) => runAuthorized(ctx, tool, call, input, parsed, authorized))
    : runAuthorized(ctx, tool, call, input, parsed, authorization);
}

function runAuthorized(
  ctx: RunContext,
  tool: Tool,
  call: ToolCallPart,
  input: JsonValue,
  parsed: unknown,
  authorization: Authorization,
): CallOutcome | Promise<CallOutcome> {
  if (authorization.kind === 'pending') return { request: authorization.request };
  if (authorization.kind === 'refuse') return finish(ctx, call.id, call.name, input, authorization.outcome);
  const outcome = executeTool(ctx, tool, call.id, parsed);
  return outcome instanceof Promise
    ? outcome.then((done) => pausedCall(ctx, call, input) ?? finish(ctx, call.id, call.name, input, done))
    : finish(ctx, call.id, call.name, input, outcome);
}

/**
 * Applies the `afterToolCall` hook and the output cap, emits the result event, and builds the part. An
 * output the stores could not keep (nested too deep, not JSON) becomes an error result, so a tool or a hook
 * can never make the run fail when the turn is stored. Synchronous without a hook or a slow consumer.
 */
export function finish(
  ctx: RunContext,
  id: string,
  name: string,
  input: JsonValue,
  outcome: ToolOutcome,
): ToolResultPart | Promise<ToolResultPart> {
  return hasResultHooks(ctx) ? finishHooked(ctx, id, name, input, outcome) : finishResult(ctx, id, name, outcome);
}

async function finishHooked(
  ctx: RunContext,
  id: string,
  name: string,
  input: JsonValue,
  outcome: ToolOutcome,
): Promise<ToolResultPart> {
  return finishResult(
    ctx,
    id,
    name,
    await toolResultHooks(ctx, { id, name, input, sessionId: ctx.sessionId, context: ctx.settings.context }, outcome),
  );
}

function finishResult(
  ctx: RunContext,
  id: string,
  name: string,
  outcome: ToolOutcome,
): ToolResultPart | Promise<ToolResultPart> {
  if (typeof outcome.output !== 'string' && !isJsonSafe(outcome.output, ENTRY_ENVELOPE_DEPTH)) {
    outcome = toolError(
      'TOOL_EXECUTION_FAILED',
      `Tool "${name}" returned a value that cannot be stored (nested more than ${MAX_JSON_DEPTH - ENTRY_ENVELOPE_DEPTH} levels deep, or not JSON).`,
    );
  }
  const output = truncateOutput(outcome.output, ctx.config.maxToolOutputChars);
  const wait = ctx.emit(
    outcome.errorCode === undefined
      ? { type: 'tool-result', id, name, output, isError: outcome.isError, runId: ctx.runId }
      : {
          type: 'tool-result',
          id,
          name,
          output,
          isError: outcome.isError,
          errorCode: outcome.errorCode,
          runId: ctx.runId,
        },
  );
  const part: ToolResultPart = { type: 'tool-result', id, name, output, isError: outcome.isError };
  return wait ? wait.then(() => part) : part;
}

/** The error message for JSON input that does not match the tool's schema, with the schema's issues. */
export function invalidInputMessage(
  tool: Tool,
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
): string {
  const problems = error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
  return `The input for "${tool.name}" is JSON but does not match the tool's schema: ${problems}. Fix the arguments to match the schema: ${JSON.stringify(tool.inputSchema)}`;
}

/**
 * The error message for a string input: arguments that did not parse as JSON (they look like an object or
 * an array but are malformed, often cut off), a JSON string holding an encoded object, or a bare string
 * where an object is expected.
 */
function stringInputMessage(tool: Tool, raw: string): string {
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  const schema = `Send the arguments as one JSON object that matches the tool's schema: ${JSON.stringify(tool.inputSchema)}`;
  try {
    JSON.parse(raw);
  } catch (error) {
    if (/^\s*[[{]/.test(raw)) {
      return `The input for "${tool.name}" is not valid JSON (${(error as Error).message}): ${shown}. ${schema}`;
    }
    return `The input for "${tool.name}" is a string, not a JSON object: ${shown}. ${schema}`;
  }
  return `The input for "${tool.name}" is a string that holds JSON, not a JSON object: ${shown}. Send the object itself, not encoded in a string. ${schema}`;
}

/**
 * Maps with bounded concurrency, results in input order. Up to the bound no queue is needed, so the
 * common turn (a handful of calls) pays nothing for it; past it, p-queue holds the rest.
 */
export async function mapBounded<T, R>(
  limit: number,
  items: readonly T[],
  fn: (item: T) => R | Promise<R>,
): Promise<R[]> {
  if (items.length <= 1) return items.length === 0 ? [] : [await fn(items[0] as T)];
  if (items.length <= limit) return Promise.all(items.map(fn));
  const queue = new PQueue({ concurrency: limit });
  return Promise.all(items.map((item) => queue.add(() => fn(item))));
}
