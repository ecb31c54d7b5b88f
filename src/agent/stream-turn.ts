/**
 * Reading one model stream into a turn: text and reasoning stream to the run's events as they come, tool
 * calls are collected (announced only once the turn is kept, see call-model.ts), and the turn's output is
 * capped at `maxTurnOutputChars`.
 */
import { AgentError } from '../errors/agent-error.js';
import { abortReason } from '../internal/abort.js';
import type { FinishReason, ModelRequest, ModelStreamPart } from '../model/language-model.js';
import type { ReasoningPart, TextPart, ToolCallPart } from '../model/message.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { RunContext } from './run-context.js';
import { PartialOutput } from './structured-output.js';
import { checkToolInput, storable, TurnBudget } from './turn-limits.js';

/** Thrown inside an attempt once output reached the consumer: retrying would duplicate events. */
export class StreamedFailure extends Error {
  constructor(readonly original: unknown) {
    super('model stream failed after output was streamed');
  }
}

/** A tool call being read from the stream: its id is final only once the turn is kept. */
export type DraftCall = { -readonly [K in keyof ToolCallPart]: ToolCallPart[K] };

/** What one stream produced, before its tool calls get their final ids. */
export interface StreamedTurn {
  readonly content: (TextPart | ReasoningPart | ToolCallPart)[];
  readonly drafts: DraftCall[];
  /** Calls whose input cannot be used, with the message the model reads. */
  readonly problems: Map<DraftCall, string> | undefined;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
}

type Part<T extends ModelStreamPart['type']> = Extract<ModelStreamPart, { type: T }>;

/**
 * Streams one model call. Text and reasoning deltas are emitted as they arrive; past the turn's cap the
 * stream is stopped and the turn ends with `length`.
 */
export async function streamOnce(ctx: RunContext, request: ModelRequest): Promise<StreamedTurn> {
  const reader = new TurnReader(ctx);
  const signal = ctx.signal;
  const iterator = ctx.config.options.provider.stream(request, { signal })[Symbol.asyncIterator]();
  let parts = 0;
  try {
    while (!reader.cut) {
      // A model that ignores its signal is cut off here at its next part, and the run itself stops
      // waiting for it after a short grace period (see agent-run.ts): no per-part promise race needed.
      const next = await iterator.next();
      if (signal.aborted) throw abortReason(signal);
      if (next.done) break;
      // Every part counts, so an endless stream of empty deltas or usage parts is cut too.
      if (++parts > reader.budget.maxChars) {
        reader.cut = true;
        break;
      }
      const wait = reader.read(next.value);
      if (wait) await wait;
    }
  } catch (error) {
    void iterator.return?.()?.catch(() => undefined);
    throw reader.streamed ? new StreamedFailure(error) : error;
  }
  // Stop a model that is still streaming past the cap (its HTTP request is cancelled).
  if (reader.cut) void iterator.return?.()?.catch(() => undefined);
  return reader.turn();
}

/** The state of one stream being read. */
class TurnReader {
  readonly content: (TextPart | ReasoningPart | ToolCallPart)[] = [];
  readonly drafts: DraftCall[] = [];
  problems: Map<DraftCall, string> | undefined;
  readonly usage = emptyUsage();
  readonly budget: TurnBudget;
  finishReason: FinishReason | undefined;
  text = '';
  reasoning = '';
  /** Whether output reached the consumer (a failure after it cannot be retried). */
  streamed = false;
  /** Whether the turn passed its cap: the stream is stopped and the turn ends with `length`. */
  cut = false;
  /** The structured answer streamed so far, in a run with an `output` schema. */
  readonly partial: PartialOutput | undefined;

  constructor(private readonly ctx: RunContext) {
    this.budget = new TurnBudget(ctx.config.maxTurnOutputChars);
    const output = ctx.settings.output;
    this.partial = output ? new PartialOutput(output.spec.wrapped) : undefined;
  }

  /** Takes one part; returns a promise only when a slow consumer holds the run back. */
  read(part: ModelStreamPart): Promise<void> | undefined {
    switch (part.type) {
      case 'text-delta':
        return this.textDelta(part);
      case 'reasoning-delta':
        return this.reasoningDelta(part);
      case 'reasoning':
        this.reasoningBlock(part);
        return undefined;
      case 'tool-call':
        this.toolCall(part);
        return undefined;
      case 'tool-call-delta':
        this.cut = !this.budget.argumentDelta(part.inputDelta.length);
        return undefined;
      case 'usage':
        addUsage(this.usage, part.usage);
        return undefined;
      case 'finish':
        this.finishReason = part.reason;
        return undefined;
      case 'error':
        throw part.error instanceof Error ? part.error : new AgentError('RUN_FAILED', { message: String(part.error) });
      case 'tool-call-start':
        return undefined;
    }
  }

  textDelta(part: Part<'text-delta'>): Promise<void> | undefined {
    if (this.reasoning) this.flushReasoning();
    let piece = part.text;
    // Past the turn's cap, keep what fits and stop reading: the turn ends with `length`.
    if (!this.budget.text(piece.length))
      [piece, this.cut] = [piece.slice(0, piece.length - this.budget.overflow), true];
    if (piece === '') return undefined;
    this.text += piece;
    this.streamed = true;
    const wait = this.ctx.emit({ type: 'text-delta', text: piece, runId: this.ctx.runId });
    return this.partial ? this.outputDelta(piece, wait) : wait;
  }

  /** Emits the partial structured answer after a text delta, when it changed. */
  outputDelta(piece: string, wait: Promise<void> | undefined): Promise<void> | undefined {
    const changed = this.partial!.push(piece);
    if (!changed) return wait;
    const emit = (): Promise<void> | undefined =>
      this.ctx.emit({ type: 'output-delta', output: changed.value, runId: this.ctx.runId });
    return wait ? wait.then(emit) : emit();
  }

  reasoningDelta(part: Part<'reasoning-delta'>): Promise<void> | undefined {
    if (this.text) this.flushText();
    let piece = part.text;
    if (!this.budget.reasoningDelta(piece.length)) {
      [piece, this.cut] = [piece.slice(0, piece.length - this.budget.overflow), true];
    }
    if (piece === '') return undefined;
    this.reasoning += piece;
    this.streamed = true;
    return this.ctx.emit({ type: 'reasoning-delta', text: piece, runId: this.ctx.runId });
  }

  reasoningBlock(part: Part<'reasoning'>): void {
    this.flushText();
    this.reasoning = '';
    // A block past the cap is left out whole: cut, its signature would no longer match it.
    if (!this.budget.reasoningPart(part.text.length)) {
      this.cut = true;
      return;
    }
    const block: ReasoningPart = { type: 'reasoning', text: part.text };
    this.content.push(
      Object.assign(
        block,
        part.signature === undefined ? {} : { signature: part.signature },
        part.providerMetadata === undefined || !storable(part.providerMetadata, this.budget.maxChars)
          ? {}
          : { providerMetadata: part.providerMetadata },
      ),
    );
  }

  toolCall(part: Part<'tool-call'>): void {
    this.flushText();
    this.flushReasoning();
    const budget = this.budget;
    const check = checkToolInput(part.name, part.input, this.ctx.config.maxToolInputDepth, budget.inputRoom);
    this.cut = !budget.input(check.chars + (typeof part.name === 'string' ? part.name.length : 0));
    // An input that cannot be used is stored as {} (the store must take the message), and the call gets
    // an error result saying why.
    const draft: DraftCall = {
      type: 'tool-call',
      id: part.id,
      name: part.name,
      input: check.problem ? {} : part.input,
    };
    if (part.providerMetadata !== undefined && storable(part.providerMetadata, budget.maxChars)) {
      draft.providerMetadata = part.providerMetadata;
    }
    if (check.problem !== undefined) (this.problems ??= new Map()).set(draft, check.problem);
    this.content.push(draft);
    this.drafts.push(draft);
  }

  flushText(): void {
    if (this.text) this.content.push({ type: 'text', text: this.text });
    this.text = '';
  }

  flushReasoning(): void {
    if (this.reasoning) this.content.push({ type: 'reasoning', text: this.reasoning });
    this.reasoning = '';
  }

  turn(): StreamedTurn {
    this.flushReasoning();
    this.flushText();
    const { content, drafts, problems, usage } = this;
    const finishReason = this.cut ? 'length' : (this.finishReason ?? (drafts.length > 0 ? 'tool-calls' : 'stop'));
    return { content, drafts, problems, usage, finishReason };
  }
}
