/**
 * `captureRunMessages()`: everything a run produced, kept even when it fails.
 *
 * @packageDocumentation
 */
import { AgentError } from '../../errors/agent-error.js';
import { RunStateError } from '../../errors/config-error.js';
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

/** What `agent.run()` returns, as far as capturing it goes. */
export type RunSource = AsyncIterable<AgentEvent> & { readonly result: Promise<RunResult> };

/** Whether `value` is a run handle (an `AgentRun`) rather than a result or a list of events. */
export const isRun = (value: unknown): value is RunSource =>
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

/**
 * Captures a run handed straight to a matcher: its events and its result. A run that was iterated already
 * (or has ended) kept no events, so it is refused with a `RunStateError` that names the way that works.
 *
 * @example
 * ```ts
 * const captured = await captureUnconsumedRun(agent.run('Deploy'));
 * ```
 */
export async function captureUnconsumedRun(run: RunSource): Promise<CapturedRun> {
  let iterator: AsyncIterator<AgentEvent>;
  try {
    iterator = run[Symbol.asyncIterator]();
  } catch (error) {
    throw new RunStateError(
      `A matcher got an AgentRun whose events are gone (${error instanceof Error ? error.message : String(error)}). ` +
        'Hand the matcher a run nobody has iterated, or capture the run first and match what it kept: ' +
        "`const run = await captureRunMessages(() => agent.run('…')); expect(run).toHaveCalledTool('read')`.",
    );
  }
  return captureRunMessages(() => ({ [Symbol.asyncIterator]: () => iterator, result: run.result }));
}
