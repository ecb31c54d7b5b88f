/**
 * The SDK adapters close the HTTP connection of a call they give up on: a stream that stalled past
 * `idleTimeoutMs`, and a stream the consumer stopped reading. Seen from the server side, through a proxy
 * that counts the client connections still open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type Fault, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import { ask, collect } from './shared-helpers.js';
import { connectionCounter, until, type Proxy } from './shared-proxy.js';

const adapters: { name: string; wire: WireName; make: (baseURL: string) => LanguageModel }[] = [
  {
    name: 'anthropic',
    wire: 'anthropic',
    make: (baseURL) =>
      anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL, idleTimeoutMs: 200 }),
  },
  {
    name: 'openai chat',
    wire: 'openai',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL, idleTimeoutMs: 200 }),
  },
];

let server: MockServer | undefined;
let proxy: (Proxy & { open(): number }) | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  [proxy, server] = [undefined, undefined];
});

async function setup(wire: WireName, make: (baseURL: string) => LanguageModel, faults: Fault[]) {
  server = await startMockServer({ wire, script: [{ text: 'one two three four five six seven eight' }], faults });
  proxy = await connectionCounter(server);
  return make(proxy.baseURL);
}

describe.each(adapters)('$name over a stalling server', ({ wire, make }) => {
  it('closes the connection of a stream that stalled past idleTimeoutMs', async () => {
    const model = await setup(wire, make, [{ type: 'stall', afterFrames: 2 }]);
    const { error } = await collect(model, ask('Hi'));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(server!.requests).toHaveLength(1);
    await until(() => proxy!.open() === 0, 'the client to close the stalled connection');
  });

  it('closes the connection when the consumer stops reading a stream that then stalls', async () => {
    const model = await setup(wire, make, [{ type: 'stall', afterFrames: 4 }]);
    for await (const part of model.stream(ask('Hi'))) if (part.type === 'text-delta') break;
    await until(() => proxy!.open() === 0, 'the client to close the connection it stopped reading');
  });
});
