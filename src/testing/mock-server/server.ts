/**
 * The mock wire server core: a real HTTP server on 127.0.0.1 that answers an official SDK with a
 * provider's real streaming format, from a script, and injects the failures real providers have.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../errors/config-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import type { MockStep } from '../mock-step.js';
import type {
  Fault,
  MockServer,
  MockServerOptions,
  RecordedRequest,
  StreamErrorKind,
  WireContext,
  WireFormat,
} from './types.js';
import { wires } from './wires.js';

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key']);

/** Status of an HTTP error for a scripted `ProviderError` without one. */
const STATUS_OF_KIND: Record<string, number> = {
  'rate-limit': 429,
  overloaded: 529,
  auth: 401,
  quota: 402,
  'invalid-request': 400,
  'model-not-found': 404,
  'context-length': 400,
  'request-too-large': 413,
  server: 500,
  network: 502,
  timeout: 408,
};

function streamErrorKindOf(error: Error): StreamErrorKind {
  if (ProviderError.isInstance(error)) {
    if (error.kind === 'overloaded') return 'overloaded';
    if (error.kind === 'rate-limit') return 'rate-limit';
  }
  return 'server';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function recordHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (SECRET_HEADERS.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function resolveWire(wire: MockServerOptions['wire']): WireFormat {
  if (typeof wire !== 'string') return wire;
  const found = wires[wire];
  if (!found) {
    const known = Object.keys(wires).join(', ');
    throw new ConfigError(`startMockServer: no wire format "${wire}" is registered (known: ${known}).`);
  }
  return found;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a mock wire server: a real `node:http` server on 127.0.0.1 (a free port) that speaks a provider's
 * streaming wire format, so the real adapter and the official SDK are tested end to end.
 *
 * Each model call takes the next step of the script (a faulted call that fails takes no step, so a retry
 * gets the answer the failed call would have had). Every request is recorded without its credentials.
 *
 * @example
 * ```ts
 * import { startMockServer } from 'icode/testing';
 * import { anthropic } from 'icode/providers/anthropic';
 *
 * const server = await startMockServer({
 *   wire: 'anthropic',
 *   script: [{ text: 'Hello!' }],
 *   faults: [{ type: 'status', status: 429, retryAfter: '1', call: 1 }],
 * });
 * const model = anthropic({ model: 'claude-haiku-4-5', apiKey: 'test-key', baseURL: server.baseURL });
 * // … run an agent on `model`; then:
 * console.log(server.requests.length);
 * await server.close();
 * ```
 */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const wire = resolveWire(options.wire);
  const faults = options.faults ?? [];
  const requests: RecordedRequest[] = [];
  const rejections: MockServer['rejections'] = [];
  const validate = options.validate ?? true;
  let calls = 0;
  let nextStep = 0;

  const stepFor = async (context: WireContext): Promise<MockStep | undefined> => {
    const script = options.script;
    if (typeof script === 'function') return script(wire.decodeRequest(context.body, context.path), nextStep + 1);
    const entry = script[nextStep];
    if (entry === undefined) return undefined;
    return typeof entry === 'function' ? entry(wire.decodeRequest(context.body, context.path), nextStep + 1) : entry;
  };

  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_mock_${calls}`, ...headers });
    res.end(JSON.stringify(wire.errorBody(status, message)));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const body = parseBody(raw);
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const request: RecordedRequest = { method, path: url, headers: recordHeaders(req), body };
    requests.push(request);
    if (!wire.matches(method, path)) {
      sendError(res, 404, `The mock ${wire.name} server has no route ${method} ${path}.`);
      return;
    }
    calls += 1;
    const call = calls;
    // A request the real API refuses takes no step: the real server would not have answered it either.
    const rejection = validate
      ? wire.validate?.({ call, model: wire.modelOf(path, body), path, body, malformedToolJson: false })
      : undefined;
    if (rejection) {
      rejections.push({ request, rejection });
      sendError(res, rejection.status, rejection.message);
      return;
    }
    const active = faults.filter((fault) => fault.call === undefined || fault.call === call);
    const find = <T extends Fault['type']>(type: T): Extract<Fault, { type: T }> | undefined =>
      active.find((fault): fault is Extract<Fault, { type: T }> => fault.type === type);

    const status = find('status');
    if (status) {
      const headers: Record<string, string> = {};
      if (status.retryAfter !== undefined) headers['retry-after'] = status.retryAfter;
      if (status.retryAfterMs !== undefined) headers['retry-after-ms'] = String(status.retryAfterMs);
      sendError(res, status.status, status.message ?? `Mock HTTP ${status.status}.`, headers);
      return;
    }

    const context: WireContext = {
      call,
      model: wire.modelOf(path, body),
      path,
      body,
      malformedToolJson: find('malformed-tool-json') !== undefined,
    };
    const step = await stepFor(context);
    if (step === undefined) {
      const length = Array.isArray(options.script) ? options.script.length : 0;
      // 400, not 5xx: a retry would not help, and the client must not retry it.
      sendError(res, 400, `Unexpected model call #${nextStep + 1}: the mock script has only ${length} step(s).`);
      return;
    }
    const failing = active.some((fault) => fault.type !== 'malformed-tool-json');
    if (!failing) nextStep += 1;

    if (step.error && step.errorAfterChunks === undefined) {
      const error = step.error;
      const headers: Record<string, string> = {};
      let code = 500;
      if (ProviderError.isInstance(error)) {
        code = error.status ?? STATUS_OF_KIND[error.kind] ?? 500;
        if (error.retryAfterMs !== undefined) headers['retry-after-ms'] = String(error.retryAfterMs);
      }
      sendError(res, code, error.message, headers);
      return;
    }

    const stall = find('stall');
    // Nothing at all: the client's request timeout must end this one.
    if (stall?.beforeHeaders) return;

    const encoded = wire.encode(step, context);
    let frames = [...encoded.frames];
    let endsWithStall = false;
    const streamError = find('stream-error');
    if (find('truncate')) frames = frames.slice(0, frames.length - encoded.terminalFrames);
    if (step.error && step.errorAfterChunks !== undefined) {
      frames = [
        ...frames.slice(0, step.errorAfterChunks),
        wire.streamError(streamErrorKindOf(step.error), step.error.message, context),
      ];
    } else if (streamError) {
      frames = [
        ...frames.slice(0, streamError.afterFrames ?? 0),
        wire.streamError(streamError.kind ?? 'overloaded', streamError.message ?? 'Overloaded', context),
      ];
    } else if (stall) {
      frames = frames.slice(0, stall.afterFrames ?? 0);
      endsWithStall = true;
    }

    res.writeHead(200, {
      'content-type': wire.contentType,
      'cache-control': 'no-cache',
      'request-id': `req_mock_${call}`,
      'x-request-id': `req_mock_${call}`,
      ...encoded.headers,
    });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });

    const cut = find('cut');
    if (cut) {
      const bytes = Buffer.from(frames.join(''), 'utf8').subarray(0, cut.afterBytes);
      res.write(bytes, () => res.socket?.destroy());
      return;
    }
    if (!endsWithStall) res.flushHeaders();
    for (const frame of frames) {
      if (step.delayMs) await wait(step.delayMs);
      if (closed) return;
      res.write(frame);
    }
    // A stall keeps the response open, headers and any frames sent, until the client gives up or close().
    if (endsWithStall) {
      res.flushHeaders();
      return;
    }
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(wire.errorBody(500, error instanceof Error ? error.message : String(error))));
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}${wire.basePath}`,
    requests,
    rejections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
