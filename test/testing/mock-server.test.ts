import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import type { ModelRequest } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { openai } from '../../src/providers/openai/index.js';
import {
  sseFrame,
  startMockServer,
  type MockServer,
  type WireFormat,
  type WireName,
} from '../../src/testing/mock-server/index.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('startMockServer', () => {
  it('listens on 127.0.0.1, records requests without credentials, and streams SSE', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'Hello world' }] });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.baseURL).toBe(server.url);
    const response = await post(
      `${server.url}/v1/messages?beta=true`,
      { model: 'claude-x', messages: [] },
      {
        authorization: 'Bearer sk-secret-value',
        'x-api-key': 'sk-secret-value',
        'x-custom': 'kept',
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text.startsWith('event: message_start\ndata: {')).toBe(true);
    expect(text.trimEnd().endsWith('event: message_stop\ndata: {"type":"message_stop"}')).toBe(true);
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/messages?beta=true',
      body: { model: 'claude-x', messages: [] },
    });
    expect(request?.headers['x-custom']).toBe('kept');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers['x-api-key']).toBeUndefined();
  });

  it('answers an unknown route with a provider-shaped 404 and does not take a step', async () => {
    server = await startMockServer({ wire: 'openai', script: [{ text: 'x' }] });
    expect(server.baseURL).toBe(`${server.url}/v1`);
    const response = await post(`${server.url}/v1/embeddings`, {});
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('/v1/embeddings') } });
    const ok = await post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [] });
    expect(ok.status).toBe(200);
  });

  it('answers a call past the script with a 400 that names the call', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [] });
    const response = await post(`${server.url}/v1/messages`, { model: 'm', messages: [] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'Unexpected model call #1: the mock script has only 0 step(s).',
      },
    });
  });

  it('sends status faults with retry headers and the provider error body', async () => {
    server = await startMockServer({
      wire: 'openai',
      script: [{ text: 'x' }],
      faults: [{ type: 'status', status: 429, retryAfter: '7', retryAfterMs: 7000, message: 'Slow down', call: 1 }],
    });
    const response = await post(`${server.url}/v1/chat/completions`, {});
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('retry-after-ms')).toBe('7000');
    expect(await response.json()).toEqual({
      error: { message: 'Slow down', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' },
    });
    expect((await post(`${server.url}/v1/chat/completions`, {})).status).toBe(200);
  });

  it('turns a scripted ProviderError into its HTTP status, or an in-stream error after N frames', async () => {
    server = await startMockServer({
      wire: 'anthropic',
      script: [
        { error: new ProviderError({ kind: 'overloaded', message: 'Overloaded', retryAfterMs: 250 }) },
        {
          text: 'Hello there world',
          error: new ProviderError({ kind: 'overloaded', message: 'Overloaded' }),
          errorAfterChunks: 3,
        },
      ],
    });
    const first = await post(`${server.url}/v1/messages`, {});
    expect(first.status).toBe(529);
    expect(first.headers.get('retry-after-ms')).toBe('250');
    expect(await first.json()).toMatchObject({ error: { type: 'overloaded_error', message: 'Overloaded' } });
    const second = await (await post(`${server.url}/v1/messages`, {})).text();
    const events = second.split('\n\n').filter(Boolean);
    expect(events).toHaveLength(4);
    expect(events[3]).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
  });

  it('cuts the connection after N bytes', async () => {
    server = await startMockServer({
      wire: 'anthropic',
      script: [{ text: 'A long answer '.repeat(50) }],
      faults: [{ type: 'cut', afterBytes: 300 }],
    });
    const response = await post(`${server.url}/v1/messages`, {});
    const reader = response.body!.getReader();
    let received = 0;
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.length;
        }
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(300);
  });

  it('closes promptly while a stalled stream is open', async () => {
    server = await startMockServer({ wire: 'openai', script: [{ text: 'x' }], faults: [{ type: 'stall' }] });
    const response = await post(`${server.url}/v1/chat/completions`, {});
    expect(response.status).toBe(200);
    const started = Date.now();
    await server.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects an unknown wire name with a ConfigError', async () => {
    await expect(startMockServer({ wire: 'nope' as WireName, script: [] })).rejects.toBeInstanceOf(ConfigError);
  });

  it('takes a custom wire format', async () => {
    const echo: WireFormat = {
      name: 'echo',
      contentType: 'text/event-stream',
      basePath: '',
      matches: (method, path) => method === 'POST' && path === '/echo',
      modelOf: () => 'echo-1',
      decodeRequest: () => ({ messages: [], tools: [] }),
      encode: (step) => ({ frames: [sseFrame({ text: step.text }), sseFrame('[END]')], terminalFrames: 1 }),
      streamError: (_kind, message) => sseFrame({ error: message }),
      errorBody: (status, message) => ({ status, message }),
    };
    server = await startMockServer({ wire: echo, script: [{ text: 'hi' }], faults: [{ type: 'truncate', call: 2 }] });
    expect(await (await post(`${server.url}/echo`, {})).text()).toBe('data: {"text":"hi"}\n\ndata: [END]\n\n');
  });
});

// A script function sees each wire's request decoded back into a ModelRequest: the adapter's mapping and
// the wire's decoding agree.
const roundTrip: ModelRequest = {
  system: 'Be brief.',
  tools: [
    {
      name: 'read',
      description: 'Read',
      inputSchema: { type: 'object', properties: { p: { type: 'string' } }, required: ['p'] },
    },
  ],
  maxOutputTokens: 500,
  temperature: 0.3,
  toolChoice: 'required',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Read a' },
        { type: 'image', mediaType: 'image/png', data: 'AAAA' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Reading.' },
        { type: 'tool-call', id: 'c1', name: 'read', input: { p: 'a' } },
      ],
    },
    { role: 'tool', content: [{ type: 'tool-result', id: 'c1', name: 'read', output: 'A', isError: false }] },
    { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
  ],
};

describe.each([
  {
    wire: 'anthropic' as const,
    make: (baseURL: string) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'k-123456789', baseURL }),
  },
  {
    wire: 'openai' as const,
    make: (baseURL: string) => openai({ model: 'gpt-4o', apiKey: 'k-123456789', baseURL, strict: false }),
  },
  {
    wire: 'openai-responses' as const,
    make: (baseURL: string) =>
      openai({ model: 'gpt-4o', api: 'responses', apiKey: 'k-123456789', baseURL, strict: false }),
  },
])('script functions on the $wire wire', ({ wire, make }) => {
  it('receive the request decoded back into a ModelRequest', async () => {
    const seen: ModelRequest[] = [];
    server = await startMockServer({
      wire,
      script: (request, call) => {
        seen.push(request);
        return { text: `call ${call}` };
      },
    });
    const model = make(server.baseURL);
    let text = '';
    for await (const part of model.stream(roundTrip)) if (part.type === 'text-delta') text += part.text;
    expect(text).toBe('call 1');
    const decoded = seen[0]!;
    expect(decoded.system).toBe('Be brief.');
    expect(decoded.tools).toEqual(roundTrip.tools);
    expect(decoded.toolChoice).toBe('required');
    expect(decoded.maxOutputTokens).toBe(500);
    expect(decoded.temperature).toBe(0.3);
    // Wire formats do not carry a tool result's name.
    const expected = roundTrip.messages.map((m) =>
      m.role === 'tool' ? { ...m, content: m.content.map((r) => ({ ...r, name: '' })) } : m,
    );
    expect(decoded.messages).toEqual(expected);
  });
});

describe('the wire registry', () => {
  it('knows all five wires by name', async () => {
    for (const wire of ['anthropic', 'openai', 'openai-responses', 'gemini', 'ollama'] as const) {
      const started = await startMockServer({ wire, script: [] });
      await started.close();
    }
  });
});
