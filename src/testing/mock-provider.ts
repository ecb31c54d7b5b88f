import { UnexpectedModelCallError } from '../errors/provider-error.js';
import { abortReason, sleep } from '../internal/abort.js';
import type {
  LanguageModel,
  ModelCallOptions,
  ModelPricing,
  ModelRequest,
  ModelStreamPart,
  RetryPolicy,
} from '../model/language-model.js';
import type { Usage } from '../model/usage.js';
import type { MockScript, MockStep } from './mock-step.js';

/** Options of {@link mockProvider}. */
export interface MockProviderOptions {
  /** @defaultValue 'mock-model' */
  readonly modelId?: string;
  /** Retry policy the agent applies to this model's failures. @defaultValue `{ maxRetries: 2, initialDelayMs: 1 }` */
  readonly retry?: RetryPolicy;
  /** Prices, to test cost reporting and `maxCostUsd`. */
  readonly pricing?: ModelPricing;
  readonly contextWindow?: number;
}

/** A scripted {@link LanguageModel} that records what it was asked. */
export interface MockProvider extends LanguageModel {
  /** Every request received, in order (messages copied at call time). */
  readonly requests: readonly ModelRequest[];
  /** Throws unless every scripted step was used. */
  assertComplete(): void;
}

/**
 * A deterministic model for tests: each call plays the next scripted step, streaming its text in several
 * deltas and its tool calls with their input in pieces, like a real provider.
 *
 * - `script` is an array of steps (each a {@link MockStep} or a function of the request returning one),
 *   or a single function of the request that answers every call.
 * - A call past the end of an array script throws {@link UnexpectedModelCallError}.
 * - A step's `error` fails the call, before any output or after `errorAfterChunks` parts.
 * - A step's `output` (a structured answer) is streamed as its JSON text.
 *
 * @example
 * ```ts
 * const model = mockProvider([
 *   { toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] },
 *   { text: 'It is sunny in Paris.' },
 * ]);
 * const agent = createAgent({ provider: model, tools: [getWeather] });
 * const result = await agent.run('Weather in Paris?').result;
 * expect(result.text).toBe('It is sunny in Paris.');
 * expect(model.requests[1]?.messages.at(-1)?.role).toBe('tool');
 * model.assertComplete();
 * ```
 */
export function mockProvider(script: MockScript, options: MockProviderOptions = {}): MockProvider {
  const requests: ModelRequest[] = [];
  const steps = typeof script === 'function' ? undefined : script;
  if (steps !== undefined && !Array.isArray(steps)) {
    throw new TypeError('mockProvider expects an array of steps or a function of the request.');
  }

  async function nextStep(request: ModelRequest, call: number): Promise<MockStep> {
    if (typeof script === 'function') return script(request, call);
    const step = steps?.[call - 1];
    if (step === undefined) throw new UnexpectedModelCallError({ call, scriptLength: steps?.length ?? 0 });
    return typeof step === 'function' ? step(request, call) : step;
  }

  return {
    specificationVersion: 'v1',
    provider: 'mock',
    modelId: options.modelId ?? 'mock-model',
    retry: options.retry ?? { maxRetries: 2, initialDelayMs: 1 },
    ...(options.pricing ? { pricing: options.pricing } : {}),
    ...(options.contextWindow ? { contextWindow: options.contextWindow } : {}),
    requests,
    async *stream(request: ModelRequest, callOptions: ModelCallOptions = {}): AsyncGenerator<ModelStreamPart> {
      requests.push({ ...request, messages: request.messages.slice() });
      const call = requests.length;
      const step = withOutputText(await nextStep(request, call));
      const signal = callOptions.signal;
      let sent = 0;
      for (const part of stepParts(step, call, request)) {
        if (step.error && step.errorAfterChunks !== undefined && sent >= step.errorAfterChunks) throw step.error;
        if (step.error && step.errorAfterChunks === undefined) throw step.error;
        if (step.delayMs) await sleep(step.delayMs, signal);
        if (signal?.aborted) throw abortReason(signal);
        yield part;
        sent++;
      }
      if (step.error) throw step.error;
    },
    assertComplete() {
      if (steps && requests.length < steps.length) {
        throw new Error(
          `mockProvider: ${steps.length - requests.length} of ${steps.length} scripted steps were never used.`,
        );
      }
    },
  };
}

/** A step whose structured `output` is given as the JSON text a provider would stream. */
function withOutputText(step: MockStep): MockStep {
  if (step.output === undefined) return step;
  if (step.text !== undefined) throw new TypeError('mockProvider: a step gives `output` or `text`, not both.');
  return { ...step, text: JSON.stringify(step.output) };
}

/** The stream parts of a step, in the order a provider would send them. */
function* stepParts(step: MockStep, call: number, request: ModelRequest): Generator<ModelStreamPart> {
  if (step.reasoning) for (const piece of splitText(step.reasoning)) yield { type: 'reasoning-delta', text: piece };
  if (step.text) {
    const pieces = step.output === undefined ? splitText(step.text) : splitEvenly(step.text);
    for (const piece of pieces) yield { type: 'text-delta', text: piece };
  }
  const calls = step.toolCalls ?? [];
  for (let index = 0; index < calls.length; index++) {
    const call_ = calls[index]!;
    const id = call_.id ?? `call_${call}_${index + 1}`;
    const json = typeof call_.input === 'string' ? call_.input : JSON.stringify(call_.input);
    yield { type: 'tool-call-start', id, name: call_.name };
    const half = Math.ceil(json.length / 2);
    yield { type: 'tool-call-delta', id, inputDelta: json.slice(0, half) };
    yield { type: 'tool-call-delta', id, inputDelta: json.slice(half) };
    yield { type: 'tool-call', id, name: call_.name, input: call_.input };
  }
  yield { type: 'usage', usage: step.usage ?? estimateUsage(step, request) };
  yield { type: 'finish', reason: step.finishReason ?? (calls.length > 0 ? 'tool-calls' : 'stop') };
}

/** Splits text at word boundaries into a few deltas (the spaces stay with the word before them). */
function splitText(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  if (words.length <= 4) return words;
  const size = Math.ceil(words.length / 4);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += size) pieces.push(words.slice(i, i + size).join(''));
  return pieces;
}

/** Splits compact JSON into four pieces of about the same length, so its partial values can be seen. */
function splitEvenly(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 4));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** About four characters a token, as the usual rule of thumb. */
function estimateUsage(step: MockStep, request: ModelRequest): Usage {
  let input = request.system?.length ?? 0;
  for (const message of request.messages)
    for (const part of message.content) input += 'text' in part ? part.text.length : 40;
  const output = (step.text?.length ?? 0) + (step.reasoning?.length ?? 0) + JSON.stringify(step.toolCalls ?? []).length;
  return { inputTokens: Math.ceil(input / 4), outputTokens: Math.ceil(output / 4) };
}
