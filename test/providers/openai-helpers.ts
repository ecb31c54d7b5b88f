/**
 * Agents on the OpenAI adapter over a validating mock wire server (Chat Completions or Responses), for the
 * tests of what the real API accepts. The server is closed after each test.
 */
import { afterEach } from 'vitest';
import { createAgent, type Tool } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { openai, type OpenAiSettings } from '../../src/providers/openai/index.js';
import {
  startMockServer,
  type Fault,
  type MockServer,
  type WireFormat,
  type WireName,
} from '../../src/testing/mock-server/index.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import { fixedPolicy } from '../helpers/agent.js';

export const KEY = 'sk-test-0123456789abcdefghij';

let servers: MockServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** Starts a validating mock server for `wire` with `script`. */
export async function mockServer(
  wire: WireName | WireFormat,
  script: MockScript,
  faults: readonly Fault[] = [],
): Promise<MockServer> {
  const server = await startMockServer({ wire, script, faults });
  servers.push(server);
  return server;
}

/** The OpenAI model pointed at `server`. */
export function modelOn(server: MockServer, settings: Partial<OpenAiSettings> = {}): LanguageModel {
  return openai({ model: 'gpt-4.1-mini', apiKey: KEY, baseURL: server.baseURL, ...settings });
}

/** An agent on the OpenAI adapter over a validating mock server, with `tools` allowed. */
export async function openAiAgent(options: {
  readonly wire: WireName | WireFormat;
  readonly script: MockScript;
  readonly tools?: readonly Tool[];
  readonly settings?: Partial<OpenAiSettings>;
  readonly faults?: readonly Fault[];
}) {
  const server = await mockServer(options.wire, options.script, options.faults);
  const agent = createAgent({
    provider: modelOn(server, options.settings),
    tools: [...(options.tools ?? [])],
    policy: fixedPolicy('allow'),
  });
  return { agent, server };
}

/**
 * A wire that sends what `wire` sends, each SSE data frame's JSON passed through `map` (to script what the
 * mock's steps cannot say, such as a refusal).
 */
export function rewritingWire(
  wire: WireFormat,
  map: (data: Record<string, unknown>) => Record<string, unknown>,
): WireFormat {
  const rewrite = (frame: string): string => {
    const match = /^data: (\{.*\})$/m.exec(frame);
    if (!match) return frame;
    const data = map(JSON.parse(match[1]!) as Record<string, unknown>);
    // Typed events name their type twice: in the `event:` line and in the data.
    const event = /^event: /m.test(frame) && typeof data.type === 'string' ? `event: ${data.type}\n` : '';
    return `${event}data: ${JSON.stringify(data)}\n\n`;
  };
  return {
    ...wire,
    encode: (step, context) => {
      const encoded = wire.encode(step, context);
      return { ...encoded, frames: encoded.frames.map(rewrite) };
    },
  };
}

/** The JSON body of the `index`th request a server received. */
export function bodyOf(server: MockServer, index: number): Record<string, unknown> {
  return server.requests[index]?.body as Record<string, unknown>;
}
