/**
 * Calling the agent's hooks at each point of the loop. The loop calls these from one line each; with no
 * hook at a point, the call costs nothing (no promise).
 */
import { GuardrailError } from '../errors/guardrail-error.js';
import type { AgentEvent } from '../events/agent-event.js';
import type { ModelRequest } from '../model/language-model.js';
import type { Message, UserMessage } from '../model/message.js';
import { checkOutput, startInputGuardrails } from './guardrails.js';
import { hookContext, hookName, hookSet, promptText, withContext, type HookPoint } from './hook-set.js';
import {
  MAX_STOP_CONTINUATIONS,
  type BeforeToolCallResult,
  type CompactInfo,
  type SubagentStopInfo,
  type ToolCallInfo,
  type ToolResultInfo,
} from './hooks.js';
import { add } from './play-turn.js';
import type { RunContext } from './run-context.js';
import { buildResult, type RunStart } from './run-loop.js';
import type { AgentOptions } from './types.js';

/** The message `sessionStart` context rides on when the input holds no user message (tool results only). */
const emptyPrompt: UserMessage = { role: 'user', content: [] };

/** The hook objects that have `point`, with their names; empty when none has it. */
function withHook(ctx: RunContext, point: HookPoint) {
  const set = hookSet(ctx.config.options);
  if (!set?.has(point)) return [];
  return set.list
    .filter((hooks) => typeof hooks[point] === 'function')
    .map((hooks) => ({ hooks, ctx: hookContext(ctx, hookName(hooks, point), point) }));
}

/**
 * The start of a run: registers `sessionEnd`, calls `sessionStart`, then (for new input) `userPromptSubmit`
 * and the input guardrails. Returns the input with the hooks' context added, or `undefined` when no hook
 * changed it. Throws `GuardrailError` when a hook or a guardrail blocks the input: nothing is stored then.
 */
export async function startRunHooks(ctx: RunContext, start: RunStart): Promise<readonly Message[] | undefined> {
  const set = hookSet(ctx.config.options);
  if (!set) return undefined;
  if (set.has('sessionEnd')) ctx.onRunEnd(() => endHooks(ctx));
  const contexts: string[] = [];
  const source = start.kind === 'resume' ? 'resume' : ctx.version === 0 ? 'new' : 'continue';
  for (const { hooks, ctx: hctx } of withHook(ctx, 'sessionStart')) {
    const answer = await hooks.sessionStart!({ source }, hctx);
    if (answer?.additionalContext) contexts.push(answer.additionalContext);
  }
  if (start.kind !== 'input') return undefined;
  // The prompt is the last user message of the input (an imported conversation may hold several).
  const at = start.messages.findLastIndex((m) => m.role === 'user');
  const message = start.messages[at] as UserMessage | undefined;
  if (!message) return contexts.length > 0 ? [...start.messages, withContext(emptyPrompt, contexts)] : undefined;
  const prompt = { message, text: promptText(message) };
  for (const { hooks, ctx: hctx } of withHook(ctx, 'userPromptSubmit')) {
    const answer = await hooks.userPromptSubmit!(prompt, hctx);
    if (answer && 'block' in answer) {
      throw new GuardrailError({
        guardrail: hookName(hooks, 'userPromptSubmit'),
        reason: answer.block,
        stage: 'input',
      });
    }
    if (answer && 'additionalContext' in answer && answer.additionalContext) contexts.push(answer.additionalContext);
  }
  if (set.input.length > 0) await startInputGuardrails(ctx, set.input, prompt);
  if (contexts.length === 0) return undefined;
  return start.messages.map((m, i) => (i === at ? withContext(message, contexts) : m));
}

/** `sessionEnd`, once the run has ended (a cleanup: its errors are ignored). */
async function endHooks(ctx: RunContext): Promise<void> {
  const result = buildResult(ctx);
  for (const { hooks, ctx: hctx } of withHook(ctx, 'sessionEnd')) {
    try {
      await hooks.sessionEnd!({ status: result.status, result }, hctx);
    } catch {
      // The run is over: a failing sessionEnd hook cannot change its outcome.
    }
  }
}

/** `beforeModelCall` hooks, each getting the request the previous one returned. */
export function modelCallHooks(ctx: RunContext, request: ModelRequest): ModelRequest | Promise<ModelRequest> {
  const hooked = withHook(ctx, 'beforeModelCall');
  if (hooked.length === 0) return request;
  return (async () => {
    let current = request;
    for (const { hooks, ctx: hctx } of hooked) {
      const copy = { ...current };
      current = (await hooks.beforeModelCall!(copy, hctx)) ?? copy;
    }
    return current;
  })();
}

/** Whether the agent has `beforeToolCall` hooks. */
export function hasToolHooks(ctx: RunContext): boolean {
  return hookSet(ctx.config.options)?.has('beforeToolCall') === true;
}

/**
 * `beforeToolCall` hooks, in order: the first deny wins; a replaced input is what later hooks see; an
 * `ask` stands unless a later hook denies. An `allow` is dropped: it is a hint that never skips the policy.
 */
export async function toolCallHooks(
  ctx: RunContext,
  call: ToolCallInfo,
): Promise<{ readonly deny: string } | { readonly input?: ToolCallInfo['input']; readonly ask?: string }> {
  let input: ToolCallInfo['input'] | undefined;
  let ask: string | undefined;
  for (const { hooks, ctx: hctx } of withHook(ctx, 'beforeToolCall')) {
    const verdict: BeforeToolCallResult = await hooks.beforeToolCall!(
      input === undefined ? call : { ...call, input },
      hctx,
    );
    if (!verdict) continue;
    if ('deny' in verdict) return { deny: String(verdict.deny) };
    if (verdict.input !== undefined) input = verdict.input;
    if (verdict.ask !== undefined && ask === undefined) ask = String(verdict.ask);
  }
  return { ...(input !== undefined ? { input } : {}), ...(ask !== undefined ? { ask } : {}) };
}

/** Whether the agent has `afterToolCall` hooks. */
export function hasResultHooks(ctx: RunContext): boolean {
  return hookSet(ctx.config.options)?.has('afterToolCall') === true;
}

/** `afterToolCall` hooks, each getting the result the previous one returned. */
export async function toolResultHooks(
  ctx: RunContext,
  call: ToolCallInfo,
  result: ToolResultInfo,
): Promise<ToolResultInfo> {
  let current = result;
  for (const { hooks, ctx: hctx } of withHook(ctx, 'afterToolCall')) {
    current = (await hooks.afterToolCall!(call, current, hctx)) ?? current;
  }
  return current;
}

/** `beforeCompact` hooks. */
export async function compactHooks(ctx: RunContext, info: CompactInfo): Promise<void> {
  for (const { hooks, ctx: hctx } of withHook(ctx, 'beforeCompact')) await hooks.beforeCompact!(info, hctx);
}

const continuations = new WeakMap<RunContext, number>();

/**
 * Called when a run is about to end `completed`: `stop` hooks may make it go on (the first that asks gives
 * the message, added as user input and stored), at most {@link MAX_STOP_CONTINUATIONS} times and only while
 * a turn is left; otherwise the output guardrails check the final output. Returns whether the run goes on.
 */
export async function continueAfterStop(ctx: RunContext, maxTurns: number): Promise<boolean> {
  const set = hookSet(ctx.config.options);
  if (!set) return false;
  const made = continuations.get(ctx) ?? 0;
  if (made < MAX_STOP_CONTINUATIONS && ctx.turns < maxTurns) {
    const text = buildResult(ctx).text;
    for (const { hooks, ctx: hctx } of withHook(ctx, 'stop')) {
      const answer = await hooks.stop!({ text, continuations: made }, hctx);
      if (answer?.continue === undefined || answer.continue === '') continue;
      continuations.set(ctx, made + 1);
      const message: Message = { role: 'user', content: [{ type: 'text', text: String(answer.continue) }] };
      add(ctx, message);
      await ctx.persist([{ type: 'message', message, turn: ctx.sessionTurn + 1 }]);
      return true;
    }
  }
  if (set.output.length > 0) await checkOutput(ctx, set.output);
  return false;
}

/**
 * `subagentStop` hooks, for the code that runs sub-agents to call when one ends. Errors are ignored: the
 * sub-agent's run is over.
 */
export async function subagentStopHooks(ctx: RunContext, info: SubagentStopInfo): Promise<void> {
  for (const { hooks, ctx: hctx } of withHook(ctx, 'subagentStop')) {
    try {
      await hooks.subagentStop!(info, hctx);
    } catch {
      // Told after the fact: nothing to undo.
    }
  }
}

/** The `onEvent` hooks as one function, called in order; `undefined` when there are none. */
export function eventHook(options: AgentOptions): ((event: AgentEvent) => void) | undefined {
  const set = hookSet(options);
  if (!set?.has('onEvent')) return undefined;
  const listeners = set.list.filter((hooks) => typeof hooks.onEvent === 'function');
  if (listeners.length === 1) {
    const only = listeners[0]!;
    return (event) => only.onEvent!(event);
  }
  return (event) => {
    for (const hooks of listeners) hooks.onEvent!(event);
  };
}
