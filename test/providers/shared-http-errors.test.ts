/**
 * How the SDK adapters classify HTTP failures that carry more than a status: the `x-should-retry` header
 * (Anthropic sends it, and both official SDKs honour it), and a plain HTTP 500 whose body is no provider
 * error at all (as a gateway sends it). Through `createAgent`, so the retry decision is the one users get.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, ProviderError } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type Fault, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import { ask, collect } from './shared-helpers.js';
import { rewritingProxy, type ProxiedResponse, type Proxy } from './shared-proxy.js';

const adapters: { name: string; wire: WireName; make: (baseURL: string) => LanguageModel }[] = [
  {
    name: 'anthropic',
    wire: 'anthropic',
    make: (baseURL) =>
      anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL, maxRetryDelayMs: 1 }),
  },
  {
    name: 'openai chat',
    wire: 'openai',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL, maxRetryDelayMs: 1 }),
  },
];

let server: MockServer | undefined;
let proxy: Proxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  [proxy, server] = [undefined, undefined];
});

/**
 * A mock server whose first two calls fail with `fault`, behind a proxy that rewrites those failures: the
 * first is for the model alone, the second for an agent, whose retry (call 3) gets the answer.
 */
async function failingTwice(
  wire: WireName,
  make: (baseURL: string) => LanguageModel,
  fault: Fault,
  rewrite: (response: ProxiedResponse) => ProxiedResponse,
): Promise<LanguageModel> {
  const faults = [1, 2].map((call) => ({ ...fault, call }));
  server = await startMockServer({ wire, script: [{ text: 'Recovered.' }], faults });
  proxy = await rewritingProxy(server, (response, call) => (call <= 2 ? rewrite(response) : response));
  return make(proxy.baseURL);
}

/** Runs an agent on `model`: the errors of its retry events, and its text or its error. */
async function runOn(model: LanguageModel): Promise<{ retried: unknown[]; text?: string; error?: unknown }> {
  const run = createAgent({ provider: model }).run('Hi');
  const retried: unknown[] = [];
  try {
    for await (const event of run) if (event.type === 'retry') retried.push(event.error);
    return { retried, text: (await run.result).text };
  } catch (error) {
    return { retried, error };
  }
}

const withHeader = (value: string) => (response: ProxiedResponse) => ({
  ...response,
  headers: { ...response.headers, 'x-should-retry': value },
});

describe.each(adapters)('$name: HTTP failures', ({ wire, make }) => {
  it('does not retry a 529 the server marks x-should-retry: false', async () => {
    const model = await failingTwice(wire, make, { type: 'status', status: 529 }, withHeader('false'));
    const { error } = await collect(model, ask('Hi'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'overloaded', status: 529, retryable: false });
    const run = await runOn(model);
    expect(run.retried).toEqual([]);
    expect(run.error).toMatchObject({ status: 529, retryable: false });
    expect(server!.requests).toHaveLength(2);
  });

  it('retries a 400 the server marks x-should-retry: true', async () => {
    const model = await failingTwice(wire, make, { type: 'status', status: 400 }, withHeader('true'));
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, retryable: true });
    const run = await runOn(model);
    expect(run.retried).toHaveLength(1);
    expect(run.text).toBe('Recovered.');
  });

  it('retries a plain HTTP 500 (no provider error in its body) as a server error', async () => {
    const plain = (response: ProxiedResponse): ProxiedResponse => ({
      ...response,
      headers: { 'content-type': 'text/plain' },
      body: 'Internal Server Error',
    });
    const model = await failingTwice(wire, make, { type: 'status', status: 500 }, plain);
    const { error } = await collect(model, ask('Hi'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'server', status: 500, retryable: true });
    const run = await runOn(model);
    expect(run.retried).toHaveLength(1);
    expect(run.text).toBe('Recovered.');
  });
});
