/**
 * File parts of user messages on every adapter, over the official SDKs and the validating mock servers:
 * PDFs as each provider's document input, text files as text where a provider has no input for them, and a
 * clear `ConfigError` (nothing sent) for a file a provider cannot take; and the mocks refusing the file
 * inputs the real APIs refuse.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ProviderError, createAgent, type FilePart, type ModelRequest } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { startMockServer, type MockServer, type WireName } from '../../src/testing/mock-server/index.js';
import { collect } from './shared-helpers.js';
import { b64, PDF } from './structured-helpers.js';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Body = Record<string, unknown>;
const pdf: FilePart = { type: 'file', mediaType: 'application/pdf', data: PDF, filename: 'report.pdf' };
const pdfUrl: FilePart = { type: 'file', mediaType: 'application/pdf', url: 'https://example.com/spec.pdf' };
const notes: FilePart = {
  type: 'file',
  mediaType: 'text/markdown',
  data: b64('# Notes\n\nŽluťoučký kůň'),
  filename: 'notes.md',
};
const zip: FilePart = { type: 'file', mediaType: 'application/zip', data: b64('PK\u0003\u0004'), filename: 'a.zip' };
const withFiles = (...files: FilePart[]): ModelRequest => ({
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise these.' }, ...files] }],
  tools: [],
});
const notesText = '<file name="notes.md" media-type="text/markdown">\n# Notes\n\nŽluťoučký kůň\n</file>';

const makers: Record<string, { wire: WireName; make: (baseURL: string) => ReturnType<typeof openai> }> = {
  anthropic: {
    wire: 'anthropic',
    make: (baseURL) => anthropic({ model: 'claude-sonnet-4-6', apiKey: 'sk-ant-test-key-123456', baseURL }),
  },
  chat: {
    wire: 'openai',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', apiKey: 'sk-test-key-1234567890', baseURL }),
  },
  responses: {
    wire: 'openai-responses',
    make: (baseURL) => openai({ model: 'gpt-4.1-mini', api: 'responses', apiKey: 'sk-test-key-1234567890', baseURL }),
  },
  gemini: {
    wire: 'gemini',
    make: (baseURL) => gemini({ model: 'gemini-2.5-flash', apiKey: 'AIzaTestKey0123456789abcdefghij', baseURL }),
  },
  ollama: { wire: 'ollama', make: (host) => ollama({ model: 'qwen3:8b', host }) },
};

/** Sends `request` through an adapter: the body the server received (if any), and the call's error. */
async function send(adapter: keyof typeof makers, request: ModelRequest, validate = true) {
  const { wire, make } = makers[adapter]!;
  server = await startMockServer({ wire, script: () => ({ text: 'Summary.' }), validate });
  const { error } = await collect(make(server.baseURL), request);
  return { body: server.requests.at(-1)?.body as Body | undefined, error };
}

const userContent = (body: Body | undefined, key: 'messages' | 'input' | 'contents'): unknown =>
  ((body?.[key] as Body[]).find((message) => message.role === 'user') ?? {})[key === 'contents' ? 'parts' : 'content'];

describe('file parts on each adapter', () => {
  it('anthropic: PDFs as document blocks (inline and by URL), text files as text documents', async () => {
    const { body, error } = await send('anthropic', withFiles(pdf, pdfUrl, notes));
    expect(error).toBeUndefined();
    const blocks = userContent(body, 'messages') as Body[];
    expect(blocks[1]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: PDF },
      title: 'report.pdf',
    });
    expect(blocks[2]).toEqual({ type: 'document', source: { type: 'url', url: pdfUrl.url } });
    expect(blocks[3]).toMatchObject({
      type: 'document',
      source: { type: 'text', media_type: 'text/plain', data: '# Notes\n\nŽluťoučký kůň' },
      title: 'notes.md',
    });
  });

  it('openai chat: a PDF as a file part with its data URL and name, a text file as text', async () => {
    const { body, error } = await send('chat', withFiles(pdf, notes));
    expect(error).toBeUndefined();
    expect(userContent(body, 'messages')).toEqual([
      { type: 'text', text: 'Summarise these.' },
      { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
      { type: 'text', text: notesText },
    ]);
  });

  it('openai chat: only text files keep the plain string content', async () => {
    const { body } = await send('chat', withFiles(notes));
    expect(userContent(body, 'messages')).toBe(`Summarise these.\n${notesText}`);
  });

  it('openai responses: PDFs as input_file (inline and by URL), a text file as input_text', async () => {
    const { body, error } = await send('responses', withFiles(pdf, pdfUrl, notes));
    expect(error).toBeUndefined();
    expect((userContent(body, 'input') as Body[]).slice(1)).toEqual([
      { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` },
      { type: 'input_file', file_url: pdfUrl.url },
      { type: 'input_text', text: notesText },
    ]);
  });

  it('gemini: inline files as inlineData, files by URL as fileData', async () => {
    const { body, error } = await send('gemini', withFiles(pdf, pdfUrl, notes));
    expect(error).toBeUndefined();
    expect((userContent(body, 'contents') as Body[]).slice(1)).toEqual([
      { inlineData: { mimeType: 'application/pdf', data: PDF } },
      { fileData: { mimeType: 'application/pdf', fileUri: pdfUrl.url } },
      { inlineData: { mimeType: 'text/markdown', data: notes.data } },
    ]);
  });

  it('ollama: a text file as text in the message', async () => {
    const { body, error } = await send('ollama', withFiles(notes));
    expect(error).toBeUndefined();
    expect((body?.messages as Body[]).at(-1)).toEqual({ role: 'user', content: `Summarise these.\n${notesText}` });
  });

  it.each<[keyof typeof makers, FilePart, string]>([
    ['anthropic', zip, 'takes PDFs and text files'],
    ['anthropic', { ...notes, data: undefined, url: 'https://example.com/notes.md' }, 'cannot fetch'],
    ['chat', zip, 'inline PDFs and text files'],
    ['chat', pdfUrl, 'by URL'],
    ['responses', zip, 'takes PDFs and text files'],
    ['ollama', pdf, 'text files only'],
    ['ollama', { ...notes, data: '%%%' }, 'is not base64-encoded UTF-8 text'],
  ])('%s refuses an unusable file with a ConfigError before sending', async (adapter, file, words) => {
    const { error } = await send(adapter, withFiles(file));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(words);
    expect(server!.requests).toHaveLength(0);
  });

  it('gemini: a type Gemini cannot read is refused by the API, as a typed ProviderError', async () => {
    const { error } = await send('gemini', withFiles(zip));
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400 });
    expect((error as Error).message).toContain('Unsupported MIME type: application/zip');
  });
});

describe('the mocks refuse the file inputs the APIs refuse', () => {
  it('anthropic: bytes that are not a PDF, and a base64 document of another type', async () => {
    const notPdf = await send('anthropic', withFiles({ ...pdf, data: b64('hello') }));
    expect((notPdf.error as Error).message).toContain('The PDF specified was not valid.');
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { type: 'base64', media_type: 'text/csv', data: b64('a,b') } }],
        },
      ],
    };
    const response = await fetch(`${server!.url}/v1/messages`, { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'",
    );
  });

  it('openai: inline file data without a name, and data that is not a PDF data URL', async () => {
    server = await startMockServer({ wire: 'openai', script: () => ({ text: 'x' }) });
    const post = (file: Body) =>
      fetch(`${server!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4.1-mini',
          messages: [{ role: 'user', content: [{ type: 'file', file }] }],
        }),
      }).then(async (response) => ({ status: response.status, text: await response.text() }));
    const unnamed = await post({ file_data: `data:application/pdf;base64,${PDF}` });
    expect(unnamed.status).toBe(400);
    expect(unnamed.text).toContain("Missing required parameter: 'messages[0].content[0].file.filename'.");
    const csv = await post({ filename: 'a.csv', file_data: `data:text/csv;base64,${b64('a,b')}` });
    expect(csv.text).toContain('Expected a base64-encoded data URL with an application/pdf MIME type');
  });

  it('openai responses: an input_file with no data, id or URL', async () => {
    server = await startMockServer({ wire: 'openai-responses', script: () => ({ text: 'x' }) });
    const response = await fetch(`${server.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4.1-mini',
        input: [{ role: 'user', content: [{ type: 'input_file', filename: 'a.pdf' }] }],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("one of 'input[0].content[0].file_data'");
  });
});

describe('file parts through createAgent', () => {
  it('reach the provider when a beforeModelCall hook attaches them to the user message', async () => {
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'A one-page report.' }] });
    const agent = createAgent({
      provider: makers.anthropic!.make(server.baseURL),
      hooks: {
        beforeModelCall: (request) => ({
          ...request,
          messages: request.messages.map((message) =>
            message.role === 'user' ? { ...message, content: [...message.content, pdf] } : message,
          ),
        }),
      },
    });
    const result = await agent.run('Summarise the attached report.').result;
    expect(result.text).toBe('A one-page report.');
    const blocks = userContent(server.requests[0]!.body as Body, 'messages') as Body[];
    expect(blocks.map((block) => block.type)).toEqual(['text', 'document']);
    expect(server.rejections).toEqual([]);
  });
});
