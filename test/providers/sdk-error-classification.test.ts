/**
 * What the official Anthropic and OpenAI SDKs throw, as the typed `ProviderError` the agent retries or not:
 * built from the SDKs' own error classes, so a change in either is seen here.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import type { ProviderError } from '../../src/errors/provider-error.js';
import {
  idleTimeoutError,
  kindOfStreamError,
  missingKeyError,
  toProviderError,
  truncatedStreamError,
} from '../../src/providers/shared/sdk-errors.js';

const KEY = 'sk-ant-secret-key-0123456789';

describe('kindOfStreamError (error events inside a 200 stream)', () => {
  it.each([
    ['overloaded_error', '', 'overloaded'],
    ['server_is_overloaded', '', 'overloaded'],
    ['rate_limit_error', '', 'rate-limit'],
    ['rate_limit_exceeded', '', 'rate-limit'],
    ['insufficient_quota', '', 'quota'],
    ['error', 'billing hard limit reached', 'quota'],
    ['context_length_exceeded', '', 'context-length'],
    ['error', 'the context window is full', 'context-length'],
    ['invalid_request_error', '', 'invalid-request'],
    ['invalid_prompt', '', 'invalid-request'],
    ['authentication_error', '', 'auth'],
    ['permission_error', '', 'auth'],
    ['invalid_api_key', '', 'auth'],
    ['api_error', 'Internal server error', 'server'],
    ['', '', 'server'],
  ] as const)('%s %j → %s', (type, message, kind) => {
    expect(kindOfStreamError(type, message)).toBe(kind);
  });

  it('reads the type alone when there is no message', () => {
    expect(kindOfStreamError('Overloaded_Error')).toBe('overloaded');
  });
});

describe('toProviderError', () => {
  it('classifies an HTTP error by status, with the API type and message, retry-after and request id', () => {
    const sdk = APIError.generate(
      529,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers({ 'request-id': 'req_1', 'retry-after': '4' }),
    );
    expect(toProviderError('anthropic', sdk, [KEY])).toMatchObject({
      kind: 'overloaded',
      status: 529,
      retryable: true,
      retryAfterMs: 4000,
      requestId: 'req_1',
      message: 'anthropic 529: overloaded_error: Overloaded',
    });
  });

  it('reads OpenAI error bodies, which carry a code', () => {
    const sdk = OpenAI.APIError.generate(
      400,
      {
        error: {
          message: "This model's maximum context length is 8192",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
      undefined,
      new Headers({ 'x-request-id': 'req_2' }),
    );
    expect(toProviderError('openai', sdk, [])).toMatchObject({
      kind: 'context-length',
      status: 400,
      requestId: 'req_2',
      retryable: false,
      message: "openai 400: context_length_exceeded: This model's maximum context length is 8192",
    });
  });

  it('uses the SDK message without its status when the body says nothing', () => {
    const sdk = APIError.generate(500, undefined, 'boom', new Headers());
    const error = toProviderError('anthropic', sdk, []);
    expect(error).toMatchObject({ kind: 'server', status: 500, retryable: true });
    expect(error.message).toBe('anthropic 500: boom');
  });

  it('classifies an error event inside a 200 stream by its type', () => {
    const sdk = new APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: `Overloaded ${KEY}` } },
      undefined,
      undefined,
    );
    const error = toProviderError('anthropic', sdk, [KEY]);
    expect(error).toMatchObject({ kind: 'overloaded', retryable: true });
    expect(error.message).toBe('anthropic: error in stream: overloaded_error: Overloaded [redacted]');
    expect((error as ProviderError).status).toBeUndefined();
  });

  it('reads connection failures as network errors with their cause, and SDK timeouts as timeouts', () => {
    const reset = toProviderError('anthropic', new APIConnectionError({ cause: new Error(`ECONNRESET ${KEY}`) }), [
      KEY,
    ]);
    expect(reset).toMatchObject({ kind: 'network', retryable: true });
    expect(reset.message).toBe('anthropic: connection failed (Connection error.: ECONNRESET [redacted])');
    const openaiReset = toProviderError('openai', new OpenAI.APIConnectionError({ message: 'down' }), []);
    expect(openaiReset).toMatchObject({ kind: 'network', message: 'openai: connection failed (down)' });
    const timeout = toProviderError('anthropic', new APIConnectionTimeoutError(), []);
    expect(timeout).toMatchObject({ kind: 'timeout', message: 'anthropic: request timed out (Request timed out.)' });
    const openaiTimeout = toProviderError('openai', new OpenAI.APIConnectionTimeoutError(), []);
    expect(openaiTimeout).toMatchObject({ kind: 'timeout' });
  });

  it('reads anything else thrown while streaming as a network failure', () => {
    const error = toProviderError('openai', new SyntaxError('Unexpected token < in JSON'), []);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toBe('openai: the stream failed while reading (Unexpected token < in JSON)');
  });

  it('names a thrown value that is not an object by the value itself', () => {
    const error = toProviderError('openai', 'socket hang up sk-secret-0123456789', ['sk-secret-0123456789']);
    expect(error.message).toBe('openai: the stream failed while reading (socket hang up [redacted])');
  });

  it('passes aborts and its own errors through unchanged', () => {
    const config = new ConfigError('no SDK');
    expect(toProviderError('openai', config, [])).toBe(config);
    const abort = new DOMException('stopped', 'AbortError');
    expect(toProviderError('openai', abort, [])).toBe(abort);
    const controller = new AbortController();
    const reason = new Error('user stop');
    controller.abort(reason);
    expect(toProviderError('openai', new Error('socket closed'), [], controller.signal)).toBe(reason);
  });
});

describe('the errors adapters build themselves', () => {
  it('names what happened and never retries a missing key', () => {
    expect(truncatedStreamError('openai', 'response.completed')).toMatchObject({
      kind: 'network',
      message: 'openai: stream ended before response.completed; the answer is incomplete',
    });
    expect(idleTimeoutError('anthropic', 50)).toMatchObject({
      kind: 'timeout',
      message: 'anthropic: the stream sent nothing for 50 ms (idleTimeoutMs)',
    });
    expect(missingKeyError('openai', 'OPENAI_API_KEY')).toMatchObject({
      kind: 'auth',
      retryable: false,
      message: 'openai: no API key. Pass `apiKey` to openai({ … }) or set the OPENAI_API_KEY environment variable.',
    });
  });
});
