/**
 * The contract between the mock wire server core (`server.ts`) and each provider's wire format.
 *
 * A wire format turns a scripted {@link MockStep} into the exact frames a provider streams (SSE events or
 * NDJSON lines), and a provider request body back into a {@link ModelRequest} so script functions can look
 * at what the adapter sent. The core owns HTTP, recording, step selection and fault injection; a wire only
 * knows its provider's shapes.
 *
 * Adding a wire: create `src/testing/mock-server/<name>.ts` exporting a `WireFormat` constant (for example
 * `geminiWire` in `gemini.ts`, `ollamaWire` in `ollama.ts`) and add it to the record in `wires.ts`.
 *
 * @packageDocumentation
 */
import type { ModelRequest } from '../../model/language-model.js';
import type { MockScript, MockStep } from '../mock-step.js';

/** The wire formats `startMockServer` speaks. */
export type WireName = 'anthropic' | 'openai' | 'openai-responses' | 'gemini' | 'ollama';

/** What a wire knows about the call it is answering. */
export interface WireContext {
  /** 1-based number of this HTTP call on the server (faulted calls count too). */
  readonly call: number;
  /** The model named in the request (body `model`, or the URL for Gemini). */
  readonly model: string;
  /** The request path, without the query string. */
  readonly path: string;
  /** The parsed request body. */
  readonly body: unknown;
  /**
   * Fault `malformed-tool-json`: the wire must send every tool call's arguments as JSON that does not
   * parse (the core sets it; wires honour it in their tool-call frames).
   */
  readonly malformedToolJson: boolean;
}

/** The frames of one streamed answer. */
export interface EncodedStream {
  /** Response headers besides `content-type` (for example a request id). */
  readonly headers?: Record<string, string>;
  /** Each frame as it goes on the wire, separators included (`event: …\ndata: …\n\n`, or `{…}\n`). */
  readonly frames: readonly string[];
  /**
   * How many frames at the end are the terminal event(s) (`message_stop`, `[DONE]`, `response.completed`,
   * `done: true`): fault `truncate` leaves exactly these out.
   */
  readonly terminalFrames: number;
}

/** The kinds of in-stream error a wire can send. */
export type StreamErrorKind = 'overloaded' | 'server' | 'rate-limit';

/**
 * One provider's wire format.
 *
 * @example
 * ```ts
 * import { startMockServer } from 'icode/testing';
 * const server = await startMockServer({ wire: myWire, script: [{ text: 'Hi' }] });
 * ```
 */
export interface WireFormat {
  readonly name: string;
  /** `text/event-stream` for SSE wires, `application/x-ndjson` for NDJSON. */
  readonly contentType: string;
  /** Path prefix the official SDK's `baseURL` must carry for this wire: `'/v1'` for OpenAI, `''` otherwise. */
  readonly basePath: string;
  /** Whether this wire answers `method path` (path without query) with a model stream. */
  matches(method: string, path: string): boolean;
  /** The model a request names (from the body or, for Gemini, the path). */
  modelOf(path: string, body: unknown): string;
  /** The request as a {@link ModelRequest}, for script functions. Best effort: unknown parts are skipped. */
  decodeRequest(body: unknown, path: string): ModelRequest;
  /** The frames of a successful streamed answer for `step`. */
  encode(step: MockStep, context: WireContext): EncodedStream;
  /** One frame carrying an error inside a 200 stream. */
  streamError(kind: StreamErrorKind, message: string, context: WireContext): string;
  /** The JSON body of an HTTP error response, in the provider's shape. */
  errorBody(status: number, message: string): unknown;
  /**
   * Checks a request against the rules the real API enforces (paired tool calls, schemas it accepts,
   * signatures it needs back). Returns the rejection the real API would send, or `undefined` to accept.
   * Used when the server's `validate` option is on (the default).
   */
  validate?(context: WireContext): WireRejection | undefined;
}

/**
 * A request the real API would refuse: the HTTP status and the message its error body carries, word for
 * word where the provider's text is known.
 *
 * @example
 * ```ts
 * const rejection: WireRejection = { status: 400, message: "tool_use ids were found without tool_result blocks" };
 * ```
 */
export interface WireRejection {
  readonly status: number;
  readonly message: string;
}

/**
 * A failure injected into one call of a mock wire server. `call` is the 1-based call it applies to
 * (default: every call). A faulted call that fails answers from the same script step as the next clean
 * call, so a retried request gets the answer the failed one would have had; `malformed-tool-json` does not
 * fail the call and takes its step.
 *
 * @example
 * ```ts
 * const faults: Fault[] = [
 *   { type: 'status', status: 429, retryAfter: '2', call: 1 },
 *   { type: 'stream-error', kind: 'overloaded', afterFrames: 3, call: 2 },
 *   { type: 'cut', afterBytes: 512, call: 3 },
 * ];
 * ```
 */
export type Fault =
  /** An HTTP error response with the provider's error body, and retry headers when given. */
  | {
      readonly type: 'status';
      readonly status: number;
      readonly call?: number;
      readonly message?: string;
      /** Sent as the `retry-after` header, as is (seconds or an HTTP date). */
      readonly retryAfter?: string;
      /** Sent as the `retry-after-ms` header. */
      readonly retryAfterMs?: number;
    }
  /** A provider error event inside a 200 stream, after `afterFrames` frames (default 0). */
  | {
      readonly type: 'stream-error';
      readonly call?: number;
      readonly kind?: StreamErrorKind;
      readonly message?: string;
      readonly afterFrames?: number;
    }
  /** The socket is destroyed after `afterBytes` bytes of the response body. */
  | { readonly type: 'cut'; readonly afterBytes: number; readonly call?: number }
  /** The stream ends cleanly but without its terminal event(s). */
  | { readonly type: 'truncate'; readonly call?: number }
  /**
   * The response sends its headers (and `afterFrames` frames, default 0), then nothing, until closed; with
   * `beforeHeaders`, not even the headers (to test a request timeout rather than a stalled stream).
   */
  | { readonly type: 'stall'; readonly afterFrames?: number; readonly beforeHeaders?: boolean; readonly call?: number }
  /** Every tool call's arguments are sent as JSON that does not parse. */
  | { readonly type: 'malformed-tool-json'; readonly call?: number };

/** One request the mock server received. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  /** Lower-cased headers, without `authorization`, `x-api-key` and `x-goog-api-key`. */
  readonly headers: Record<string, string>;
  /** The parsed JSON body (`undefined` when there was none; the raw text when it was not JSON). */
  readonly body: unknown;
}

/** Options of `startMockServer`. */
export interface MockServerOptions {
  /** A registered wire by name, or a custom {@link WireFormat}. */
  readonly wire: WireName | WireFormat;
  /** The answers, step by step, as for `mockProvider`. */
  readonly script: MockScript;
  readonly faults?: readonly Fault[];
  /**
   * Reject requests the real API would reject, with its status and error text (see
   * {@link WireFormat.validate}), so a test fails where production would. Turn off only to test how a
   * client copes with input a real server refuses. @defaultValue true
   */
  readonly validate?: boolean;
}

/**
 * A running mock wire server.
 *
 * @example
 * ```ts
 * const server = await startMockServer({ wire: 'openai', script: [{ text: 'Hi' }] });
 * const model = openai({ model: 'gpt-4.1-mini', apiKey: 'test', baseURL: server.baseURL });
 * // … call the model; then inspect what it sent:
 * expect(server.requests[0]?.body).toMatchObject({ stream: true });
 * await server.close();
 * ```
 */
export interface MockServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /**
   * What to pass as the SDK's `baseURL`: `url` plus the wire's {@link WireFormat.basePath} (`/v1` for
   * OpenAI; the bare URL for Anthropic, Gemini and Ollama, whose SDKs add their own prefix).
   */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The requests refused by validation, with the refusal sent, in order. */
  readonly rejections: { readonly request: RecordedRequest; readonly rejection: WireRejection }[];
  /** Stops the server and destroys open connections (stalled streams included). */
  close(): Promise<void>;
}
