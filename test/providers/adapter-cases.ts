/**
 * Cases the adapters over the official SDKs' own HTTP clients (Anthropic, OpenAI Chat, OpenAI Responses)
 * meet the same way (mostly failures), each registered as one `it` in the calling `describe`, and the mock
 * wire setup of their tests. An adapter's test file passes how to make its model over the mock wire
 * server, and what its wire differs in (where the stream is cut, what an unfinished stream says).
 */
import { afterEach, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { LanguageModel, ModelStreamPart } from '../../src/model/language-model.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { Fault, MockServer, WireName } from '../../src/testing/mock-server/types.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { ask, collect, readTool } from './shared-helpers.js';

/** Starts a mock wire server with `script` and `faults` and gives a model that talks to it. */
export type SetupModel = (
  script: MockScript,
  faults?: Fault[],
  settings?: { readonly idleTimeoutMs?: number; readonly timeoutMs?: number },
) => Promise<LanguageModel>;

/**
 * Model setup over a mock wire server for one adapter's tests: `setup` starts a server for `wire` with a
 * script and faults (closed after each test) and gives it with the model `make` points at it; `makeModel`
 * gives only the model, for the shared cases.
 */
export function mockWireSetup<S extends { readonly idleTimeoutMs?: number; readonly timeoutMs?: number }>(
  wire: WireName,
  make: (baseURL: string, settings: Partial<S>) => LanguageModel,
): {
  setup(
    script: MockScript,
    faults?: Fault[],
    settings?: Partial<S>,
  ): Promise<{ server: MockServer; model: LanguageModel }>;
  makeModel: SetupModel;
} {
  let server: MockServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const setup = async (script: MockScript, faults: Fault[] = [], settings: Partial<S> = {}) => {
    server = await startMockServer({ wire, script, faults });
    return { server, model: make(server.baseURL, settings) };
  };
  return {
    setup,
    makeModel: async (script, faults, settings) => (await setup(script, faults, settings as Partial<S>)).model,
  };
}

const types = (parts: readonly ModelStreamPart[]) => parts.map((part) => part.type);

/** The stream stalls after `afterFrames` frames: the call fails with a timeout (within `withinMs`, if given). */
export function itTimesOutAStall(setup: SetupModel, afterFrames: number, withinMs?: number): void {
  it('ends a stalled stream with a timeout after idleTimeoutMs', async () => {
    const model = await setup([{ text: 'Hello' }], [{ type: 'stall', afterFrames }], { idleTimeoutMs: 150 });
    const started = Date.now();
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    if (withinMs !== undefined) expect(Date.now() - started).toBeLessThan(withinMs);
  });
}

/** The server never sends its headers: the call fails with a timeout after `timeoutMs`. */
export function itTimesOutBeforeHeaders(setup: SetupModel): void {
  it('reports a server that never answers as timeout after timeoutMs', async () => {
    const model = await setup([{ text: 'Hello' }], [{ type: 'stall', beforeHeaders: true }], { timeoutMs: 200 });
    const started = Date.now();
    const { error } = await collect(model, ask('Hi'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });
}

/** An abort while the headers are awaited ends the call with the abort; an aborted signal ends it at once. */
export function itAbortsBeforeHeaders(setup: SetupModel): void {
  it('aborts while waiting for the response headers, and at once with an aborted signal', async () => {
    const model = await setup([{ text: 'Hello' }], [{ type: 'stall', beforeHeaders: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const { error } = await collect(model, ask('Hi'), controller.signal);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(2000);
    const again = await collect(model, ask('Hi'), controller.signal);
    expect((again.error as Error).name).toBe('AbortError');
  });
}

/** What {@link itEndsOnAbortMidStream} checks beyond the abort's name and the missing finish. */
export interface AbortChecks {
  /** The thrown value is an `Error`. */
  readonly isError?: boolean;
  /** The thrown value is no `ProviderError`, and it came within 2 s. */
  readonly notProviderError?: boolean;
}

/** An abort after the first text delta ends the stream with an `AbortError`, never with a finish. */
export function itEndsOnAbortMidStream(setup: SetupModel, title: string, checks: AbortChecks = {}): void {
  it(title, async () => {
    const model = await setup([{ text: 'one two three four five six seven eight nine ten', delayMs: 40 }]);
    const controller = new AbortController();
    const parts: ModelStreamPart[] = [];
    const started = Date.now();
    let caught: unknown;
    try {
      for await (const part of model.stream(ask('Hi'), { signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    if (checks.isError) expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('AbortError');
    if (checks.notProviderError) expect(ProviderError.isInstance(caught)).toBe(false);
    expect(types(parts)).not.toContain('finish');
    if (checks.notProviderError) expect(Date.now() - started).toBeLessThan(2000);
  });
}

/** Starts a mock wire server with a script and faults, and gives it with a model that talks to it. */
export type SetupServer = (
  script: MockScript,
  faults?: Fault[],
) => Promise<{ readonly server: MockServer; readonly model: LanguageModel }>;

/**
 * A 429 with `retry-after: 3600` fails at once as a retryable rate limit with the delay as sent and the
 * request id, after one request (the SDK does not retry); with `defaultRetry`, the model's policy is the
 * default.
 */
export function itReportsA429(setup: SetupServer, title: string, defaultRetry = false): void {
  it(title, async () => {
    const { model, server } = await setup([{ text: 'x' }], [{ type: 'status', status: 429, retryAfter: '3600' }]);
    const { parts, error } = await collect(model, ask('Hi'));
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'rate-limit',
      status: 429,
      retryable: true,
      retryAfterMs: 3_600_000,
      requestId: 'req_mock_1',
    });
    expect(server.requests).toHaveLength(1);
    if (defaultRetry) expect(model.retry).toEqual({ maxRetries: 2 });
  });
}

/** The connection is cut after `afterBytes`: a retryable `network` error (a `ProviderError`, if `providerError`). */
export function itReportsACutAsNetwork(setup: SetupModel, afterBytes: number, providerError = false): void {
  it('reports a cut connection as network', async () => {
    const model = await setup([{ text: 'Hello there, a long answer follows here.' }], [{ type: 'cut', afterBytes }]);
    const { error } = await collect(model, ask('Hi'));
    if (providerError) expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });
}

/** The stream ends without its terminal event: a `network` error naming `terminal`, and no tool call. */
export function itNeverFinishesATruncatedStream(setup: SetupModel, title: string, terminal: string): void {
  it(title, async () => {
    const model = await setup([{ toolCalls: [{ name: 'read', input: { file_path: 'a' } }] }], [{ type: 'truncate' }]);
    const { parts, error } = await collect(model, ask('Hi', { tools: [readTool] }));
    expect(error).toMatchObject({ kind: 'network', message: expect.stringContaining(terminal) });
    expect(types(parts)).not.toContain('tool-call');
    expect(types(parts)).not.toContain('finish');
  });
}

/** Tool arguments that are not JSON reach the loop as the raw string (with no error, if `noError`). */
export function itKeepsMalformedToolJson(setup: SetupModel, title: string, noError = false): void {
  it(title, async () => {
    const model = await setup(
      [{ toolCalls: [{ name: 'read', input: { file_path: 'a.ts' } }] }],
      [{ type: 'malformed-tool-json' }],
    );
    const { parts, error } = await collect(model, ask('Hi', { tools: [readTool] }));
    if (noError) expect(error).toBeUndefined();
    expect(parts.find((p) => p.type === 'tool-call')).toEqual({
      type: 'tool-call',
      id: 'call_1_0',
      name: 'read',
      input: '{"file_path":"a.ts""',
    });
  });
}

/** Two calls in one turn come out whole, with the ids the mock gives them. */
export function itReturnsTwoToolCalls(setup: SetupModel, title: string): void {
  it(title, async () => {
    const model = await setup([
      {
        toolCalls: [
          { name: 'read', input: { file_path: 'a.ts' } },
          { name: 'read', input: { file_path: 'b.ts' } },
        ],
      },
    ]);
    const { parts } = await collect(model, ask('Read both', { tools: [readTool] }));
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'call_1_0', name: 'read', input: { file_path: 'a.ts' } },
      { type: 'tool-call', id: 'call_1_1', name: 'read', input: { file_path: 'b.ts' } },
    ]);
  });
}

/** A 401 whose message quotes `key`: a non-retryable `auth` error whose message does not. */
export function itHidesTheKeyOfA401(setup: SetupModel, key: string): void {
  it('classifies a 401 as auth without leaking the key', async () => {
    const model = await setup(
      [{ text: 'x' }],
      [{ type: 'status', status: 401, message: `Incorrect API key provided: ${key}` }],
    );
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect((error as Error).message).not.toContain(key);
  });
}
