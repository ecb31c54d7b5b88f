/**
 * Cases the adapters that give their SDK a fetch of their own (Gemini, Ollama) meet the same way, each
 * registered as one `it` in the calling `describe`; the test file passes what its wire differs in.
 */
import { expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import type { SetupModel } from './adapter-cases.js';
import { ask, drain, rawServer, weatherTool } from './gemini-helpers.js';

/** The stream stalls after its first frame: the text so far, then a timeout within 2 s. */
export function itTimesOutAStallAfterText(setup: SetupModel): void {
  it('ends a stalled stream with a timeout after idleTimeoutMs', async () => {
    const model = await setup([{ text: 'Hello there' }], [{ type: 'stall', afterFrames: 1 }], { idleTimeoutMs: 150 });
    const started = Date.now();
    const { parts, error } = await drain(model, ask('hi'));
    expect(parts).toEqual([{ type: 'text-delta', text: 'Hello ' }]);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });
}

/** A server at `url` that never answers: the model `modelAt` makes fails with a timeout. */
export function itTimesOutASilentServer(modelAt: (url: string, timeoutMs: number) => LanguageModel): void {
  it('fails with a timeout when no response arrives within timeoutMs', async () => {
    const raw = await rawServer(() => undefined);
    try {
      const { error } = await drain(modelAt(raw.url, 150), ask('hi'));
      expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    } finally {
      await raw.close();
    }
  });
}

/** The caller aborts on the first part: the call throws the abort reason at once. */
export function itStopsPromptlyOnAbort(setup: SetupModel): void {
  it('stops promptly on abort with the abort reason, not a ProviderError', async () => {
    const model = await setup([{ text: 'one two three four five six seven eight nine ten', delayMs: 40 }]);
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    let abortedAt = 0;
    const { parts, error } = await drain(model, ask('hi'), { signal: controller.signal }, (part) => {
      if (part.type === 'text-delta' && abortedAt === 0) {
        abortedAt = Date.now();
        controller.abort(reason);
      }
    });
    expect(error).toBe(reason);
    expect(parts).toHaveLength(1);
    expect(Date.now() - abortedAt).toBeLessThan(500);
  });
}

/** A stream cut after `afterBytes`: a retryable `network` error, and never the tool call it carried. */
export function itFailsACutAsNetwork(
  setup: SetupModel,
  title: string,
  afterBytes: number,
  providerError = false,
): void {
  it(title, async () => {
    const model = await setup(
      [{ text: 'Let me check', toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }],
      [{ type: 'cut', afterBytes }],
    );
    const { parts, error } = await drain(model, ask('hi', { tools: [weatherTool] }));
    if (providerError) expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(parts.some((p) => p.type === 'tool-call' || p.type === 'finish')).toBe(false);
  });
}

/** A stream without its terminal chunk: the text, then a `network` error whose message matches `says`. */
export function itFailsATruncatedStream(setup: SetupModel, title: string, says: RegExp): void {
  it(title, async () => {
    const model = await setup(
      [{ text: 'All is good', toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }],
      [{ type: 'truncate' }],
    );
    const { parts, error } = await drain(model, ask('hi', { tools: [weatherTool] }));
    expect(parts.map((p) => p.type)).toEqual(['text-delta', 'text-delta']);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect((error as Error).message).toMatch(says);
  });
}

/** What a 429 of {@link itClassifiesA429} carries, and the message the error must have (if given). */
export interface RateLimit {
  readonly provider: string;
  /** The `retry-after` header, in seconds. */
  readonly retryAfter: string;
  readonly message: string;
  readonly expectedMessage?: string;
}

/** A 429 with `retry-after`: a retryable rate limit with the delay, before any part. */
export function itClassifiesA429(setup: SetupModel, script: MockScript, limit: RateLimit): void {
  it('classifies a 429 with retry-after as a retryable rate limit', async () => {
    const model = await setup(script, [
      { type: 'status', status: 429, retryAfter: limit.retryAfter, message: limit.message },
    ]);
    const { parts, error } = await drain(model, ask('hi'));
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'rate-limit',
      status: 429,
      retryable: true,
      retryAfterMs: Number(limit.retryAfter) * 1000,
      provider: limit.provider,
    });
    if (limit.expectedMessage !== undefined) expect((error as Error).message).toBe(limit.expectedMessage);
  });
}

/** The HTTP status `status` with `message`: an error of `kind`, with that status. */
export function itClassifiesAStatus(
  setup: SetupModel,
  title: string,
  status: number,
  message: string,
  expected: { readonly kind: string; readonly retryable: boolean },
): void {
  it(title, async () => {
    const model = await setup([{ text: 'x' }], [{ type: 'status', status, message }]);
    const { error } = await drain(model, ask('hi'));
    expect(error).toMatchObject({ kind: expected.kind, status, retryable: expected.retryable });
  });
}
