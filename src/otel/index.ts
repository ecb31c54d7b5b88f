/**
 * OpenTelemetry tracing for agents: spans for runs, model calls, tool calls, compaction and sub-agents,
 * with the GenAI semantic conventions. `@opentelemetry/api` is an optional peer dependency.
 *
 * @packageDocumentation
 */
export { withTracing, type TracingOptions } from './with-tracing.js';
