/**
 * Structured output through `createAgent`, on every adapter over its mock wire server: a `beforeModelCall`
 * hook that sets `request.output` makes the adapter send its provider's native format, and the JSON answer
 * arrives as the run's text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/index.js';
import type { LanguageModel } from '../../src/model/language-model.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import type { MockStep } from '../../src/testing/mock-step.js';
import { echoTool, fixedPolicy } from '../helpers/agent.js';
import { answer, answerJson, verdict } from './structured-helpers.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Body = Record<string, unknown>;
const format = (path: string) => (body: Body) =>
  path.split('.').reduce<unknown>((at, key) => (at as Body)?.[key], body);

const cases: {
  name: string;
  wire: WireName;
  make: (baseURL: string) => LanguageModel;
  formatOf: (body: Body) => unknown;
  expected: unknown;
  final?: MockStep;
}[] = [
  {
    name: 'anthropic',
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL }),
    formatOf: format('output_config.format'),
    expected: { type: 'json_schema', schema: verdict.schema },
  },
  {
    name: 'anthropic (forced tool)',
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-3-5-haiku-latest', apiKey: 'sk-ant-test-key-123456', baseURL }),
    formatOf: (body) =>
      ((body.tools as Body[] | undefined) ?? []).find((tool) => tool.name === 'verdict')?.input_schema,
    expected: verdict.schema,
    final: { toolCalls: [{ name: 'verdict', input: answer }] },
  },
  {
    name: 'openai chat',
    wire: 'openai',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }),
    formatOf: format('response_format'),
    expected: {
      type: 'json_schema',
      json_schema: { name: 'verdict', description: verdict.description, schema: verdict.schema, strict: true },
    },
  },
  {
    name: 'openai responses',
    wire: 'openai-responses',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
    formatOf: format('text.format'),
    expected: {
      type: 'json_schema',
      name: 'verdict',
      description: verdict.description,
      schema: verdict.schema,
      strict: true,
    },
  },
  {
    name: 'gemini',
    wire: 'gemini',
    make: (baseURL) => gemini({ model: 'gemini-3-flash-preview', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL }),
    formatOf: (body) => {
      const config = body.generationConfig as Body;
      return { mime: config.responseMimeType, schema: config.responseJsonSchema };
    },
    expected: { mime: 'application/json', schema: verdict.schema },
  },
  {
    name: 'ollama',
    wire: 'ollama',
    make: (host) => ollama({ model: 'qwen3:8b', host }),
    formatOf: format('format'),
    expected: verdict.schema,
  },
];

describe.each(cases)('structured output through createAgent on $name', ({ wire, make, formatOf, expected, final }) => {
  it('sends the native format on the turn a beforeModelCall hook asks for it, and ends with the JSON text', async () => {
    server = await startMockServer({
      wire,
      script: [{ toolCalls: [{ name: 'echo', input: { text: 'look' } }] }, final ?? { text: answerJson }],
    });
    const agent = createAgent({
      provider: make(server.baseURL),
      tools: [echoTool],
      policy: fixedPolicy('allow'),
      hooks: {
        // The answer must be a verdict once the tool has run.
        beforeModelCall: (request) =>
          request.messages.some((message) => message.role === 'tool') ? { ...request, output: verdict } : undefined,
      },
    });
    const result = await agent.run('Is the change safe?').result;
    expect(result.status).toBe('completed');
    expect(JSON.parse(result.text)).toEqual(answer);
    const [first, second] = server.requests.map((request) => request.body as Body);
    expect(formatOf(first!) ?? undefined).not.toEqual(expected);
    expect(formatOf(second!)).toEqual(expected);
    expect(server.rejections).toEqual([]);
  });
});
