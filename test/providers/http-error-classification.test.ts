/**
 * How an HTTP failure becomes a typed `ProviderError`: its kind (which decides whether the agent retries),
 * the wait a server asks for, the request id, and a message that never carries a key. The shared helpers
 * every adapter calls, pinned case by case, since one wrong branch turns a retryable failure into a final one.
 */
import { describe, expect, it } from 'vitest';
import {
  kindOfHttpError,
  parseRetryAfter,
  providerHttpError,
  redactSecrets,
  requestIdOf,
  shouldRetryHeader,
} from '../../src/providers/shared/http-error.js';

describe('kindOfHttpError', () => {
  it.each([
    [undefined, 'socket hang up', 'network'],
    [429, 'Too many requests', 'rate-limit'],
    [429, 'You exceeded your current quota', 'quota'],
    [529, 'Overloaded', 'overloaded'],
    [503, 'Service unavailable', 'overloaded'],
    [408, 'Request timeout', 'timeout'],
    [401, 'invalid x-api-key', 'auth'],
    [403, 'forbidden', 'auth'],
    [403, 'Your credit balance is too low', 'quota'],
    [401, 'billing not active', 'quota'],
    [402, 'payment required', 'quota'],
    [404, 'model: claude-x not found', 'model-not-found'],
    [404, 'The model gpt-9 does not exist', 'model-not-found'],
    [404, 'No route for this path', 'invalid-request'],
    [413, 'request too large', 'request-too-large'],
    [409, 'conflict', 'server'],
    [500, 'Internal server error', 'server'],
    [502, 'bad gateway', 'server'],
    [400, 'prompt is too long: 210000 tokens > 200000 maximum', 'context-length'],
    [400, "This model's maximum context length is 128000 tokens", 'context-length'],
    [400, 'input is too long for the context window', 'context-length'],
    [400, 'unknown model: foo', 'model-not-found'],
    [400, 'tools.0.name: invalid', 'invalid-request'],
    [422, 'unprocessable', 'invalid-request'],
  ] as const)('%s %j → %s', (status, message, kind) => {
    expect(kindOfHttpError(status, message)).toBe(kind);
  });

  it('does not read a 500 that mentions context or models as a bad request', () => {
    expect(kindOfHttpError(500, 'context length exceeded upstream')).toBe('server');
    expect(kindOfHttpError(500, 'unknown model')).toBe('server');
    expect(kindOfHttpError(499, 'client closed request')).toBe('invalid-request');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads retry-after-ms first, in milliseconds', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }), now)).toBe(250);
  });

  it('reads retry-after in seconds, or as an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': ['2', '7'] }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(5000);
  });

  it('never returns a negative wait', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '-20' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': '-4' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('falls back to retry-after when retry-after-ms is blank or not a number', () => {
    expect(parseRetryAfter({ 'retry-after-ms': ' ', 'retry-after': '1' }, now)).toBe(1000);
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '1' }, now)).toBe(1000);
  });

  it('is undefined when nothing readable is there', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '  ' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'later' }, now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });

  it('defaults `now` to the current time', () => {
    const wait = parseRetryAfter({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() });
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(60_000);
  });
});

describe('shouldRetryHeader and requestIdOf', () => {
  it('reads x-should-retry as true, false, or nothing', () => {
    expect(shouldRetryHeader({ 'x-should-retry': 'true' })).toBe(true);
    expect(shouldRetryHeader({ 'x-should-retry': ' FALSE ' })).toBe(false);
    expect(shouldRetryHeader(new Headers({ 'x-should-retry': 'false' }))).toBe(false);
    expect(shouldRetryHeader({ 'x-should-retry': 'maybe' })).toBeUndefined();
    expect(shouldRetryHeader({})).toBeUndefined();
  });

  it('reads the request id from request-id, then x-request-id', () => {
    expect(requestIdOf({ 'request-id': 'req_1' })).toBe('req_1');
    expect(requestIdOf({ 'x-request-id': 'req_2' })).toBe('req_2');
    expect(requestIdOf({ 'request-id': 'req_1', 'x-request-id': 'req_2' })).toBe('req_1');
    expect(requestIdOf(new Headers({ 'X-Request-Id': 'req_3' }))).toBe('req_3');
    expect(requestIdOf(undefined)).toBeUndefined();
  });
});

describe('redactSecrets', () => {
  it('removes the given keys, and every usual key shape', () => {
    const text = [
      'key sk-ant-api03-abcdefghijklmnop',
      'google AIzaSyA1234567890abcdefghijklmn',
      'url ?key=secret123&alt=sse',
      'Authorization: Bearer tok.en.value',
      'x-api-key: abcdefgh12345',
      'custom my-own-secret-value',
    ].join('\n');
    const out = redactSecrets(text, ['my-own-secret-value', undefined, 'short']);
    expect(out).toBe(
      [
        'key sk-[redacted]',
        'google AIza[redacted]',
        'url ?key=[redacted]&alt=sse',
        'Authorization: Bearer [redacted]',
        'x-api-key: [redacted]',
        'custom [redacted]',
      ].join('\n'),
    );
  });

  it('leaves short given strings and ordinary words alone', () => {
    // A "secret" under 8 characters would redact common words out of every message.
    expect(redactSecrets('the model said short answers', ['short'])).toBe('the model said short answers');
    expect(redactSecrets('sk-short and pk-abc', [])).toBe('sk-short and pk-abc');
    expect(redactSecrets('rk-abcdefghijklmnop')).toBe('rk-[redacted]');
  });
});

describe('providerHttpError', () => {
  it('builds the typed error with status, kind, wait, request id and a scrubbed message', () => {
    const error = providerHttpError({
      provider: 'anthropic',
      status: 429,
      message: 'rate limited for key sk-ant-abcdefghijklmnopq',
      headers: { 'retry-after': '2', 'request-id': 'req_9' },
      cause: 'the cause',
    });
    expect(error).toMatchObject({
      kind: 'rate-limit',
      provider: 'anthropic',
      status: 429,
      retryable: true,
      retryAfterMs: 2000,
      requestId: 'req_9',
      message: 'anthropic 429: rate limited for key sk-[redacted]',
      cause: 'the cause',
    });
  });

  it('uses the kind given over the one the status implies, and x-should-retry over the kind', () => {
    const error = providerHttpError({
      provider: 'anthropic',
      status: 200,
      message: 'Overloaded',
      kind: 'overloaded',
      headers: { 'x-should-retry': 'false' },
    });
    expect(error).toMatchObject({ kind: 'overloaded', retryable: false, message: 'anthropic 200: Overloaded' });
    const retried = providerHttpError({
      provider: 'openai',
      status: 400,
      message: 'bad',
      headers: { 'x-should-retry': 'true' },
    });
    expect(retried).toMatchObject({ kind: 'invalid-request', retryable: true });
  });

  it('has no status, wait or request id when none is known', () => {
    const error = providerHttpError({ provider: 'ollama', message: 'ECONNREFUSED', secrets: ['never-in-text'] });
    expect(error.message).toBe('ollama: ECONNREFUSED');
    expect(error.kind).toBe('network');
    expect(error.status).toBeUndefined();
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.requestId).toBeUndefined();
    expect(error.retryable).toBe(true);
  });

  it('scrubs the given secrets before classifying', () => {
    const error = providerHttpError({
      provider: 'gemini',
      status: 400,
      message: 'API key my-long-gemini-key not valid',
      secrets: ['my-long-gemini-key'],
    });
    expect(error.message).toBe('gemini 400: API key [redacted] not valid');
    expect(error.message).not.toContain('my-long-gemini-key');
  });
});
