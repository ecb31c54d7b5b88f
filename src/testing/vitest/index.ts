/**
 * Agent matchers for vitest: `import 'icode/testing/vitest'` (in a test file or a `setupFiles` file) adds
 * them to `expect`. Each takes a `RunResult`, an array of `AgentEvent`s, or what `captureRunMessages()`
 * returns, and a failure prints the run's transcript. Each also takes an `AgentRun` nobody has iterated:
 * then it is async (`await expect(agent.run('…')).toHaveCalledTool('read')`), consumes the run's events
 * and awaits its result.
 *
 * @packageDocumentation
 */
import type { RunStatus } from '../../events/run-result.js';
import { captureUnconsumedRun, isRun } from '../transcript/capture.js';
import * as m from '../transcript/matchers.js';

/**
 * What a matcher returns for a received value of type `R`: a promise for an `AgentRun` (the matcher
 * consumes the run, so it must be awaited), `R` otherwise.
 *
 * @example
 * ```ts
 * await expect(agent.run('Read a.txt')).toHaveCalledTool('read'); // AgentMatcherReturn<AgentRun> is a Promise
 * ```
 */
export type AgentMatcherReturn<R> = R extends AsyncIterable<unknown> & { readonly result: PromiseLike<unknown> }
  ? Promise<void>
  : R;

/**
 * The matchers `icode/testing/vitest` adds.
 *
 * @example
 * ```ts
 * import 'icode/testing/vitest';
 *
 * await expect(agent.run('Read a.txt')).toHaveCalledTool('read', { file_path: 'a.txt' });
 * expect(result).toHaveFinishedWith('completed');
 * ```
 */
export interface AgentMatchers<R = unknown> {
  /** The run called tool `name`, with an input equal to `input` when given (asymmetric matchers work). */
  toHaveCalledTool(name: string, input?: unknown): AgentMatcherReturn<R>;
  /** The run called these tools in this order; other calls may come between. */
  toHaveCalledToolsInOrder(names: readonly string[]): AgentMatcherReturn<R>;
  /** The run ended with `status`. */
  toHaveFinishedWith(status: RunStatus): AgentMatcherReturn<R>;
  /** The run asked permission for tool `name`. */
  toHaveAskedPermissionFor(name: string): AgentMatcherReturn<R>;
  /** The run cost less than `usd` dollars (fails when the model has no prices). */
  toHaveCostLessThan(usd: number): AgentMatcherReturn<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AgentMatchers<T> {}
}

/** `check`, which also takes an unconsumed `AgentRun`: it then captures the run and checks that, async. */
function orRun<A extends unknown[]>(
  check: (received: unknown, ...args: A) => m.MatcherResult,
): (received: unknown, ...args: A) => m.MatcherResult | Promise<m.MatcherResult> {
  return (received, ...args) =>
    isRun(received) ? captureUnconsumedRun(received).then((run) => check(run, ...args)) : check(received, ...args);
}

// Loaded at run time, as the provider SDKs are: vitest is the user's dev dependency, and no entry point of
// the package imports it statically.
const { expect } = await import('vitest');

expect.extend({
  toHaveCalledTool(received: unknown, name: string, input?: unknown) {
    const equals: m.Equals = (a, b) => this.equals(a, b);
    return orRun((run: unknown) => m.toHaveCalledTool(run, equals, name, input))(received);
  },
  toHaveCalledToolsInOrder: orRun((received: unknown, names: readonly string[]) =>
    m.toHaveCalledToolsInOrder(received, names),
  ),
  toHaveFinishedWith: orRun((received: unknown, status: RunStatus) => m.toHaveFinishedWith(received, status)),
  toHaveAskedPermissionFor: orRun((received: unknown, name: string) => m.toHaveAskedPermissionFor(received, name)),
  toHaveCostLessThan: orRun((received: unknown, usd: number) => m.toHaveCostLessThan(received, usd)),
});
