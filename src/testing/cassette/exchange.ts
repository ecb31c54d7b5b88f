/**
 * The two ways a cassette answers an intercepted request: from the network, recording what comes back
 * chunk by chunk, or from the file, sending the recorded chunks again.
 *
 * @packageDocumentation
 */
import { Readable } from 'node:stream';
import {
  chunkBytes,
  storeChunk,
  storedResponseHeaders,
  type CassetteChunk,
  type CassetteInteraction,
  type Redaction,
} from './format.js';

/** Marks the cassette's own request to the real server, which its interceptor must let through. */
export const PASSTHROUGH_HEADER = 'x-icode-cassette-passthrough';

/** What nock's reply function resolves with: status, body stream, headers. */
export type Reply = [number, Readable, Record<string, string>];

/** The request as intercepted. */
export interface Intercepted {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** Headers fetch sets itself (or refuses), dropped when the request is sent again. */
const HOP_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'accept-encoding']);

/**
 * Sends `request` to its real server and streams the answer back, pushing each chunk (and, with `timing`,
 * its delay) into the returned response record as it arrives.
 */
export async function forward(
  request: Intercepted,
  rules: Redaction,
  timing: boolean,
): Promise<{ reply: Reply; response: CassetteInteraction['response'] }> {
  const headers: Record<string, string> = { [PASSTHROUGH_HEADER]: '1' };
  for (const [name, value] of Object.entries(request.headers)) if (!HOP_HEADERS.has(name)) headers[name] = value;
  const real = await fetch(request.url, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const chunks: CassetteChunk[] = [];
  const delaysMs: number[] = [];
  const response = {
    status: real.status,
    headers: storedResponseHeaders(real.headers, rules),
    chunks,
    ...(timing ? { delaysMs } : {}),
  };
  const body = new Readable({ read() {} });
  void (async () => {
    let last = Date.now();
    try {
      for await (const value of (real.body ?? []) as AsyncIterable<Uint8Array>) {
        const now = Date.now();
        chunks.push(storeChunk(value));
        delaysMs.push(now - last);
        last = now;
        body.push(Buffer.from(value));
      }
      body.push(null);
    } catch {
      // The server cut the stream: end it where it was cut, as recorded. Destroying it with the error would
      // surface as an unhandled 'error' on nock's response object and crash the process; an early end is
      // what the client sees of a cut connection anyway (a stream without its terminal frames), and the
      // replay gives the same.
      body.push(null);
    }
  })();
  return { reply: [real.status, body, { ...response.headers }], response };
}

/** The recorded response, sent again chunk by chunk (with the recorded delays when `timing` is on). */
export function replay(interaction: CassetteInteraction, timing: boolean): Reply {
  const { status, headers, chunks, delaysMs } = interaction.response;
  const body = new Readable({ read() {} });
  void (async () => {
    for (const [index, chunk] of chunks.entries()) {
      const delay = timing ? (delaysMs?.[index] ?? 0) : 0;
      // A macrotask between chunks even without timing, so each one reaches the reader on its own.
      await new Promise((resolve) => setTimeout(resolve, delay));
      body.push(chunkBytes(chunk));
    }
    body.push(null);
  })();
  return [status, body, { ...headers }];
}

/**
 * A 400 whose JSON error every official SDK reads a message from (`error.message`), so the run fails at
 * once (not retried) and says why.
 */
export function mismatchReply(message: string): Reply {
  const body = JSON.stringify({
    type: 'error',
    error: { type: 'invalid_request_error', code: 400, status: 'INVALID_ARGUMENT', message },
  });
  return [
    400,
    Readable.from([Buffer.from(body)]),
    { 'content-type': 'application/json', 'x-icode-cassette': 'mismatch' },
  ];
}
