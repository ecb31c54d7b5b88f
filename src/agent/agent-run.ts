import type { AgentEvent } from '../events/agent-event.js';
import type { RunResult } from '../events/run-result.js';
import { RunStateError } from '../errors/config-error.js';
import { toAgentError } from '../errors/agent-error.js';
import type { RunContext } from './run-context.js';
import { buildResult } from './run-loop.js';
import type { AgentRun } from './types.js';

// The run starts on the next turn of the event loop, so an iterator attached right after `run()` sees
// every event; setImmediate is far cheaper than a 1 ms timer where it exists.
const schedule: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (fn) => void globalThis.setImmediate(fn)
    : (fn) => void setTimeout(fn, 0);

/** The handle returned by `agent.run` and `agent.resume`. */
export class Run implements AgentRun {
  readonly result: Promise<RunResult>;
  readonly sessionId: string;
  readonly runId: string;
  readonly #ctx: RunContext;
  #iterated = false;

  constructor(ctx: RunContext, body: () => Promise<RunResult>, signal: AbortSignal | undefined) {
    this.#ctx = ctx;
    this.sessionId = ctx.sessionId;
    this.runId = ctx.runId;
    this.result = new Promise<RunResult>((resolve, reject) => {
      schedule(() => {
        void execute(ctx, body, signal).then(resolve, reject);
      });
    });
    // Whoever iterates gets the failure from the iterator; awaiting `result` stays optional.
    this.result.catch(() => undefined);
  }

  abort(reason = 'The run was aborted.'): void {
    if (!this.#ctx.signal.aborted) this.#ctx.controller.abort(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    if (this.#iterated) {
      throw new RunStateError('This run is already being iterated; a run can be iterated only once.');
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

/** How long an aborted run waits for a model or tool that ignores its signal before it stops waiting. */
const ABORT_GRACE_MS = 100;

/**
 * Settles with the run's body, or, once the run has been aborted for {@link ABORT_GRACE_MS}, with the abort:
 * so a model or tool that ignores its signal cannot hold an aborted run. The abandoned body can no longer
 * write to the store or emit events (the context is marked ended).
 */
function untilAbandoned(body: Promise<RunResult>, ctx: RunContext): Promise<RunResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => {
        ctx.ended = true;
        reject(ctx.signal.reason);
      }, ABORT_GRACE_MS);
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([body, abandoned]).finally(() => {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort!);
  });
}

async function execute(
  ctx: RunContext,
  body: () => Promise<RunResult>,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  const forward = (): void => ctx.controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  try {
    let result: RunResult;
    try {
      result = await untilAbandoned(body(), ctx);
    } catch (error) {
      if (!ctx.signal.aborted) throw error;
      ctx.status = 'aborted';
      result = buildResult(ctx);
    }
    await ctx.cleanup();
    const ended = ctx.emit({ type: 'run-end', result, runId: ctx.runId });
    if (ended) await ended;
    ctx.channel.close();
    return result;
  } catch (error) {
    const failure = toAgentError(error);
    failure.result ??= buildResult(ctx);
    await ctx.cleanup();
    ctx.channel.close(failure);
    throw failure;
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}
