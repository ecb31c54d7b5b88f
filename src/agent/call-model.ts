import { ProviderError } from '../errors/provider-error.js';
import { abortReason, sleep } from '../internal/abort.js';
import type { FinishReason, ModelRequest } from '../model/language-model.js';
import type { AssistantMessage, ToolCallPart } from '../model/message.js';
import { addUsage, type Usage } from '../model/usage.js';
import type { RunContext } from './run-context.js';
import { StreamedFailure, streamOnce, type StreamedTurn } from './stream-turn.js';

/** What one model call produced. */
export interface ModelTurn {
  readonly message: AssistantMessage;
  readonly toolCalls: readonly ToolCallPart[];
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /**
   * Calls whose input cannot be used (nested too deep, too large, not JSON), by id, with the message the
   * model reads. Their stored input is `{}`.
   */
  readonly rejected?: ReadonlyMap<string, string>;
}

const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;
const DEFAULT_INITIAL_DELAY_MS = 500;

/**
 * Calls the model, streaming its text to the run's events, and retries retryable failures that happen
 * before any output reached the consumer (with exponential backoff and jitter, honouring and capping
 * `retry-after`). A turn that ends with finish reason `error` (Gemini's `MALFORMED_FUNCTION_CALL`, a
 * turn the provider itself gave up on) is tried once more, announced by a `retry` event: its output is not
 * kept, and its usage counts. Tool-call events are emitted only for the turn that is kept, so a retried or
 * failed stream never announces a call that will not run.
 */
export async function callModel(ctx: RunContext, request: ModelRequest): Promise<ModelTurn> {
  let turn = await callWithRetries(ctx, request);
  if (turn.finishReason === 'error') {
    const wait = ctx.emit({
      type: 'retry',
      attempt: 1,
      delayMs: 0,
      error: 'The model ended its turn with an error (finish reason "error"); trying the turn once more.',
      runId: ctx.runId,
    });
    if (wait) await wait;
    const failed = turn.usage;
    turn = await callWithRetries(ctx, request);
    addUsage(turn.usage, failed);
  }
  return keep(ctx, turn);
}

async function callWithRetries(ctx: RunContext, request: ModelRequest): Promise<StreamedTurn> {
  const model = ctx.config.options.provider;
  const maxRetries = model.retry?.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxDelay = model.retry?.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  const initialDelay = model.retry?.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await streamOnce(ctx, request);
    } catch (error) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      if (error instanceof StreamedFailure) throw error.original;
      if (!ProviderError.isInstance(error) || !error.retryable || attempt >= maxRetries) throw error;
      const backoff = initialDelay * 2 ** attempt * (0.75 + Math.random() * 0.5);
      const delayMs = Math.round(Math.min(error.retryAfterMs ?? backoff, maxDelay));
      const wait = ctx.emit({ type: 'retry', attempt: attempt + 1, delayMs, error: error.message, runId: ctx.runId });
      if (wait) await wait;
      await sleep(delayMs, ctx.signal);
    }
  }
}

/**
 * The turn that is kept: its tool calls get ids unique in the session only now (a retried attempt must not
 * take ids; from here on, the re-keyed id is the one stored, shown and answered), and are announced.
 */
async function keep(ctx: RunContext, streamed: StreamedTurn): Promise<ModelTurn> {
  const { drafts, problems } = streamed;
  let rejected: Map<string, string> | undefined;
  for (const draft of drafts) {
    draft.id = ctx.callIds.unique(draft.id);
    const problem = problems?.get(draft);
    if (problem !== undefined) (rejected ??= new Map()).set(draft.id, problem);
  }
  for (const call of drafts) {
    const wait = ctx.emit({ type: 'tool-call', id: call.id, name: call.name, input: call.input, runId: ctx.runId });
    if (wait) await wait;
  }
  const turn: ModelTurn = {
    message: { role: 'assistant', content: streamed.content },
    toolCalls: drafts,
    usage: streamed.usage,
    finishReason: streamed.finishReason,
  };
  return rejected ? { ...turn, rejected } : turn;
}
