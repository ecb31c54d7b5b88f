import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelRequest } from '../../src/model/language-model.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { ollamaWire } from '../../src/testing/mock-server/ollama.js';
import { startMockServer } from '../../src/testing/mock-server/server.js';
import type { Fault, MockServer } from '../../src/testing/mock-server/types.js';
import type { MockScript } from '../../src/testing/mock-step.js';
import {
  itClassifiesA429,
  itClassifiesAStatus,
  itFailsACutAsNetwork,
  itFailsATruncatedStream,
  itStopsPromptlyOnAbort,
  itTimesOutAStallAfterText,
  itTimesOutASilentServer,
} from './gemini-ollama-cases.js';
import { ask, drain, rawServer, weatherTool } from './gemini-helpers.js';

let server: MockServer | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const close of closers.splice(0)) await close();
  vi.restoreAllMocks();
});

async function setup(script: MockScript, faults: Fault[] = [], settings: Partial<Parameters<typeof ollama>[0]> = {}) {
  server = await startMockServer({ wire: ollamaWire, script, faults });
  return ollama({ model: 'qwen3:8b', host: server.baseURL, ...settings });
}

describe('ollama: streaming answers', () => {
  it('streams plain text, usage and a stop, from the request it maps', async () => {
    const model = await setup([{ text: 'Hello there, friend.', usage: { inputTokens: 12, outputTokens: 5 } }], [], {
      keepAlive: '10m',
    });
    const { parts, error } = await drain(
      model,
      ask('Hi', { system: 'Be terse.', temperature: 0.2, maxOutputTokens: 100 }),
    );
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hello ' },
      { type: 'text-delta', text: 'there, ' },
      { type: 'text-delta', text: 'friend.' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 5 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(server!.requests[0]?.path).toBe('/api/chat');
    expect(server!.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "keep_alive": "10m",
        "messages": [
          {
            "content": "Be terse.",
            "role": "system",
          },
          {
            "content": "Hi",
            "role": "user",
          },
        ],
        "model": "qwen3:8b",
        "options": {
          "num_predict": 100,
          "temperature": 0.2,
        },
        "stream": true,
      }
    `);
  });

  it('returns one tool call with a made-up id, and sends tools as JSON Schema functions', async () => {
    const model = await setup([{ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }]);
    const { parts } = await drain(model, ask('Weather in Paris?', { tools: [weatherTool] }));
    expect(parts.filter((p) => p.type !== 'usage')).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_0_[0-9a-f]{8}$/),
        name: 'get_weather',
        input: { city: 'Paris' },
      },
      { type: 'finish', reason: 'tool-calls' },
    ]);
    expect((server!.requests[0]?.body as { tools: unknown }).tools).toMatchInlineSnapshot(`
      [
        {
          "function": {
            "description": "Current weather for a city",
            "name": "get_weather",
            "parameters": {
              "properties": {
                "city": {
                  "type": "string",
                },
                "unit": {
                  "enum": [
                    "c",
                    "f",
                  ],
                  "type": "string",
                },
              },
              "required": [
                "city",
              ],
              "type": "object",
            },
          },
          "type": "function",
        },
      ]
    `);
  });

  it('returns two tool calls of one turn, keeping an id the server gives', async () => {
    const model = await setup([
      {
        text: 'Checking.',
        toolCalls: [
          { name: 'get_weather', input: { city: 'Paris' } },
          { name: 'get_weather', input: { city: 'Oslo', unit: 'c' }, id: 'call_srv_2' },
        ],
      },
    ]);
    const { parts } = await drain(model, ask('Paris and Oslo?', { tools: [weatherTool] }));
    expect(parts.map((p) => p.type)).toEqual(['text-delta', 'text-delta', 'tool-call', 'tool-call', 'usage', 'finish']);
    expect(parts.filter((p) => p.type === 'tool-call').map((c) => [c.id, c.input])).toEqual([
      [expect.stringMatching(/^call_0_[0-9a-f]{8}$/), { city: 'Paris' }],
      ['call_srv_2', { city: 'Oslo', unit: 'c' }],
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('streams thinking as reasoning when think is on', async () => {
    const model = await setup([{ reasoning: 'Think it through.', text: 'Four.' }], [], { think: true });
    const { parts } = await drain(model, ask('2+2?'));
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Think it ' },
      { type: 'reasoning-delta', text: 'through.' },
      { type: 'reasoning', text: 'Think it through.' },
      { type: 'text-delta', text: 'Four.' },
      { type: 'usage', usage: expect.any(Object) },
      { type: 'finish', reason: 'stop' },
    ]);
    expect((server!.requests[0]?.body as { think: unknown }).think).toBe(true);
  });

  it('maps a conversation with images (a URL downloaded), reasoning, tool calls and results', async () => {
    const image = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    closers.push(image.close);
    const model = await setup([{ text: 'Sunny.' }]);
    const request: ModelRequest = {
      tools: [weatherTool],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Which city?' },
            { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'image', mediaType: 'image/png', url: `${image.url}/a.png` },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Looks like Paris.' },
            { type: 'text', text: 'Paris.' },
            { type: 'tool-call', id: 'call_0', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool-call', id: 'call_1', name: 'get_time', input: '{"city": "Par' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', id: 'call_0', name: 'get_weather', output: { sky: 'clear', c: 21 }, isError: false },
            { type: 'tool-result', id: 'call_1', name: 'get_time', output: 'Invalid JSON input', isError: true },
          ],
        },
      ],
    };
    const { error } = await drain(model, request);
    expect(error).toBeUndefined();
    expect((server!.requests[0]?.body as { messages: unknown }).messages).toMatchInlineSnapshot(`
      [
        {
          "content": "Which city?",
          "images": [
            "iVBORw0KGgo=",
            "iVBORw==",
          ],
          "role": "user",
        },
        {
          "content": "Paris.",
          "role": "assistant",
          "thinking": "Looks like Paris.",
          "tool_calls": [
            {
              "function": {
                "arguments": {
                  "city": "Paris",
                },
                "name": "get_weather",
              },
            },
            {
              "function": {
                "arguments": {},
                "name": "get_time",
              },
            },
          ],
        },
        {
          "content": "{"sky":"clear","c":21}",
          "role": "tool",
          "tool_name": "get_weather",
        },
        {
          "content": "Error: Invalid JSON input",
          "role": "tool",
          "tool_name": "get_time",
        },
      ]
    `);
  });

  it('honours tool choice as far as Ollama can, and merges providerOptions.ollama', async () => {
    const model = await setup([{ text: 'a' }, { text: 'b' }]);
    const other = { ...weatherTool, name: 'get_time' };
    await drain(
      model,
      ask('hi', {
        tools: [weatherTool, other],
        toolChoice: { name: 'get_time' },
        maxOutputTokens: 50,
        providerOptions: { ollama: { format: 'json', options: { num_ctx: 8192 } } },
      }),
    );
    await drain(model, ask('hi', { tools: [weatherTool], toolChoice: 'none' }));
    const [first, second] = server!.requests.map((r) => r.body as Record<string, unknown>);
    expect((first?.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(['get_time']);
    expect(first?.format).toBe('json');
    expect(first?.options).toEqual({ num_predict: 50, num_ctx: 8192 });
    expect(second).not.toHaveProperty('tools');
  });

  it('finds the server at OLLAMA_HOST when no host is given', async () => {
    server = await startMockServer({ wire: ollamaWire, script: [{ text: 'from env' }] });
    const saved = process.env.OLLAMA_HOST;
    process.env.OLLAMA_HOST = server.url.replace('http://', '');
    try {
      const { parts } = await drain(ollama({ model: 'qwen3:8b' }), ask('hi'));
      expect(parts.filter((p) => p.type === 'text-delta').map((p) => p.text)).toEqual(['from env']);
    } finally {
      if (saved === undefined) delete process.env.OLLAMA_HOST;
      else process.env.OLLAMA_HOST = saved;
    }
  });

  it('is free, and sets the retry policy', () => {
    const model = ollama({ model: 'llama3.2', maxRetries: 1, contextWindow: 8192 });
    expect(model.pricing).toEqual({ inputPerMTok: 0, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 });
    expect(model.retry).toEqual({ maxRetries: 1 });
    expect(model.contextWindow).toBe(8192);
    expect(model.provider).toBe('ollama');
  });
});

describe('ollama: failures', () => {
  itClassifiesA429(setup, [{ text: 'x' }], { provider: 'ollama', retryAfter: '2', message: 'too many requests' });

  itClassifiesAStatus(
    setup,
    'classifies a 503 (server busy) as overloaded',
    503,
    'server busy, please try again.  maximum pending requests exceeded',
    { kind: 'overloaded', retryable: true },
  );

  it('fails on an error line inside a 200 stream, after the text it streamed', async () => {
    const model = await setup(
      [{ text: 'Partial answer here' }],
      [
        {
          type: 'stream-error',
          afterFrames: 1,
          message: 'an error was encountered while running the model: unexpected EOF',
        },
      ],
    );
    const { parts, error } = await drain(model, ask('hi'));
    expect(parts).toEqual([{ type: 'text-delta', text: 'Partial ' }]);
    expect(error).toMatchObject({ kind: 'server', retryable: true });
    expect((error as Error).message).toBe('ollama: an error was encountered while running the model: unexpected EOF');
  });

  it('fails on a tool call the model wrote as broken JSON, never running it', async () => {
    const model = await setup(
      [{ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }],
      [{ type: 'malformed-tool-json' }],
    );
    const { parts, error } = await drain(model, ask('hi', { tools: [weatherTool] }));
    expect(parts.some((p) => p.type === 'tool-call')).toBe(false);
    expect((error as Error).message).toMatch(/error parsing tool call/);
  });

  it('fails as server error on a line that is not JSON, instead of skipping it', async () => {
    const warn = vi.spyOn(console, 'warn');
    const raw = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}\n');
      res.write('{"model":"m","message":{"role":"assistant","tool_calls":[{"function":{"name":"get_wea\n');
      res.end('{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n');
    });
    closers.push(raw.close);
    const { parts, error } = await drain(ollama({ model: 'm', host: raw.url }), ask('hi'));
    expect(error).toMatchObject({ kind: 'server' });
    expect((error as Error).message).toMatch(/not JSON/);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  itFailsACutAsNetwork(setup, 'fails as network when the connection is cut, never yielding the tool call', 300);

  itFailsATruncatedStream(
    setup,
    'fails as network when the stream ends without its done line',
    /stream ended before its done line/,
  );

  itTimesOutAStallAfterText(setup);

  itTimesOutASilentServer((url, timeoutMs) => ollama({ model: 'm', host: url, timeoutMs }));

  itStopsPromptlyOnAbort(setup);

  it("classifies a proxy's non-JSON 502 as a server error, without writing to the console", async () => {
    const log = vi.spyOn(console, 'log');
    const raw = await rawServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad Gateway</body></html>');
    });
    closers.push(raw.close);
    const { error } = await drain(ollama({ model: 'm', host: raw.url }), ask('hi'));
    expect(error).toMatchObject({ kind: 'server', status: 502, retryable: true });
    expect((error as Error).message).toContain('Bad Gateway');
    expect(log).not.toHaveBeenCalled();
  });

  itClassifiesAStatus(
    setup,
    'classifies a model that is not pulled as model-not-found',
    404,
    'model "qwen3:8b" not found, try pulling it first',
    { kind: 'model-not-found', retryable: false },
  );

  it('classifies a refused connection as network, saying where it looked', async () => {
    const raw = await rawServer(() => undefined);
    await raw.close();
    const { error } = await drain(ollama({ model: 'm', host: raw.url }), ask('hi'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect((error as Error).message).toContain(`could not connect to ${raw.url}`);
  });

  it('classifies a rejected token as auth without leaking it', async () => {
    const token = 'Bearer olk_0123456789abcdefSECRET';
    const seen: (string | undefined)[] = [];
    const raw = await rawServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `unauthorized: ${req.headers.authorization ?? ''}` }));
    });
    closers.push(raw.close);
    const withHeader = await drain(ollama({ model: 'm', host: raw.url, headers: { Authorization: token } }), ask('hi'));
    expect(withHeader.error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(inspect(withHeader.error, { depth: 10 })).not.toContain('olk_0123456789abcdefSECRET');
    // Credentials in the host become a Basic header (fetch refuses them in a URL), and stay out of errors.
    const inHost = await drain(
      ollama({ model: 'm', host: `http://user:pw-secret-123@${raw.url.slice(7)}` }),
      ask('hi'),
    );
    expect(seen[1]).toBe(`Basic ${btoa('user:pw-secret-123')}`);
    expect(inHost.error).toMatchObject({ kind: 'auth', status: 401 });
    expect(inspect(inHost.error, { depth: 10 })).not.toContain('pw-secret-123');
    expect(inspect(inHost.error, { depth: 10 })).not.toContain(btoa('user:pw-secret-123'));
  });
});
