import { trace, type Tracer } from '@opentelemetry/api';
import type { AgentHooks, AgentOptions, ModelCallInfo } from '../agent/types.js';
import type { ModelRequest } from '../model/language-model.js';
import { EventTracer } from './event-tracer.js';

/** Options of {@link withTracing}. */
export interface TracingOptions {
  /** The tracer spans are made with. @defaultValue `trace.getTracer('icode')` from the registered provider */
  readonly tracer?: Tracer;
  /**
   * Record message content: system instructions, the messages sent, the model's text, tool arguments and
   * results (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.tool.call.arguments`, …). They may
   * hold secrets and personal data, so only token counts, names and ids are recorded unless this is set.
   * @defaultValue false
   */
  readonly recordContent?: boolean;
}

/**
 * Adds OpenTelemetry tracing to an agent's options, following the GenAI semantic conventions: a span
 * `invoke_agent <name>` per run, `chat <model>` per model call (with `gen_ai.usage.*` and the finish
 * reason), `execute_tool <tool>` per tool call (with the permission decision), `compaction` when history is
 * compacted, and sub-agent runs nested under the tool call that started them. A run's span is a child of
 * the span active where `agent.run` is called, so a run inside a traced HTTP request joins its trace. With
 * no OpenTelemetry SDK registered, spans are no-ops and nothing is tracked.
 *
 * The agent's own hooks are kept: they run after the tracer's.
 *
 * @example
 * ```ts
 * import { withTracing } from 'icode/otel';
 *
 * const agent = createAgent(withTracing({ provider, tools: codingTools({ root }) }));
 * // or, recording prompts and outputs too:
 * createAgent(withTracing(options, { recordContent: true }));
 * ```
 */
export function withTracing<T extends AgentOptions>(options: T, tracing: TracingOptions = {}): T {
  const tracer = new EventTracer(
    tracing.tracer ?? trace.getTracer('icode'),
    { name: options.name ?? 'agent', provider: options.provider.provider, modelId: options.provider.modelId },
    tracing.recordContent === true,
  );
  const own = options.hooks;
  const existing: readonly AgentHooks[] = own === undefined ? [] : Array.isArray(own) ? own : [own as AgentHooks];
  // Events first, so the spans are open before the agent's own hooks see an event; the request last, as
  // the agent's `beforeModelCall` hooks left it.
  const events: AgentHooks = { onEvent: (event) => tracer.onEvent(event) };
  const request: AgentHooks = {
    beforeModelCall(sent: ModelRequest, call: ModelCallInfo) {
      tracer.recordRequest(call.runId, sent);
    },
  };
  return { ...options, hooks: [events, ...existing, ...(tracing.recordContent === true ? [request] : [])] };
}
