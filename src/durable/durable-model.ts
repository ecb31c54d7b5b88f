/**
 * A model whose every call is one DBOS step: the whole streamed turn is recorded as the step's output, and
 * its parts are replayed from the record when a recovered workflow reaches the same call again, so a
 * completed model call is never made (nor billed) twice.
 *
 * @packageDocumentation
 */
import { ProviderError, type ProviderErrorKind } from '../errors/provider-error.js';
import type { LanguageModel, ModelRequest, ModelStreamPart } from '../model/language-model.js';

/** A failed call as recorded: enough to rebuild the error the agent's retry logic looks at. */
export interface RecordedError {
  readonly message: string;
  readonly kind?: ProviderErrorKind;
  readonly provider?: string;
  readonly status?: number;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
}

/** One model call as recorded: the parts it streamed and, when it failed, its error. */
export interface RecordedTurn {
  readonly parts: readonly ModelStreamPart[];
  readonly error?: RecordedError;
}

/** Runs one call of the model durably (a DBOS step, or a child workflow on a rate-limited queue). */
export type DurableCall = (request: ModelRequest, signal?: AbortSignal) => Promise<RecordedTurn>;

function recordError(error: unknown): RecordedError {
  if (ProviderError.isInstance(error)) {
    const { message, kind, provider, status, retryable, retryAfterMs } = error;
    return JSON.parse(JSON.stringify({ message, kind, provider, status, retryable, retryAfterMs })) as RecordedError;
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

function reviveError(error: RecordedError): Error {
  if (!error.kind) return new Error(error.message);
  return new ProviderError({ ...error, kind: error.kind });
}

/**
 * Makes one real call of `model` and collects it. A failure is recorded, not thrown, so that a replay
 * fails the same way (a thrown error would come back from DBOS as a plain `Error`, losing its `kind`, and
 * the agent could then decide differently about retrying). An abort is thrown: it is not the model's answer.
 */
export async function collectTurn(
  model: LanguageModel,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<RecordedTurn> {
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of model.stream(request, signal ? { signal } : undefined)) {
      if (part.type === 'error') return { parts, error: recordError(part.error) };
      parts.push(part);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    return { parts, error: recordError(error) };
  }
  return { parts };
}

/**
 * `model` with each `stream` call made through `call`. The turn's parts arrive together once the call is
 * recorded: a durable turn is not streamed token by token.
 */
export function durableModel(model: LanguageModel, call: DurableCall): LanguageModel {
  const { specificationVersion, provider, modelId, contextWindow, retry, pricing } = model;
  return {
    specificationVersion,
    provider,
    modelId,
    ...(contextWindow !== undefined ? { contextWindow } : {}),
    ...(retry !== undefined ? { retry } : {}),
    ...(pricing !== undefined ? { pricing } : {}),
    async *stream(request, options) {
      const turn = await call(request, options?.signal);
      yield* turn.parts;
      if (turn.error) throw reviveError(turn.error);
    },
  };
}
