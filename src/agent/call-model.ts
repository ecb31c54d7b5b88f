import { AgentError } from '../errors/agent-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { abortReason, sleep } from '../internal/abort.js';
import type { FinishReason, ModelRequest, ModelStreamPart } from '../model/language-model.js';
import type { AssistantMessage, ReasoningPart, TextPart, ToolCallPart } from '../model/message.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { RunContext } from './run-context.js';
import { checkToolInput, storable, TurnBudget } from './turn-limits.js';

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

/** Thrown inside an attempt once output reached the consumer: retrying would duplicate events. */
class StreamedFailure extends Error {
  constructor(readonly original: unknown) {
    super('model stream failed after output was streamed');
  }
}

/**
 * Calls the model, streaming its text to the run's events, and retries retryable failures that happen
 * before any output reached the consumer (with exponential backoff and jitter, honouring and capping
 * `retry-after`). Tool-call events are emitted only once the stream has finished cleanly, so a retried or
 * failed stream never announces a call that will not run.
 */
export async function callModel(ctx: RunContext, request: ModelRequest): Promise<ModelTurn> {
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

/** A tool call being read from the stream: its id is final only once the stream has ended cleanly. */
type DraftCall = { -readonly [K in keyof ToolCallPart]: ToolCallPart[K] };

async function streamOnce(ctx: RunContext, request: ModelRequest): Promise<ModelTurn> {
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  const drafts: DraftCall[] = [];
  let problems: Map<DraftCall, string> | undefined;
  const usage = emptyUsage();
  const budget = new TurnBudget(ctx.config.maxTurnOutputChars);
  const maxDepth = ctx.config.maxToolInputDepth;
  let finishReason: FinishReason | undefined;
  let text = '';
  let reasoning = '';
  let streamed = false;
  let cut = false;
  let parts = 0;

  const flushText = (): void => {
    if (text) content.push({ type: 'text', text });
    text = '';
  };
  const flushReasoning = (): void => {
    if (reasoning) content.push({ type: 'reasoning', text: reasoning });
    reasoning = '';
  };

  const signal = ctx.signal;
  const iterator = ctx.config.options.provider.stream(request, { signal })[Symbol.asyncIterator]();
  try {
    while (!cut) {
      // A model that ignores its signal is cut off here at its next part, and the run itself stops
      // waiting for it after a short grace period (see agent-run.ts): no per-part promise race needed.
      const next = await iterator.next();
      if (signal.aborted) throw abortReason(signal);
      if (next.done) break;
      const part: ModelStreamPart = next.value;
      // Every part counts, so an endless stream of empty deltas or usage parts is cut too.
      if (++parts > budget.maxChars) {
        cut = true;
        break;
      }
      switch (part.type) {
        case 'text-delta': {
          if (reasoning) flushReasoning();
          let piece = part.text;
          // Past the turn's cap, keep what fits and stop reading: the turn ends with `length`.
          if (!budget.text(piece.length)) [piece, cut] = [piece.slice(0, piece.length - budget.overflow), true];
          if (piece === '') break;
          text += piece;
          streamed = true;
          const wait = ctx.emit({ type: 'text-delta', text: piece, runId: ctx.runId });
          if (wait) await wait;
          break;
        }
        case 'reasoning-delta': {
          if (text) flushText();
          let piece = part.text;
          if (!budget.reasoningDelta(piece.length)) {
            [piece, cut] = [piece.slice(0, piece.length - budget.overflow), true];
          }
          if (piece === '') break;
          reasoning += piece;
          streamed = true;
          const wait = ctx.emit({ type: 'reasoning-delta', text: piece, runId: ctx.runId });
          if (wait) await wait;
          break;
        }
        case 'reasoning': {
          flushText();
          reasoning = '';
          // A block past the cap is left out whole: cut, its signature would no longer match it.
          if (!budget.reasoningPart(part.text.length)) {
            cut = true;
            break;
          }
          const block: ReasoningPart = { type: 'reasoning', text: part.text };
          content.push(
            Object.assign(
              block,
              part.signature === undefined ? {} : { signature: part.signature },
              part.providerMetadata === undefined || !storable(part.providerMetadata, budget.maxChars)
                ? {}
                : { providerMetadata: part.providerMetadata },
            ),
          );
          break;
        }
        case 'tool-call': {
          flushText();
          flushReasoning();
          const check = checkToolInput(part.name, part.input, maxDepth, budget.inputRoom);
          cut = !budget.input(check.chars + (typeof part.name === 'string' ? part.name.length : 0));
          // An input that cannot be used is stored as {} (the store must take the message), and the
          // call gets an error result saying why.
          const draft: DraftCall = {
            type: 'tool-call',
            id: part.id,
            name: part.name,
            input: check.problem ? {} : part.input,
          };
          if (part.providerMetadata !== undefined && storable(part.providerMetadata, budget.maxChars)) {
            draft.providerMetadata = part.providerMetadata;
          }
          if (check.problem !== undefined) (problems ??= new Map()).set(draft, check.problem);
          content.push(draft);
          drafts.push(draft);
          break;
        }
        case 'tool-call-delta':
          cut = !budget.argumentDelta(part.inputDelta.length);
          break;
        case 'usage':
          addUsage(usage, part.usage);
          break;
        case 'finish':
          finishReason = part.reason;
          break;
        case 'error':
          throw part.error instanceof Error
            ? part.error
            : new AgentError('RUN_FAILED', { message: String(part.error) });
        case 'tool-call-start':
          break;
      }
    }
  } catch (error) {
    void iterator.return?.()?.catch(() => undefined);
    throw streamed ? new StreamedFailure(error) : error;
  }
  // Stop a model that is still streaming past the cap (its HTTP request is cancelled).
  if (cut) void iterator.return?.()?.catch(() => undefined);
  flushReasoning();
  flushText();
  // Ids are made unique in the session only now, once the stream has ended cleanly: a retried attempt
  // must not take ids. From here on, the re-keyed id is the one stored, shown and answered.
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
    message: { role: 'assistant', content },
    toolCalls: drafts,
    usage,
    finishReason: cut ? 'length' : (finishReason ?? (drafts.length > 0 ? 'tool-calls' : 'stop')),
  };
  return rejected ? { ...turn, rejected } : turn;
}
