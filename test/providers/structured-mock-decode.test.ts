/**
 * Script functions of the mock wire servers see the structured output format and the file parts a request
 * carried, decoded from each wire, so a scripted model can answer a format with JSON.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FilePart, LanguageModel, ModelRequest } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import { collect } from './shared-helpers.js';
import { deltas, PDF, verdict } from './structured-helpers.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pdf: FilePart = { type: 'file', mediaType: 'application/pdf', data: PDF, filename: 'report.pdf' };
const cases: [WireName, (baseURL: string) => LanguageModel, boolean][] = [
  ['anthropic', (baseURL) => anthropic({ model: 'claude-haiku-4-5', apiKey: 'sk-ant-test-key-123456', baseURL }), true],
  ['openai', (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }), true],
  [
    'openai-responses',
    (baseURL) => openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
    true,
  ],
  [
    'gemini',
    (baseURL) => gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL }),
    true,
  ],
  ['ollama', (host) => ollama({ model: 'qwen3:8b', host }), false],
];

describe.each(cases)('the %s mock decodes the format and the files', (wire, make, takesPdf) => {
  it('for its script function', async () => {
    const seen: ModelRequest[] = [];
    server = await startMockServer({
      wire,
      script: (request) => {
        seen.push(request);
        return { text: JSON.stringify({ ok: request.output !== undefined, reason: 'decoded' }) };
      },
    });
    const files: FilePart[] = takesPdf ? [pdf] : [];
    const { parts, error } = await collect(make(server.baseURL), {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Judge the report.' }, ...files] }],
      tools: [],
      output: verdict,
    });
    expect(error).toBeUndefined();
    expect(JSON.parse(deltas(parts).join(''))).toEqual({ ok: true, reason: 'decoded' });
    expect(seen[0]?.output?.schema).toEqual(verdict.schema);
    if (wire === 'openai' || wire === 'openai-responses') expect(seen[0]?.output?.name).toBe('verdict');
    const decodedFiles = seen[0]!.messages.flatMap((message) =>
      message.role === 'user' ? message.content.filter((part) => part.type === 'file') : [],
    );
    expect(decodedFiles).toEqual(
      takesPdf
        ? [
            {
              type: 'file',
              mediaType: 'application/pdf',
              data: PDF,
              ...(wire === 'gemini' ? {} : { filename: 'report.pdf' }),
            },
          ]
        : [],
    );
  });
});
