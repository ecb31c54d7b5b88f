/**
 * What the tracing tests share: an SDK exporting into memory, the async context manager (so a run started
 * inside a span nests under it), registered for the file's tests, and small readers of finished spans.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Registers the context manager for this file's tests and empties the exporter before each. */
export function inMemoryTracing() {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    context.disable();
    trace.disable();
  });
  beforeEach(() => exporter.reset());
  return { exporter, tracer };
}

export const byName = (spans: readonly ReadableSpan[], name: string): ReadableSpan[] =>
  spans.filter((s) => s.name === name);
/** A span time in epoch milliseconds. */
export const ms = ([seconds, nanos]: readonly [number, number]): number => seconds * 1e3 + nanos / 1e6;
export const parentId = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
