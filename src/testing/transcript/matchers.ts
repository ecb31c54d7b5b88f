/**
 * The assertions of `icode/testing/vitest`, as plain functions of a run: each says whether it passed and
 * explains itself with the run's transcript, so a failure shows what the agent did.
 *
 * @packageDocumentation
 */
import type { RunStatus } from '../../events/run-result.js';
import { formatTranscript } from './format-transcript.js';
import { permissionsAskedOf, toolCallsOf, viewOf, type RunView } from './run-view.js';

/** A matcher's answer, as vitest and jest take it. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** The equality the test runner uses (asymmetric matchers such as `expect.objectContaining` included). */
export type Equals = (actual: unknown, expected: unknown) => boolean;

function withView(received: unknown, check: (view: RunView) => MatcherResult): MatcherResult {
  const view = viewOf(received);
  if (view === undefined) {
    return {
      pass: false,
      message: () =>
        'expected a RunResult, an array of AgentEvents, what captureRunMessages() returns, or an AgentRun ' +
        "nobody has iterated (then await the matcher: `await expect(agent.run('…')).toHaveCalledTool('read')`).",
    };
  }
  return check(view);
}

function transcriptOf(view: RunView): string {
  const text = formatTranscript(view.events ?? view.result!);
  return `\n\nTranscript:\n${text.replace(/^/gm, '  ')}`;
}

function result(pass: boolean, view: RunView, yes: string, no: string): MatcherResult {
  return { pass, message: () => `${pass ? yes : no}${transcriptOf(view)}` };
}

/** The run called tool `name` (with an input equal to `input`, when given). */
export function toHaveCalledTool(received: unknown, equals: Equals, name: string, input?: unknown): MatcherResult {
  return withView(received, (view) => {
    const withInput = input === undefined ? '' : ` with input ${JSON.stringify(input)}`;
    const pass = toolCallsOf(view).some(
      (call) => call.name === name && (input === undefined || equals(call.input, input)),
    );
    return result(
      pass,
      view,
      `expected the run not to call "${name}"${withInput}`,
      `expected the run to call "${name}"${withInput}`,
    );
  });
}

/** The run called these tools in this order (other calls may come between). */
export function toHaveCalledToolsInOrder(received: unknown, names: readonly string[]): MatcherResult {
  return withView(received, (view) => {
    const called = toolCallsOf(view).map((call) => call.name);
    let next = 0;
    for (const name of called) if (name === names[next]) next++;
    const pass = next === names.length;
    const list = names.join(' → ');
    return result(
      pass,
      view,
      `expected the run not to call ${list} in order`,
      `expected the run to call ${list} in order; it called ${called.join(' → ') || 'no tool'}`,
    );
  });
}

/** The run ended with `status`. */
export function toHaveFinishedWith(received: unknown, status: RunStatus): MatcherResult {
  return withView(received, (view) => {
    const actual = view.result?.status;
    return result(
      actual === status,
      view,
      `expected the run not to end ${status}`,
      `expected the run to end ${status}, it ended ${actual ?? 'without a result'}`,
    );
  });
}

/** The run asked permission for tool `name`. */
export function toHaveAskedPermissionFor(received: unknown, name: string): MatcherResult {
  return withView(received, (view) => {
    const asked = permissionsAskedOf(view);
    return result(
      asked.includes(name),
      view,
      `expected the run not to ask permission for "${name}"`,
      `expected the run to ask permission for "${name}"; it asked for ${asked.join(', ') || 'nothing'}`,
    );
  });
}

/** The run cost less than `usd` dollars (it fails when the model has no prices, so the cost is unknown). */
export function toHaveCostLessThan(received: unknown, usd: number): MatcherResult {
  return withView(received, (view) => {
    const cost = view.result?.cost;
    if (cost === undefined) {
      return result(
        false,
        view,
        '',
        `expected the run to cost less than $${usd}, but its cost is unknown (no prices for its model)`,
      );
    }
    return result(
      cost < usd,
      view,
      `expected the run to cost at least $${usd}, it cost $${cost}`,
      `expected the run to cost less than $${usd}, it cost $${cost}`,
    );
  });
}
