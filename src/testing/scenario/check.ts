/**
 * Checking what a scenario run produced against its expectations: every mismatch becomes one readable
 * failure line, so a report shows all that went wrong at once.
 *
 * @packageDocumentation
 */
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import type { ModelRequest } from '../../model/language-model.js';
import type { EventMatcher, ScenarioExpectation } from './schema.js';
import { readWorkspaceFile } from './workspace.js';

/** What a scenario run produced. */
export interface Observed {
  readonly events: readonly AgentEvent[];
  /** The last run's result: its own, or the partial result carried by the error it failed with. */
  readonly result: RunResult | undefined;
  /** The error the last run failed with. */
  readonly error: unknown;
  /** `result.turns` summed over the run and its resumptions. */
  readonly turns: number;
  readonly requests: readonly ModelRequest[];
  readonly workspace: string;
}

const show = (value: unknown): string => JSON.stringify(value);

/** Deep equality of JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => k in b && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function field(event: AgentEvent, key: string): unknown {
  return (event as unknown as Record<string, unknown>)[key];
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** Why `event` does not match `matcher`, or `undefined` when it does. */
function mismatch(event: AgentEvent, matcher: EventMatcher): string | undefined {
  if (event.type !== matcher.type) return `type is ${event.type}`;
  for (const key of ['name', 'isError', 'errorCode', 'decision', 'source', 'strategy'] as const) {
    if (matcher[key] !== undefined && field(event, key) !== matcher[key]) {
      return `${key} is ${show(field(event, key))}, not ${show(matcher[key])}`;
    }
  }
  if (matcher.input !== undefined && !jsonEqual(field(event, 'input'), matcher.input)) {
    return `input is ${show(field(event, 'input'))}, not ${show(matcher.input)}`;
  }
  if (matcher.outputIncludes !== undefined && !asText(field(event, 'output')).includes(matcher.outputIncludes)) {
    return `output ${show(asText(field(event, 'output')).slice(0, 300))} lacks ${show(matcher.outputIncludes)}`;
  }
  const before = field(event, 'tokensBefore');
  if (
    matcher.tokensBeforeAtLeast !== undefined &&
    !(typeof before === 'number' && before >= matcher.tokensBeforeAtLeast)
  ) {
    return `tokensBefore is ${show(before)}, less than ${matcher.tokensBeforeAtLeast}`;
  }
  const after = field(event, 'tokensAfter');
  if (matcher.tokensAfterAtMost !== undefined && !(typeof after === 'number' && after <= matcher.tokensAfterAtMost)) {
    return `tokensAfter is ${show(after)}, more than ${matcher.tokensAfterAtMost}`;
  }
  if (matcher.reasonIncludes !== undefined && !asText(field(event, 'reason')).includes(matcher.reasonIncludes)) {
    return `reason ${show(field(event, 'reason'))} lacks ${show(matcher.reasonIncludes)}`;
  }
  return undefined;
}

/** Checks that the matchers occur in order (not necessarily next to each other) among the events. */
function checkEventOrder(events: readonly AgentEvent[], expected: ScenarioExpectation['events']): string[] {
  if (!expected) return [];
  let from = 0;
  for (const [index, entry] of expected.entries()) {
    const matcher: EventMatcher = typeof entry === 'string' ? { type: entry } : entry;
    const found = events.findIndex((event, i) => i >= from && mismatch(event, matcher) === undefined);
    if (found >= 0) {
      from = found + 1;
      continue;
    }
    // Say why the nearest events of the same type did not match: that is almost always the bug.
    const near = events
      .slice(from)
      .filter((event) => event.type === matcher.type)
      .map((event) => mismatch(event, matcher))
      .slice(0, 3);
    const why = near.length > 0 ? `; the ${matcher.type} events after it: ${near.join('; ')}` : '';
    const seen = events
      .map((event) => event.type)
      .filter((type) => type !== 'text-delta' && type !== 'reasoning-delta');
    return [
      `expect.events[${index}] ${show(matcher)} not found after event #${from}${why} (events: ${seen.join(', ')})`,
    ];
  }
  return [];
}

function checkCounts(events: readonly AgentEvent[], counts: ScenarioExpectation['eventCounts']): string[] {
  const failures: string[] = [];
  for (const [type, want] of Object.entries(counts ?? {})) {
    if (want === undefined) continue;
    const have = events.filter((event) => event.type === type).length;
    if (typeof want === 'number') {
      if (have !== want) failures.push(`expected ${want} ${type} event(s), got ${have}`);
    } else {
      if (want.atLeast !== undefined && have < want.atLeast)
        failures.push(`expected at least ${want.atLeast} ${type} event(s), got ${have}`);
      if (want.atMost !== undefined && have > want.atMost)
        failures.push(`expected at most ${want.atMost} ${type} event(s), got ${have}`);
    }
  }
  return failures;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

function checkText(text: string | undefined, expected: ScenarioExpectation['text']): string[] {
  if (expected === undefined) return [];
  const want = typeof expected === 'string' ? { equals: expected } : expected;
  const have = text ?? '';
  const failures: string[] = [];
  if (want.equals !== undefined && have !== want.equals)
    failures.push(`text is ${show(have)}, not ${show(want.equals)}`);
  for (const part of list(want.includes))
    if (!have.includes(part)) failures.push(`text ${show(have)} lacks ${show(part)}`);
  for (const part of list(want.excludes))
    if (have.includes(part)) failures.push(`text ${show(have)} contains ${show(part)}`);
  return failures;
}

async function checkFiles(workspace: string, files: ScenarioExpectation['files']): Promise<string[]> {
  const failures: string[] = [];
  for (const [path, want] of Object.entries(files ?? {})) {
    const have = await readWorkspaceFile(workspace, path);
    if (want === null && have !== null) failures.push(`file ${path} exists but must not`);
    else if (want !== null && have === null) failures.push(`file ${path} does not exist`);
    else if (want !== null && have !== want) failures.push(`file ${path} is ${show(have)}, not ${show(want)}`);
  }
  return failures;
}

function checkUsage(result: RunResult | undefined, usage: ScenarioExpectation['usage']): string[] {
  const failures: string[] = [];
  for (const key of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const) {
    const want = usage?.[key];
    if (want === undefined) continue;
    const have = result?.usage[key];
    if (have === undefined) {
      failures.push(`usage.${key} is missing`);
      continue;
    }
    const { equals, atLeast } = typeof want === 'number' ? { equals: want, atLeast: undefined } : want;
    if (equals !== undefined && have !== equals) failures.push(`usage.${key} is ${have}, not ${equals}`);
    if (atLeast !== undefined && have < atLeast) failures.push(`usage.${key} is ${have}, less than ${atLeast}`);
  }
  return failures;
}

function checkCost(result: RunResult | undefined, cost: ScenarioExpectation['cost']): string[] {
  if (!cost) return [];
  const have = result?.cost;
  const failures: string[] = [];
  if (cost.present === true && typeof have !== 'number') failures.push('result.cost is missing');
  if (cost.present === false && have !== undefined) failures.push(`result.cost is ${have}, expected none`);
  if (cost.greaterThan !== undefined && !(typeof have === 'number' && have > cost.greaterThan))
    failures.push(`result.cost is ${show(have)}, not greater than ${cost.greaterThan}`);
  if (cost.equals !== undefined && have !== cost.equals)
    failures.push(`result.cost is ${show(have)}, not ${cost.equals}`);
  return failures;
}

function checkCompaction(events: readonly AgentEvent[], expected: boolean | undefined): string[] {
  if (expected === undefined) return [];
  const fired = events.filter((event) => event.type === 'compaction');
  if (!expected) return fired.length > 0 ? [`compaction fired ${fired.length} time(s) but must not`] : [];
  if (fired.length === 0) return ['compaction did not fire'];
  return fired
    .filter((event) => event.tokensAfter >= event.tokensBefore)
    .map((event) => `compaction did not shrink the context (${event.tokensBefore} → ${event.tokensAfter} tokens)`);
}

function checkRequests(requests: readonly ModelRequest[], expected: ScenarioExpectation['requests']): string[] {
  const failures: string[] = [];
  for (const want of expected ?? []) {
    const request = requests[want.call - 1];
    if (!request) {
      failures.push(`model call ${want.call} never happened (${requests.length} call(s))`);
      continue;
    }
    const text = JSON.stringify(request);
    for (const part of want.includes ?? [])
      if (!text.includes(part)) failures.push(`model call ${want.call} lacks ${show(part)}`);
    for (const part of want.excludes ?? [])
      if (text.includes(part)) failures.push(`model call ${want.call} contains ${show(part)}`);
  }
  return failures;
}

function errorOf(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { ...(typeof code === 'string' ? { code } : {}), message: error.message };
  }
  return { message: String(error) };
}

function checkError(error: unknown, expected: ScenarioExpectation['error']): string[] {
  if (!expected) {
    if (error === undefined) return [];
    const { code, message } = errorOf(error);
    return [`the run failed${code ? ` with ${code}` : ''}: ${message}`];
  }
  if (error === undefined) return [`the run succeeded but should fail with ${show(expected)}`];
  const { code, message } = errorOf(error);
  const failures: string[] = [];
  if (expected.code !== undefined && code !== expected.code)
    failures.push(`the run failed with ${code ?? 'no code'}, not ${expected.code}: ${message}`);
  if (expected.messageIncludes !== undefined && !message.includes(expected.messageIncludes))
    failures.push(`the error ${show(message)} lacks ${show(expected.messageIncludes)}`);
  return failures;
}

/**
 * What must hold in every scenario, whatever it expects: tool-call ids are unique across the session (the
 * adapters make ids up where a wire has none), and a run that ended normally answered every tool call
 * exactly once.
 */
function checkInvariants(observed: Observed): string[] {
  const failures: string[] = [];
  const calls = observed.events.filter((event) => event.type === 'tool-call');
  const seen = new Set<string>();
  for (const call of calls) {
    if (seen.has(call.id)) failures.push(`tool-call id ${show(call.id)} is used twice`);
    seen.add(call.id);
  }
  const ended = observed.error === undefined && observed.result?.status !== 'paused';
  if (ended) {
    const results = observed.events.filter((event) => event.type === 'tool-result');
    for (const call of calls) {
      const answers = results.filter((result) => result.id === call.id).length;
      if (answers !== 1) failures.push(`tool call ${call.name} ${show(call.id)} got ${answers} results, not 1`);
    }
  }
  return failures;
}

/** Every way `observed` differs from `expected`, as readable lines (empty when it matches). */
export async function checkExpectations(expected: ScenarioExpectation, observed: Observed): Promise<string[]> {
  const { events, result } = observed;
  const failures = [
    ...checkInvariants(observed),
    ...checkError(observed.error, expected.error),
    ...(expected.status !== undefined && result?.status !== expected.status
      ? [`status is ${result?.status ?? 'none (the run failed)'}, not ${expected.status}`]
      : []),
    ...checkEventOrder(events, expected.events),
    ...checkCounts(events, expected.eventCounts),
    ...checkText(result?.text, expected.text),
    ...(await checkFiles(observed.workspace, expected.files)),
    ...checkUsage(result, expected.usage),
    ...checkCost(result, expected.cost),
    ...checkCompaction(events, expected.compaction),
    ...checkRequests(observed.requests, expected.requests),
  ];
  if (expected.turns !== undefined && observed.turns !== expected.turns)
    failures.push(`the run took ${observed.turns} turn(s), not ${expected.turns}`);
  if (expected.modelCalls !== undefined && observed.requests.length !== expected.modelCalls)
    failures.push(`the model was called ${observed.requests.length} time(s), not ${expected.modelCalls}`);
  return failures;
}
