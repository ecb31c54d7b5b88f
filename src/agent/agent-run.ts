import type { AgentEvent } from '../events/agent-event.js';
import type { RunResult } from '../events/run-result.js';
import { RunStateError } from '../errors/config-error.js';
import { toAgentError, type AgentError } from '../errors/agent-error.js';
import type { RunContext } from './run-context.js';
import { buildResult } from './run-loop.js';
import type { AgentRun } from './types.js';

/** The handle returned by `agent.run` and `agent.resume`. */
export class Run implements AgentRun {
  readonly result: Promise<RunResult>;
  readonly sessionId: string;
  readonly runId: string;
  readonly #ctx: RunContext;
  #iterated = false;
  #settled = false;

  constructor(ctx: RunContext, body: () => Promise<RunResult>, signal: AbortSignal | undefined) {
    this.#ctx = ctx;
    this.sessionId = ctx.sessionId;
    this.runId = ctx.runId;
    this.result = new Promise<RunResult>((resolve, reject) => {
      // The run starts once the code that called `run()` has finished its synchronous part, so an
      // iterator attached right after `run()` (as `for await` does) sees every event.
      queueMicrotask(
        () =>
          void execute(ctx, body, signal).then(
            (result) => {
              this.#settled = true;
              resolve(result);
            },
            (error: unknown) => {
              this.#settled = true;
              reject(error);
            },
          ),
      );
    });
    // Whoever iterates gets the failure from the iterator; awaiting `result` stays optional.
    this.result.catch(() => undefined);
  }

  abort(reason = 'The run was aborted.'): void {
    this.#ctx.abort(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    if (this.#iterated) {
      throw new RunStateError('This run is already being iterated; a run can be iterated only once.');
    }
    // An unobserved run keeps no events, so a late iterator would silently see none: say so instead.
    if (this.#settled) {
      throw new RunStateError(
        'This run has already ended, and a run keeps no events for a late iterator: iterate it right after run() (before awaiting its result), or read run.result.',
      );
    }
    this.#iterated = true;
    const channel = this.#ctx.channel;
    channel.attach();
    return {
      next: () => channel.next(),
      // `break` out of `for await`: stop the run, and return once it has cleaned up, so no tool process
      // or timer outlives the loop.
      return: async () => {
        channel.detach();
        this.abort('The consumer stopped iterating the run.');
        await this.result.catch(() => undefined);
        return { value: undefined, done: true };
      },
    };
  }
}

async function execute(
  ctx: RunContext,
  body: () => Promise<RunResult>,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  const forward = (): void => ctx.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  try {
    let result: RunResult;
    try {
      result = await ctx.abandonable(body());
    } catch (error) {
      if (!ctx.signal.aborted) throw error;
      ctx.status = 'aborted';
      result = buildResult(ctx);
    }
    await ctx.cleanup();
    const ended = ctx.emitEnd({ type: 'run-end', result, runId: ctx.runId });
    if (ended) await ended;
    ctx.channel.close();
    return result;
  } catch (error) {
    const failure = toAgentError(error);
    ctx.status = 'failed';
    failure.result = buildResult(ctx);
    await ctx.cleanup();
    await emitFailure(ctx, failure);
    ctx.channel.close(failure);
    throw failure;
  } finally {
    ctx.settle();
    ctx.ended = true;
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * The `run-end` event of a failed run, before the iterator throws: consumers that only watch events
 * (`onEvent`, a log over SSE) learn that the run failed and why.
 */
async function emitFailure(ctx: RunContext, failure: AgentError): Promise<void> {
  const error = { name: failure.name, code: failure.code, message: failure.message };
  const ended = ctx.emitFailed({ type: 'run-end', result: failure.result!, error, runId: ctx.runId });
  if (ended) await ended;
}
