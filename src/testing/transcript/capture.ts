/**
 * `captureRunMessages()`: everything a run produced, kept even when it fails.
 *
 * @packageDocumentation
 */
import { AgentError } from '../../errors/agent-error.js';
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import type { Message } from '../../model/message.js';

/** What {@link captureRunMessages} kept of a run. */
export interface CapturedRun {
  /** The run's messages, the failed ones' too (from the error's partial result). */
  readonly messages: readonly Message[];
  /** Every event, when the function returned the run itself (an `AgentRun`). */
  readonly events?: readonly AgentEvent[];
  readonly result?: RunResult;
  /** What the run threw, if it failed. */
  readonly error?: unknown;
}

type RunSource = AsyncIterable<AgentEvent> & { readonly result: Promise<RunResult> };

const isRun = (value: unknown): value is RunSource =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value && 'result' in value;

/**
 * Runs `fn` and returns the run's messages, result, events and error, never throwing for a failed run: a
 * failure's partial result (`AgentError.result`) is where its messages come from. Return the `AgentRun`
 * from `fn` to capture its events too (the transcript then shows permissions and retries).
 *
 * @example
 * ```ts
 * const captured = await captureRunMessages(() => agent.run('Deploy'));
 * expect(captured.error).toBeUndefined();
 * expect(captured).toHaveCalledTool('bash', { command: 'npm test' });
 * ```
 */
export async function captureRunMessages(fn: () => RunSource | RunResult | Promise<RunResult>): Promise<CapturedRun> {
  const events: AgentEvent[] = [];
  let error: unknown;
  let result: RunResult | undefined;
  try {
    const run = fn();
    if (isRun(run)) {
      try {
        for await (const event of run) events.push(event);
      } finally {
        // The same failure reaches the iterator and the result: keep the result's.
        result = await run.result.catch((e: unknown) => {
          error = e;
          return undefined;
        });
      }
    } else {
      result = await run;
    }
  } catch (e) {
    error ??= e;
  }
  result ??= AgentError.isInstance(error) ? error.result : undefined;
  return {
    messages: result?.messages ?? [],
    ...(events.length > 0 ? { events } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}
