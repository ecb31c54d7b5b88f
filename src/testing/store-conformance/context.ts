/** Shared state and helpers of the store conformance suite. Never exported from the package. */
import { SessionNotFoundError, StoreConflictError, StoreError } from '../../errors/store-error.js';
import type { JsonValue } from '../../model/message.js';
import type { SessionEntry, SessionStore } from '../../stores/types.js';

/** Options of `storeConformance`, resolved. */
export interface ResolvedConformanceOptions {
  readonly largeSessionEntries: number;
  readonly concurrency: number;
  readonly timeout: number;
  readonly persistent: boolean;
}

/** The parts of vitest the suite uses, loaded when the suite is registered (never when icode is imported). */
export interface TestApi {
  readonly describe: typeof import('vitest').describe;
  readonly it: typeof import('vitest').it;
  readonly expect: typeof import('vitest').expect;
  readonly afterEach: typeof import('vitest').afterEach;
}

/** What each group of conformance tests gets. */
export interface ConformanceContext {
  readonly options: ResolvedConformanceOptions;
  /** vitest's functions. */
  readonly t: TestApi;
  /** A store from the factory; the suite closes it after the test. */
  open(): Promise<SessionStore>;
  /** Metadata unique to this suite run and label, so tests on a shared database only see their own sessions. */
  tag(label: string): Record<string, JsonValue>;
}

/** A data entry carrying `index`, the simplest entry to check order with. */
export function dataEntry(index: number, key = 'n'): SessionEntry {
  return { type: 'data', key, value: index };
}

/** `count` data entries numbered from `from`. */
export function dataEntries(from: number, count: number, key = 'n'): SessionEntry[] {
  return Array.from({ length: count }, (_, i) => dataEntry(from + i, key));
}

/** A user message entry with `text`. */
export function userEntry(text: string): SessionEntry {
  return { type: 'message', message: { role: 'user', content: [{ type: 'text', text }] }, turn: 0 };
}

/** Fails the current test (any thrown error does, in every test runner). */
function fail(message: string): never {
  const error = new Error(message);
  error.name = 'AssertionError';
  throw error;
}

/** Awaits `promise`, expecting it to reject with an instance of `errorClass` (checked by brand, across copies of icode). */
export async function expectRejection<E>(
  promise: Promise<unknown>,
  errorClass: { isInstance(error: unknown): error is E; name: string },
): Promise<E> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await promise };
  } catch (error) {
    outcome = { ok: false, error };
  }
  if (outcome.ok) {
    fail(`Expected a rejection with ${errorClass.name}, but the call resolved with ${safeString(outcome.value)}.`);
  }
  const { error } = outcome as { ok: false; error: unknown };
  if (!errorClass.isInstance(error)) {
    fail(
      `Expected a rejection with ${errorClass.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : safeString(error)}.`,
    );
  }
  return error as E;
}

/** Awaits `promise`, expecting any rejection. */
export async function expectAnyRejection(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  return fail(`Expected a rejection, but the call resolved with ${safeString(value)}.`);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}

export { SessionNotFoundError, StoreConflictError, StoreError };
