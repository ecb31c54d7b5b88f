/**
 * Turns a run's events into OpenTelemetry spans: one `invoke_agent` span per run, a `chat` span per model
 * call, an `execute_tool` span per tool call, a `compaction` span, and a sub-agent's run nested under the
 * tool call that started it (its events carry a `path`).
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { AgentEvent } from '../events/agent-event.js';
import type { ModelRequest } from '../model/language-model.js';
import type { JsonValue } from '../model/message.js';
import { ATTR, ICODE, usageAttributes } from './attributes.js';

/** Now, in epoch milliseconds with sub-millisecond precision, as span times are. */
const epochMs = (): number => performance.timeOrigin + performance.now();

/** What the tracer knows of the agent it traces. */
export interface TracedAgent {
  readonly name: string;
  readonly provider: string;
  readonly modelId: string;
}

/** One run being traced: its span, the open model call and tool calls. */
interface RunTrace {
  readonly span: Span;
  /** The agent path of the run's events (`[name]` at the top). */
  readonly path: readonly string[];
  readonly toolNames: Map<string, string>;
  readonly tools: Map<string, Span>;
  turn?: Span;
  /** When the model call of the open turn ended: its first tool-call event (calls come after the stream). */
  streamEnd?: number;
  output: string;
  /** Where work that is no turn (compaction) starts: the end of the last turn, or the run's start. */
  boundary: number;
}

/**
 * Receives the events of every run of one agent (sub-agents' events included) and keeps their spans.
 * Spans of a run that the tracer does not record (no SDK registered: a no-op tracer) are not tracked at
 * all, so an agent traced without an SDK pays one map lookup per event.
 */
export class EventTracer {
  private readonly runs = new Map<string, RunTrace>();
  private readonly untraced = new Set<string>();

  constructor(
    private readonly tracer: Tracer,
    private readonly agent: TracedAgent,
    private readonly recordContent: boolean,
  ) {}

  /** Records the request of the open model call of `runId` (content recording only). */
  recordRequest(runId: string, request: ModelRequest): void {
    const turn = this.runs.get(runId)?.turn;
    if (!turn || !this.recordContent) return;
    if (request.system !== undefined) turn.setAttribute(ATTR.systemInstructions, request.system);
    turn.setAttribute(ATTR.inputMessages, JSON.stringify(request.messages));
  }

  onEvent(event: AgentEvent): void {
    if (this.untraced.has(event.runId)) {
      if (event.type === 'run-end') this.untraced.delete(event.runId);
      return;
    }
    if (event.type === 'run-start') return this.startRun(event.runId, event.sessionId, event.path, event.parentCallId);
    const run = this.runs.get(event.runId);
    if (!run) return;
    const now = epochMs();
    switch (event.type) {
      case 'turn-start':
        run.output = '';
        delete run.streamEnd;
        // The turn names its model (a sub-agent's or a handoff target's may differ from this agent's).
        run.turn = this.tracer.startSpan(
          `chat ${event.model?.modelId ?? this.agent.modelId}`,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              [ATTR.operation]: 'chat',
              [ATTR.providerName]: event.model?.provider ?? this.agent.provider,
              [ATTR.requestModel]: event.model?.modelId ?? this.agent.modelId,
              [ICODE.turn]: event.turn,
              [ICODE.sessionTurn]: event.sessionTurn,
            },
          },
          trace.setSpan(context.active(), run.span),
        );
        return;
      case 'text-delta':
        if (this.recordContent) run.output += event.text;
        return;
      case 'retry':
        run.turn?.addEvent('retry', { attempt: event.attempt, 'icode.retry.delay_ms': event.delayMs });
        return;
      case 'tool-call':
        run.streamEnd ??= now;
        run.toolNames.set(event.id, event.name);
        run.tools.set(event.id, this.startTool(run, event.id, event.name, event.input));
        return;
      case 'permission-decision': {
        const span = run.tools.get(event.id);
        span?.setAttributes({
          [ICODE.permissionDecision]: event.decision,
          [ICODE.permissionSource]: event.source,
          ...(event.rule !== undefined ? { [ICODE.permissionRule]: event.rule } : {}),
        });
        return;
      }
      case 'tool-result':
        return this.endTool(run, event.id, event.output, event.isError, event.errorCode);
      case 'turn-end':
        this.endTurn(run, event.usage, event.finishReason, now);
        return;
      case 'compaction':
        this.tracer
          .startSpan(
            'compaction',
            {
              startTime: run.boundary,
              attributes: {
                [ATTR.operation]: 'compaction',
                [ICODE.compactionStrategy]: event.strategy,
                [ICODE.tokensBefore]: event.tokensBefore,
                [ICODE.tokensAfter]: event.tokensAfter,
              },
            },
            trace.setSpan(context.active(), run.span),
          )
          .end(now);
        return;
      case 'run-end':
        return this.endRun(event.runId, run, event);
      default:
        return;
    }
  }

  private startRun(runId: string, sessionId: string, path: readonly string[] | undefined, callId?: string): void {
    const runPath = path ?? [this.agent.name];
    const name = runPath.at(-1) ?? this.agent.name;
    const parent = path && path.length > 1 ? this.parentOf(runPath, callId) : undefined;
    const attributes: Attributes = {
      [ATTR.operation]: 'invoke_agent',
      [ATTR.agentName]: name,
      [ATTR.conversationId]: sessionId,
      [ICODE.runId]: runId,
    };
    if (!parent) {
      attributes[ATTR.providerName] = this.agent.provider;
      attributes[ATTR.requestModel] = this.agent.modelId;
    }
    if (path) attributes[ICODE.path] = [...path];
    const span = this.tracer.startSpan(
      `invoke_agent ${name}`,
      { kind: SpanKind.INTERNAL, attributes },
      parent ? trace.setSpan(context.active(), parent) : context.active(),
    );
    if (!span.isRecording()) {
      this.untraced.add(runId);
      return;
    }
    this.runs.set(runId, {
      span,
      path: runPath,
      toolNames: new Map(),
      tools: new Map(),
      output: '',
      boundary: epochMs(),
    });
  }

  /**
   * The span a sub-agent run nests under: the open tool call named like the sub-agent in the run one level
   * up (the call that started it), else that run's own span.
   */
  private parentOf(path: readonly string[], callId: string | undefined): Span | undefined {
    const parentPath = path.slice(0, -1);
    const child = path.at(-1);
    let fallback: Span | undefined;
    for (const run of [...this.runs.values()].reverse()) {
      if (run.path.length !== parentPath.length || !run.path.every((part, i) => part === parentPath[i])) continue;
      const started = callId === undefined ? undefined : run.tools.get(callId);
      if (started) return started;
      for (const [id, span] of run.tools) if (run.toolNames.get(id) === child) return span;
      fallback ??= run.tools.size > 0 ? [...run.tools.values()].at(-1) : run.span;
    }
    return fallback;
  }

  private startTool(run: RunTrace, id: string, name: string, input: JsonValue): Span {
    const attributes: Attributes = {
      [ATTR.operation]: 'execute_tool',
      [ATTR.toolName]: name,
      [ATTR.toolCallId]: id,
      [ATTR.toolType]: 'function',
    };
    if (this.recordContent) attributes[ATTR.toolArguments] = JSON.stringify(input);
    return this.tracer.startSpan(
      `execute_tool ${name}`,
      { kind: SpanKind.INTERNAL, attributes },
      trace.setSpan(context.active(), run.span),
    );
  }

  private endTool(run: RunTrace, id: string, output: JsonValue, isError: boolean, errorCode?: string): void {
    const span = run.tools.get(id);
    if (!span) return;
    run.tools.delete(id);
    if (this.recordContent) span.setAttribute(ATTR.toolResult, JSON.stringify(output));
    if (isError) {
      span.setAttribute(ATTR.errorType, errorCode ?? '_OTHER');
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof output === 'string' ? output : errorCode });
    }
    span.end();
  }

  private endTurn(run: RunTrace, usage: Parameters<typeof usageAttributes>[0], finishReason: string, now: number) {
    const turn = run.turn;
    if (!turn) return;
    turn.setAttributes({ ...usageAttributes(usage), [ATTR.finishReasons]: [finishReason] });
    if (this.recordContent) {
      const message = { role: 'assistant', parts: [{ type: 'text', content: run.output }] };
      turn.setAttribute(ATTR.outputMessages, JSON.stringify([message]));
    }
    // The model call ended when its stream did; the tool calls that follow have spans of their own.
    turn.end(run.streamEnd ?? now);
    delete run.turn;
    run.boundary = now;
  }

  private endRun(runId: string, run: RunTrace, event: Extract<AgentEvent, { type: 'run-end' }>): void {
    const { result, error } = event;
    // A run that pauses leaves calls waiting for a decision; an aborted one may leave a model call open.
    for (const span of run.tools.values()) {
      span.setAttribute(ICODE.toolPending, true);
      span.end();
    }
    if (run.turn) {
      run.turn.setStatus({ code: SpanStatusCode.ERROR, message: error?.message ?? result.status });
      run.turn.end();
    }
    run.span.setAttributes({ ...usageAttributes(result.usage), [ICODE.runStatus]: result.status });
    if (error) {
      run.span.setAttribute(ATTR.errorType, error.name);
      run.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    run.span.end();
    this.runs.delete(runId);
  }
}
