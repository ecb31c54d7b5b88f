import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { ModelRequest } from '../../src/model/language-model.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { geminiWire } from '../../src/testing/mock-server/gemini.js';
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

const KEY = 'AIzaTestKey0123456789abcdefghijklmno';
let server: MockServer | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const close of closers.splice(0)) await close();
});

async function setup(script: MockScript, faults: Fault[] = [], settings: Partial<Parameters<typeof gemini>[0]> = {}) {
  server = await startMockServer({ wire: geminiWire, script, faults });
  return gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: server.baseURL, ...settings });
}

describe('gemini: streaming answers', () => {
  it('streams plain text, usage and a stop, from the request it maps', async () => {
    const model = await setup([
      { text: 'Hello there, friend.', usage: { inputTokens: 12, outputTokens: 5, cacheReadTokens: 4 } },
    ]);
    const { parts, error } = await drain(
      model,
      ask('Hi', { system: 'Be terse.', temperature: 0.2, maxOutputTokens: 100 }),
    );
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hello ' },
      { type: 'text-delta', text: 'there, ' },
      { type: 'text-delta', text: 'friend.' },
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 5, cacheReadTokens: 4 } },
      { type: 'finish', reason: 'stop' },
    ]);
    const [recorded] = server!.requests;
    expect(recorded?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(recorded?.headers['x-goog-api-key']).toBeUndefined();
    expect(recorded?.body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Hi",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "maxOutputTokens": 100,
          "temperature": 0.2,
        },
        "systemInstruction": {
          "parts": [
            {
              "text": "Be terse.",
            },
          ],
        },
      }
    `);
  });

  it('assembles one tool call with a made-up id and keeps its thought signature', async () => {
    const model = await setup([{ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }]);
    const { parts } = await drain(model, ask('Weather in Paris?', { tools: [weatherTool], toolChoice: 'required' }));
    expect(parts.filter((p) => p.type !== 'usage')).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_0_[0-9a-f]{8}$/),
        name: 'get_weather',
        input: { city: 'Paris' },
        providerMetadata: { gemini: { thoughtSignature: 'sig_mock_1', syntheticId: true } },
      },
      { type: 'finish', reason: 'tool-calls' },
    ]);
    expect(server!.requests[0]?.body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Weather in Paris?",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {},
        "toolConfig": {
          "functionCallingConfig": {
            "mode": "ANY",
          },
        },
        "tools": [
          {
            "functionDeclarations": [
              {
                "description": "Current weather for a city",
                "name": "get_weather",
                "parameters": {
                  "properties": {
                    "city": {
                      "type": "STRING",
                    },
                    "unit": {
                      "enum": [
                        "c",
                        "f",
                      ],
                      "format": "enum",
                      "type": "STRING",
                    },
                  },
                  "required": [
                    "city",
                  ],
                  "type": "OBJECT",
                },
              },
            ],
          },
        ],
      }
    `);
  });

  it('returns two tool calls of one turn, keeping the id Gemini gives', async () => {
    const model = await setup([
      {
        text: 'Checking both.',
        toolCalls: [
          { name: 'get_weather', input: { city: 'Paris' } },
          { name: 'get_weather', input: { city: 'Oslo', unit: 'c' }, id: 'fc_7' },
        ],
      },
    ]);
    const { parts } = await drain(model, ask('Paris and Oslo?', { tools: [weatherTool] }));
    expect(parts.map((p) => p.type)).toEqual(['text-delta', 'text-delta', 'tool-call', 'tool-call', 'usage', 'finish']);
    const calls = parts.filter((p) => p.type === 'tool-call');
    expect(calls.map((c) => [c.id, c.input])).toEqual([
      [expect.stringMatching(/^call_0_[0-9a-f]{8}$/), { city: 'Paris' }],
      ['fc_7', { city: 'Oslo', unit: 'c' }],
    ]);
    expect(calls[1]).not.toHaveProperty('providerMetadata');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
  });

  it('streams thoughts as reasoning and asks for them with thinkingConfig', async () => {
    const model = await setup([{ reasoning: 'Think it through.', text: 'Four.' }], [], {
      thinking: { budgetTokens: 512 },
    });
    const { parts } = await drain(model, ask('2+2?'));
    expect(parts).toEqual([
      { type: 'reasoning-delta', text: 'Think it ' },
      { type: 'reasoning-delta', text: 'through.' },
      { type: 'reasoning', text: 'Think it through.' },
      { type: 'text-delta', text: 'Four.' },
      { type: 'usage', usage: expect.any(Object) },
      { type: 'finish', reason: 'stop' },
    ]);
    expect((server!.requests[0]?.body as { generationConfig: unknown }).generationConfig).toMatchInlineSnapshot(`
      {
        "thinkingConfig": {
          "includeThoughts": true,
          "thinkingBudget": 512,
        },
      }
    `);
  });

  it('maps a conversation with an image, reasoning, tool calls and their results', async () => {
    const model = await setup([{ text: 'Sunny.' }]);
    const request: ModelRequest = {
      tools: [weatherTool],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What city is this? Then get its weather.' },
            { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
            { type: 'image', mediaType: 'image/jpeg', url: 'https://example.com/a.jpg' },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'Looks like Paris.',
              providerMetadata: { gemini: { thoughtSignature: 'sig_r' } },
            },
            { type: 'reasoning', text: 'An Anthropic thought', signature: 'anthropic-signature' },
            { type: 'text', text: 'Paris.' },
            {
              type: 'tool-call',
              id: 'call_0',
              name: 'get_weather',
              input: { city: 'Paris' },
              providerMetadata: { gemini: { thoughtSignature: 'sig_1', syntheticId: true } },
            },
            { type: 'tool-call', id: 'fc_2', name: 'get_time', input: '{"city": "Paris"' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', id: 'call_0', name: 'get_weather', output: 'Sunny, 21C', isError: false },
            { type: 'tool-result', id: 'fc_2', name: 'get_time', output: 'Invalid JSON input', isError: true },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
      ],
    };
    const { error } = await drain(model, request);
    expect(error).toBeUndefined();
    expect((server!.requests[0]?.body as { contents: unknown }).contents).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "What city is this? Then get its weather.",
            },
            {
              "inlineData": {
                "data": "iVBORw0KGgo=",
                "mimeType": "image/png",
              },
            },
            {
              "fileData": {
                "fileUri": "https://example.com/a.jpg",
                "mimeType": "image/jpeg",
              },
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "Looks like Paris.",
              "thought": true,
              "thoughtSignature": "sig_r",
            },
            {
              "text": "Paris.",
            },
            {
              "functionCall": {
                "args": {
                  "city": "Paris",
                },
                "name": "get_weather",
              },
              "thoughtSignature": "sig_1",
            },
            {
              "functionCall": {
                "args": {},
                "id": "fc_2",
                "name": "get_time",
              },
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "functionResponse": {
                "name": "get_weather",
                "response": {
                  "output": "Sunny, 21C",
                },
              },
            },
            {
              "functionResponse": {
                "id": "fc_2",
                "name": "get_time",
                "response": {
                  "error": "Invalid JSON input",
                },
              },
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "Summarise.",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('sends tool schemas unchanged as parametersJsonSchema when asked', async () => {
    const model = await setup([{ text: 'ok' }], [], { toolSchemas: 'json-schema' });
    await drain(model, ask('hi', { tools: [weatherTool], toolChoice: { name: 'get_weather' } }));
    const body = server!.requests[0]?.body as { tools: unknown; toolConfig: unknown };
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather for a city',
            parametersJsonSchema: weatherTool.inputSchema,
          },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
  });

  it('merges providerOptions.gemini into the request', async () => {
    const model = await setup([{ text: 'ok' }]);
    await drain(model, ask('hi', { providerOptions: { gemini: { topK: 3, seed: 7 } } }));
    expect((server!.requests[0]?.body as { generationConfig: unknown }).generationConfig).toEqual({ topK: 3, seed: 7 });
  });

  it('reports a malformed function call as an error finish, never as a call', async () => {
    const model = await setup(
      [{ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] }],
      [{ type: 'malformed-tool-json' }],
    );
    const { parts } = await drain(model, ask('Weather?', { tools: [weatherTool] }));
    expect(parts.some((p) => p.type === 'tool-call')).toBe(false);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
  });

  it('sets the retry policy, price and context window of the model', () => {
    const model = gemini({ model: 'gemini-2.5-flash', apiKey: KEY, maxRetries: 4, maxRetryDelayMs: 5000 });
    expect(model.retry).toEqual({ maxRetries: 4, maxRetryDelayMs: 5000 });
    expect(model.pricing).toEqual({
      inputPerMTok: 0.3,
      outputPerMTok: 2.5,
      cacheReadPerMTok: 0.03,
      cacheWritePerMTok: 0.3,
    });
    expect(model.contextWindow).toBe(1_048_576);
    expect(gemini({ model: 'my-tuned', apiKey: KEY }).retry).toEqual({ maxRetries: 2 });
  });
});

describe('gemini: failures', () => {
  itClassifiesA429(setup, [{ text: 'late' }], {
    provider: 'gemini',
    retryAfter: '3',
    message: 'Resource has been exhausted (e.g. check quota).',
    expectedMessage: 'gemini 429: RESOURCE_EXHAUSTED: Resource has been exhausted (e.g. check quota).',
  });

  it("reads the retry delay from Google's RetryInfo, and tells a daily quota from a rate limit", async () => {
    let daily = false;
    const raw = await rawServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            message: 'You exceeded your current quota, please check your plan and billing details.',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [
                  {
                    quotaId: daily
                      ? 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
                      : 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  },
                ],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
            ],
          },
        }),
      );
    });
    closers.push(raw.close);
    const model = gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: raw.url });
    const perMinute = await drain(model, ask('hi'));
    expect(perMinute.error).toMatchObject({ kind: 'rate-limit', retryable: true, retryAfterMs: 37_000 });
    daily = true;
    const perDay = await drain(model, ask('hi'));
    expect(perDay.error).toMatchObject({ kind: 'quota', retryable: false });
  });

  itClassifiesAStatus(
    setup,
    'classifies a 503 as overloaded',
    503,
    'The model is overloaded. Please try again later.',
    { kind: 'overloaded', retryable: true },
  );

  it('fails on an error event inside a 200 stream, after the text it already streamed', async () => {
    const model = await setup(
      [{ text: 'Partial answer here' }],
      [{ type: 'stream-error', afterFrames: 1, kind: 'overloaded', message: 'The model is overloaded.' }],
    );
    const { parts, error } = await drain(model, ask('hi'));
    expect(parts).toEqual([{ type: 'text-delta', text: 'Partial ' }]);
    expect(error).toMatchObject({ kind: 'overloaded', status: 503, retryable: true });
    expect((error as Error).message).toBe('gemini 503: UNAVAILABLE: The model is overloaded.');
  });

  itFailsACutAsNetwork(
    setup,
    'fails as network when the connection is cut, and never yields the tool call it carried',
    400,
    true,
  );

  itFailsATruncatedStream(
    setup,
    'fails as network when the stream ends without a finish reason',
    /stream ended before a finish reason/,
  );

  itTimesOutAStallAfterText(setup);

  itTimesOutASilentServer((url, timeoutMs) =>
    gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: url, timeoutMs }),
  );

  itStopsPromptlyOnAbort(setup);

  it('never calls the server with an already aborted signal', async () => {
    const model = await setup([{ text: 'x' }]);
    const { error } = await drain(model, ask('hi'), { signal: AbortSignal.abort(new Error('gone')) });
    expect((error as Error).message).toBe('gone');
    expect(server!.requests).toHaveLength(0);
  });

  it('classifies a rejected key as auth without leaking it', async () => {
    const sent: unknown[] = [];
    const raw = await rawServer((req, res) => {
      sent.push(req.headers['x-goog-api-key']);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 400,
            status: 'INVALID_ARGUMENT',
            message: `API key not valid. Please pass a valid API key. (key=${KEY})`,
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        }),
      );
    });
    closers.push(raw.close);
    const model = gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: raw.url });
    const { error } = await drain(model, ask('hi'));
    expect(sent).toEqual([KEY]);
    expect(error).toMatchObject({ kind: 'auth', status: 400, retryable: false });
    expect(inspect(error, { depth: 10 })).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('classifies a prompt over the context window as context-length, and an in-stream 429 as a rate limit', async () => {
    const tooLong = await setup(
      [{ text: 'x' }],
      [
        {
          type: 'status',
          status: 400,
          message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
        },
      ],
    );
    expect((await drain(tooLong, ask('hi'))).error).toMatchObject({
      kind: 'context-length',
      status: 400,
      retryable: false,
    });
    await server?.close();
    const limited = await setup(
      [{ text: 'x' }],
      [{ type: 'stream-error', kind: 'rate-limit', message: 'Resource has been exhausted.' }],
    );
    expect((await drain(limited, ask('hi'))).error).toMatchObject({ kind: 'rate-limit', status: 429, retryable: true });
  });

  itClassifiesAStatus(
    setup,
    'classifies an unknown model as model-not-found',
    404,
    'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.',
    { kind: 'model-not-found', retryable: false },
  );

  it('fails as network when nothing listens', async () => {
    const raw = await rawServer(() => undefined);
    await raw.close();
    const model = gemini({ model: 'gemini-2.5-flash', apiKey: KEY, baseURL: raw.url });
    const { error } = await drain(model, ask('hi'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it('takes its key from GEMINI_API_KEY, then GOOGLE_API_KEY', async () => {
    const sent: unknown[] = [];
    const raw = await rawServer((req, res) => {
      sent.push(req.headers['x-goog-api-key']);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"code":401,"message":"no","status":"UNAUTHENTICATED"}}');
    });
    closers.push(raw.close);
    const saved = { GEMINI_API_KEY: process.env.GEMINI_API_KEY, GOOGLE_API_KEY: process.env.GOOGLE_API_KEY };
    try {
      delete process.env.GEMINI_API_KEY;
      process.env.GOOGLE_API_KEY = 'google-key-0123456789';
      await drain(gemini({ model: 'gemini-2.5-flash', baseURL: raw.url }), ask('hi'));
      process.env.GEMINI_API_KEY = 'gemini-key-0123456789';
      await drain(gemini({ model: 'gemini-2.5-flash', baseURL: raw.url }), ask('hi'));
      expect(sent).toEqual(['google-key-0123456789', 'gemini-key-0123456789']);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('needs an API key', async () => {
    const saved = { GEMINI_API_KEY: process.env.GEMINI_API_KEY, GOOGLE_API_KEY: process.env.GOOGLE_API_KEY };
    delete process.env.GEMINI_API_KEY;
    delete process.env.GOOGLE_API_KEY;
    try {
      const { error } = await drain(gemini({ model: 'gemini-2.5-flash' }), ask('hi'));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/GEMINI_API_KEY/);
      expect(() => gemini({ model: '' })).toThrow(ConfigError);
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
    }
  });
});
