import { AgentError } from '../errors/agent-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { abortReason, sleep } from '../internal/abort.js';
import type { FinishReason, ModelRequest, ModelStreamPart } from '../model/language-model.js';
import type { AssistantMessage, ReasoningPart, TextPart, ToolCallPart } from '../model/message.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { RunContext } from './run-context.js';

/** What one model call produced. */
export interface ModelTurn {
  readonly message: AssistantMessage;
  readonly toolCalls: readonly ToolCallPart[];
  readonly usage: Usage;
  readonly finishReason: FinishReason;
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

async function streamOnce(ctx: RunContext, request: ModelRequest): Promise<ModelTurn> {
  const content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  const toolCalls: ToolCallPart[] = [];
  const usage = emptyUsage();
  let finishReason: FinishReason | undefined;
  let text = '';
  let reasoning = '';
  let streamed = false;

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
    for (;;) {
      // A model that ignores its signal is cut off here at its next part, and the run itself stops
      // waiting for it after a short grace period (see agent-run.ts): no per-part promise race needed.
      const next = await iterator.next();
      if (signal.aborted) throw abortReason(signal);
      if (next.done) break;
      const part: ModelStreamPart = next.value;
      switch (part.type) {
        case 'text-delta': {
          if (reasoning) flushReasoning();
          text += part.text;
          streamed = true;
          const wait = ctx.emit({ type: 'text-delta', text: part.text, runId: ctx.runId });
          if (wait) await wait;
          break;
        }
        case 'reasoning-delta': {
          if (text) flushText();
          reasoning += part.text;
          streamed = true;
          const wait = ctx.emit({ type: 'reasoning-delta', text: part.text, runId: ctx.runId });
          if (wait) await wait;
          break;
        }
        case 'reasoning': {
          flushText();
          reasoning = '';
          const block: ReasoningPart = { type: 'reasoning', text: part.text };
          content.push(
            Object.assign(
              block,
              part.signature === undefined ? {} : { signature: part.signature },
              part.providerMetadata === undefined ? {} : { providerMetadata: part.providerMetadata },
            ),
          );
          break;
        }
        case 'tool-call': {
          flushText();
          flushReasoning();
          const call: ToolCallPart =
            part.providerMetadata === undefined
              ? { type: 'tool-call', id: part.id, name: part.name, input: part.input }
              : {
                  type: 'tool-call',
                  id: part.id,
                  name: part.name,
                  input: part.input,
                  providerMetadata: part.providerMetadata,
                };
          content.push(call);
          toolCalls.push(call);
          break;
        }
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
        case 'tool-call-delta':
          break;
      }
    }
  } catch (error) {
    void iterator.return?.()?.catch(() => undefined);
    throw streamed ? new StreamedFailure(error) : error;
  }
  flushReasoning();
  flushText();
  for (const call of toolCalls) {
    const wait = ctx.emit({ type: 'tool-call', id: call.id, name: call.name, input: call.input, runId: ctx.runId });
    if (wait) await wait;
  }
  return {
    message: { role: 'assistant', content },
    toolCalls,
    usage,
    finishReason: finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
  };
}
