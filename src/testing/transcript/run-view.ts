/**
 * One view of a run, whichever form a test holds it in: its events, its result, or both.
 *
 * @packageDocumentation
 */
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import type { JsonValue, Part } from '../../model/message.js';

/** What a transcript or a matcher can read: a run's result, its events, or a {@link CapturedRun}. */
export type RunLike =
  RunResult | readonly AgentEvent[] | { readonly events?: readonly AgentEvent[]; readonly result?: RunResult };

/** The run, normalised. */
export interface RunView {
  readonly events: readonly AgentEvent[] | undefined;
  readonly result: RunResult | undefined;
}

/** A tool call the model made, in order. */
export interface ViewToolCall {
  readonly name: string;
  readonly input: JsonValue;
}

function isResult(value: object): value is RunResult {
  return 'status' in value && 'messages' in value && Array.isArray((value as RunResult).messages);
}

/** The view of `run`, or `undefined` when it is none of the forms {@link RunLike} names. */
export function viewOf(run: unknown): RunView | undefined {
  if (Array.isArray(run)) {
    const events = run as readonly AgentEvent[];
    const end = events.findLast((e) => e.type === 'run-end');
    return { events, result: end?.type === 'run-end' ? end.result : undefined };
  }
  if (typeof run !== 'object' || run === null) return undefined;
  if (isResult(run)) return { events: undefined, result: run };
  const { events, result } = run as { events?: unknown; result?: unknown };
  if (!Array.isArray(events) && (typeof result !== 'object' || result === null || !isResult(result))) return undefined;
  const view = Array.isArray(events) ? viewOf(events)! : { events: undefined, result: undefined };
  return { events: view.events, result: (result as RunResult | undefined) ?? view.result };
}

/** The tool calls of the run: from its events when there are, else from the messages of its result. */
export function toolCallsOf(view: RunView): ViewToolCall[] {
  if (view.events) {
    return view.events.flatMap((e) => (e.type === 'tool-call' ? [{ name: e.name, input: e.input }] : []));
  }
  return (view.result?.messages ?? [])
    .flatMap((m): readonly Part[] => m.content)
    .flatMap((p) => (p.type === 'tool-call' ? [{ name: p.name, input: p.input }] : []));
}

/**
 * The tools permission was asked for: every `permission-request` event, or, from a result alone, the
 * approvals it waits for (a result does not keep the questions already answered).
 */
export function permissionsAskedOf(view: RunView): string[] {
  if (view.events) return view.events.flatMap((e) => (e.type === 'permission-request' ? [e.name] : []));
  return (view.result?.pending ?? []).map((p) => p.name);
}
