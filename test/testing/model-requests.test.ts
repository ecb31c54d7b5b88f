import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from 'icode';
import {
  allowModelRequests,
  disallowModelRequests,
  ModelRequestsDisallowedError,
  startMockServer,
  type MockServer,
} from 'icode/testing';
import { AgentError } from '../../src/errors/agent-error.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { collect } from '../providers/shared-helpers.js';
import { PROVIDER_NAMES, WIRE_MODELS } from './wire-models.js';

const ask = {
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }],
  tools: [],
};

const restores: (() => void)[] = [];
let server: MockServer | undefined;
afterEach(async () => {
  while (restores.length > 0) restores.pop()!();
  await server?.close();
  server = undefined;
});

describe('disallowModelRequests (on for this whole suite, from test/testing/setup.ts)', () => {
  it.each(PROVIDER_NAMES)('%s: a real endpoint is refused before any connection, with a typed error', async (name) => {
    // `.invalid` never resolves: had a socket been tried, the error would be a network ProviderError.
    const model = WIRE_MODELS[name].model('https://api.example.invalid');
    const { parts, error } = await collect(model, ask);
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ModelRequestsDisallowedError);
    expect(ConfigError.isInstance(error)).toBe(true);
    const refused = error as ModelRequestsDisallowedError;
    expect(refused.provider).toBe(name);
    expect(refused.target).toBe('https://api.example.invalid');
    expect(refused.message).toMatch(/model requests are disallowed.*mockProvider\(\)/);
  });

  it('an agent run fails with the same error, not retried', async () => {
    const agent = createAgent({ provider: WIRE_MODELS.anthropic.model('https://api.anthropic.com') });
    const run = agent.run('Hi');
    const error: unknown = await run.result.catch((e: unknown) => e);
    expect(AgentError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ModelRequestsDisallowedError);
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of agent.run('Again')) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelRequestsDisallowedError);
    expect(types).toContain('run-end');
    expect(types).not.toContain('retry');
  });

  it.each(PROVIDER_NAMES)('%s: a mock wire server on 127.0.0.1 still answers', async (name) => {
    server = await startMockServer({ wire: WIRE_MODELS[name].wire, script: [{ text: 'Hello there' }] });
    const { parts, error } = await collect(WIRE_MODELS[name].model(server.baseURL), ask);
    expect(error).toBeUndefined();
    expect(
      parts
        .filter((p) => p.type === 'text-delta')
        .map((p) => (p as { text: string }).text)
        .join(''),
    ).toBe('Hello there');
  });

  it('allowLoopback: false refuses loopback too; allowHosts lets one host through', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'ok' }] });
    restores.push(disallowModelRequests({ allowLoopback: false }));
    const refused = await collect(WIRE_MODELS.anthropic.model(server.baseURL), ask);
    expect(refused.error).toBeInstanceOf(ModelRequestsDisallowedError);
    expect(server.requests).toHaveLength(0);

    const host = new URL(server.baseURL).host;
    restores.push(disallowModelRequests({ allowLoopback: false, allowHosts: [host] }));
    const allowed = await collect(WIRE_MODELS.anthropic.model(server.baseURL), ask);
    expect(allowed.error).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('allowModelRequests() lifts the ban until its restore function runs', async () => {
    const restore = allowModelRequests();
    const allowed = await collect(WIRE_MODELS.openai.model('https://api.example.invalid/v1'), ask);
    // Allowed, so the request was really tried: a network failure, not a refusal.
    expect(allowed.error).not.toBeInstanceOf(ModelRequestsDisallowedError);
    expect((allowed.error as { kind?: string }).kind).toBe('network');
    restore();
    const refused = await collect(WIRE_MODELS.openai.model('https://api.example.invalid/v1'), ask);
    expect(refused.error).toBeInstanceOf(ModelRequestsDisallowedError);
  });
});

describe('ICODE_ALLOW_MODEL_REQUESTS', () => {
  const script = `
    import { anthropic } from './src/providers/anthropic/index.ts';
    const model = anthropic({ model: 'claude-haiku-4-5', apiKey: 'k', baseURL: 'https://api.example.invalid', maxRetries: 0 });
    void (async () => {
      try { for await (const _ of model.stream({ messages: [], tools: [] })) {} } catch (e) { console.log(e.constructor.name); }
    })();
  `;
  const run = async (value: string | undefined): Promise<string> => {
    const env = { ...process.env };
    delete env.ICODE_ALLOW_MODEL_REQUESTS;
    if (value !== undefined) env.ICODE_ALLOW_MODEL_REQUESTS = value;
    const { stdout } = await promisify(execFile)('npx', ['tsx', '--eval', script], { env, cwd: process.cwd() });
    return stdout.trim();
  };

  it('=false refuses model requests in a process that never calls disallowModelRequests()', async () => {
    expect(await run('false')).toBe('ModelRequestsDisallowedError');
    expect(await run(undefined)).toBe('ProviderError');
  });
});
