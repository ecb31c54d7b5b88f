import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type RunResult } from 'icode';
import {
  cassette,
  CassetteMismatchError,
  ModelRequestsDisallowedError,
  startMockServer,
  type CassetteFile,
  type MockServer,
} from 'icode/testing';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { echoTool } from '../helpers/agent.js';
import { KEYS, PROVIDER_NAMES, WIRE_MODELS } from './wire-models.js';

let dir: string;
let server: MockServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-cassette-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

const SCRIPT = [
  { text: 'Let me echo.', toolCalls: [{ name: 'echo', input: { text: 'ping' } }] },
  { text: 'Echoed: ping. Done.' },
];

async function runAgent(baseURL: string, name: (typeof PROVIDER_NAMES)[number], prompt = 'Echo ping') {
  const agent = createAgent({ provider: WIRE_MODELS[name].model(baseURL), tools: [echoTool] });
  const events: AgentEvent[] = [];
  const run = agent.run(prompt);
  for await (const event of run) events.push(event);
  return { events, result: await run.result };
}

async function chunksOf(response: Response): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) out.push(Buffer.from(chunk));
  return out;
}

/** What a run showed, without the ids each run draws afresh. */
function shape(events: AgentEvent[], result: RunResult): unknown {
  const text = JSON.stringify({ events, text: result.text, usage: result.usage, status: result.status });
  return JSON.parse(
    text
      .replaceAll(result.sessionId, '<session>')
      .replace(/"run_[0-9a-z]+"/g, '"<run>"')
      .replace(/call_\d+_[0-9a-f]{8}/g, '<call>'),
  );
}

describe('cassette', () => {
  it.each(PROVIDER_NAMES)('%s: a run recorded from the mock wire server replays offline, the same', async (name) => {
    const path = join(dir, `${name}.json`);
    server = await startMockServer({ wire: WIRE_MODELS[name].wire, script: SCRIPT });
    const baseURL = server.baseURL;

    const recording = await cassette({ path, mode: 'record' });
    const live = await runAgent(baseURL, name);
    await recording.stop();
    expect(live.result.text).toBe('Echoed: ping. Done.');
    expect(server.requests).toHaveLength(2);
    await server.close();
    server = undefined;

    const replaying = await cassette({ path, mode: 'replay' });
    const replayed = await runAgent(baseURL, name);
    await replaying.stop();
    expect(shape(replayed.events, replayed.result)).toEqual(shape(live.events, live.result));

    const file = await readFile(path, 'utf8');
    expect(file).not.toContain(KEYS[name]);
    expect((JSON.parse(file) as CassetteFile).interactions).toHaveLength(2);
  });

  it('records a connection the server cuts mid-stream as cut, and replays the retry that followed', async () => {
    const path = join(dir, 'cut.json');
    server = await startMockServer({
      wire: 'anthropic',
      script: [{ text: 'Made it on the second try.' }],
      faults: [{ type: 'cut', afterBytes: 200, call: 1 }],
    });
    const baseURL = server.baseURL;
    // The models of these tests never retry; this one must, to show the retry replayed.
    const run = async () => {
      const agent = createAgent({
        provider: anthropic({ model: 'claude-haiku-4-5', apiKey: KEYS.anthropic, baseURL, maxRetryDelayMs: 1 }),
      });
      const events: AgentEvent[] = [];
      const started = agent.run('Try until it works');
      for await (const event of started) events.push(event);
      return { events, result: await started.result };
    };
    const recording = await cassette({ path, mode: 'record' });
    const live = await run().finally(() => recording.stop());
    expect(live.result.text).toBe('Made it on the second try.');
    expect(live.events.filter((event) => event.type === 'retry')).toHaveLength(1);
    expect((JSON.parse(await readFile(path, 'utf8')) as CassetteFile).interactions).toHaveLength(2);
    await server.close();
    server = undefined;

    const replaying = await cassette({ path, mode: 'replay' });
    const replayed = await run().finally(() => replaying.stop());
    expect(replayed.result.text).toBe('Made it on the second try.');
    expect(replayed.events.filter((event) => event.type === 'retry')).toHaveLength(1);
  });

  it('ignore: parts of a request measured afresh on each run still match their recording', async () => {
    const path = join(dir, 'ignore.json');
    server = await startMockServer({ wire: 'openai', script: [{ text: 'Noted.' }] });
    const baseURL = server.baseURL;
    const recording = await cassette({ path, mode: 'record' });
    await runAgent(baseURL, 'openai', 'The build took 35 ms').finally(() => recording.stop());
    await server.close();
    server = undefined;

    const strict = await cassette({ path, mode: 'replay' });
    const refused = await runAgent(baseURL, 'openai', 'The build took 41 ms').catch((error: unknown) => error);
    await expect(strict.stop()).rejects.toBeInstanceOf(CassetteMismatchError);
    expect(refused).toBeInstanceOf(Error);

    const lenient = await cassette({ path, mode: 'replay', ignore: [/\d+ ms\b/] });
    const { result } = await runAgent(baseURL, 'openai', 'The build took 41 ms').finally(() => lenient.stop());
    expect(result.text).toBe('Noted.');
  });

  it('a replay answers the real API host while model requests are disallowed', async () => {
    const path = join(dir, 'real-host.json');
    server = await startMockServer({ wire: 'anthropic', script: [{ text: 'From the tape.' }] });
    const recording = await cassette({ path, mode: 'record' });
    await runAgent(server.baseURL, 'anthropic');
    await recording.stop();
    // As if recorded against the real API.
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll(server.baseURL, 'https://api.anthropic.com'));

    const refused: unknown = await runAgent('https://api.anthropic.com', 'anthropic').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModelRequestsDisallowedError);
    const replaying = await cassette({ path, mode: 'replay' });
    const { result } = await runAgent('https://api.anthropic.com', 'anthropic');
    await replaying.stop();
    expect(result.text).toBe('From the tape.');
  });

  it('upstream: records what a mock server answers under the address of the real API', async () => {
    const path = join(dir, 'upstream.json');
    server = await startMockServer({ wire: 'openai', script: [{ text: 'Via the stand-in.' }] });
    const recording = await cassette({ path, mode: 'record', upstream: server.url });
    const live = await runAgent('https://api.openai.com/v1', 'openai');
    await recording.stop();
    expect(live.result.text).toBe('Via the stand-in.');
    expect(server.requests).toHaveLength(1);
    const file = JSON.parse(await readFile(path, 'utf8')) as CassetteFile;
    expect(file.interactions[0]!.request.origin).toBe('https://api.openai.com');
    expect(file.interactions[0]!.request.path).toBe('/v1/chat/completions');
  });

  it('replays a streamed response byte for byte, chunk for chunk as recorded', async () => {
    const path = join(dir, 'raw.json');
    // A server that streams as a model does, a frame at a time.
    const sse = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_1' });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`data: {"n":${n},"text":"é ✓ 🚀"}\n\n`);
        if (++n === 4) {
          clearInterval(timer);
          res.end();
        }
      }, 20);
    });
    await new Promise<void>((resolve) => sse.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(sse.address() as AddressInfo).port}/v1/stream`;
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    const recording = await cassette({ path, mode: 'record', timing: true });
    const live = await chunksOf(await post());
    await recording.stop();
    await new Promise((resolve) => sse.close(resolve));

    const stored = JSON.parse(await readFile(path, 'utf8')) as CassetteFile;
    const { response } = stored.interactions[0]!;
    expect(response.delaysMs).toHaveLength(response.chunks.length);
    const replaying = await cassette({ path, mode: 'replay' });
    const reply = await post();
    const replayed = await chunksOf(reply);
    await replaying.stop();
    expect(reply.headers.get('x-request-id')).toBe('req_1');
    expect(Buffer.concat(replayed)).toEqual(Buffer.concat(live));
    expect(replayed.map((c) => c.toString('base64'))).toEqual(
      response.chunks.map((c) => Buffer.from(c as string).toString('base64')),
    );
  });

  it('replays each stored chunk as its own read, text or binary', async () => {
    const path = join(dir, 'chunks.json');
    const chunks = ['data: 1\n\n', { base64: Buffer.from([0xf0, 0x9f]).toString('base64') }, 'data: 2\n\n'];
    const file: CassetteFile = {
      version: 1,
      interactions: [
        {
          request: { method: 'POST', origin: 'https://api.example.com', path: '/v1/x', headers: {}, body: { a: 1 } },
          response: { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks },
        },
      ],
    };
    await writeFile(path, JSON.stringify(file));
    const replaying = await cassette({ path, mode: 'replay' });
    // Same JSON, other spelling: bodies are compared in canonical form.
    const reply = await fetch('https://api.example.com/v1/x', { method: 'POST', body: '{ "a": 1.0 }' });
    const replayed = await chunksOf(reply);
    await replaying.stop();
    expect(replayed).toEqual([Buffer.from('data: 1\n\n'), Buffer.from([0xf0, 0x9f]), Buffer.from('data: 2\n\n')]);
  });

  it('a changed prompt fails with a readable diff, in the run and from stop()', async () => {
    const path = join(dir, 'openai.json');
    server = await startMockServer({ wire: 'openai', script: SCRIPT });
    const baseURL = server.baseURL;
    const recording = await cassette({ path, mode: 'record' });
    await runAgent(baseURL, 'openai');
    await recording.stop();
    await server.close();
    server = undefined;

    const replaying = await cassette({ path, mode: 'replay' });
    const error: unknown = await runAgent(baseURL, 'openai', 'Echo pong').catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/has no recording of POST \/v1\/chat\/completions/);
    const stopped: unknown = await replaying.stop().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(CassetteMismatchError);
    const message = (stopped as Error).message;
    expect(message).toMatch(/^- +"content": "Echo ping",\n\+ +"content": "Echo pong",$/m);
    // Only the change and its context, not the whole body.
    expect(message).not.toContain('"model"');
  });

  it('redacts keys, auth headers and configured fields, and never writes a secret', async () => {
    const path = join(dir, 'gemini.json');
    server = await startMockServer({ wire: 'gemini', script: [{ text: 'ok' }] });
    const recording = await cassette({ path, mode: 'record', redact: ['contents', 'x-goog-api-client'] });
    const agent = createAgent({ provider: WIRE_MODELS.gemini.model(server.baseURL) });
    await agent.run('My secret prompt').result;
    const url = `${server.url}/v1beta/models/x:generateContent?key=${KEYS.gemini}&alt=sse`;
    await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEYS.openai}` }, body: '{}' }).then((r) =>
      r.text(),
    );
    await recording.stop();

    const text = await readFile(path, 'utf8');
    for (const secret of [KEYS.gemini, KEYS.openai, 'My secret prompt']) expect(text).not.toContain(secret);
    const file = JSON.parse(text) as CassetteFile;
    expect(file.interactions[0]!.request.headers['x-goog-api-key']).toBe('[REDACTED]');
    expect((file.interactions[0]!.request.body as { contents: unknown }).contents).toBe('[REDACTED]');
    expect(file.interactions[1]!.request.path).toContain('key=%5BREDACTED%5D');
    expect(file.interactions[1]!.request.headers.authorization).toBe('[REDACTED]');
  });

  it('auto replays what it holds and records what it lacks when it may; replay needs the file', async () => {
    const path = join(dir, 'auto.json');
    server = await startMockServer({ wire: 'ollama', script: [{ text: 'first' }, { text: 'second' }] });
    const first = await cassette({ path, mode: 'auto', canRecord: true });
    await runAgent(server.baseURL, 'ollama', 'one');
    await first.stop();
    const second = await cassette({ path, mode: 'auto', canRecord: true });
    const again = await runAgent(server.baseURL, 'ollama', 'one');
    const fresh = await runAgent(server.baseURL, 'ollama', 'two');
    await second.stop();
    expect(again.result.text).toBe('first');
    expect(fresh.result.text).toBe('second');
    expect(server.requests).toHaveLength(2);
    expect(second.interactions).toHaveLength(2);

    const offline = await cassette({ path, mode: 'auto', canRecord: false });
    const missing: unknown = await runAgent(server.baseURL, 'ollama', 'three').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Error);
    await expect(offline.stop()).rejects.toThrow(CassetteMismatchError);
    await expect(cassette({ path: join(dir, 'none.json'), mode: 'replay' })).rejects.toThrow(/record it first/);
  });
});
