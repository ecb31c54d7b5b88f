/**
 * Agent matchers for vitest: `import 'icode/testing/vitest'` (in a test file or a `setupFiles` file) adds
 * them to `expect`. Each takes a `RunResult`, an array of `AgentEvent`s, or what `captureRunMessages()`
 * returns, and a failure prints the run's transcript.
 *
 * @packageDocumentation
 */
import type { RunStatus } from '../../events/run-result.js';
import * as m from '../transcript/matchers.js';

/** The matchers `icode/testing/vitest` adds. */
export interface AgentMatchers<R = unknown> {
  /** The run called tool `name`, with an input equal to `input` when given (asymmetric matchers work). */
  toHaveCalledTool(name: string, input?: unknown): R;
  /** The run called these tools in this order; other calls may come between. */
  toHaveCalledToolsInOrder(names: readonly string[]): R;
  /** The run ended with `status`. */
  toHaveFinishedWith(status: RunStatus): R;
  /** The run asked permission for tool `name`. */
  toHaveAskedPermissionFor(name: string): R;
  /** The run cost less than `usd` dollars (fails when the model has no prices). */
  toHaveCostLessThan(usd: number): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AgentMatchers<T> {}
}

// Loaded at run time, as the provider SDKs are: vitest is the user's dev dependency, and no entry point of
// the package imports it statically.
const { expect } = await import('vitest');

expect.extend({
  toHaveCalledTool(received: unknown, name: string, input?: unknown) {
    return m.toHaveCalledTool(received, (a, b) => this.equals(a, b), name, input);
  },
  toHaveCalledToolsInOrder: (received: unknown, names: readonly string[]) =>
    m.toHaveCalledToolsInOrder(received, names),
  toHaveFinishedWith: (received: unknown, status: RunStatus) => m.toHaveFinishedWith(received, status),
  toHaveAskedPermissionFor: (received: unknown, name: string) => m.toHaveAskedPermissionFor(received, name),
  toHaveCostLessThan: (received: unknown, usd: number) => m.toHaveCostLessThan(received, usd),
});
