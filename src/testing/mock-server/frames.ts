/**
 * Helpers every wire format uses to build its frames from a {@link MockStep}: splitting text and tool
 * arguments into many small deltas (so adapters are tested on real reassembly), tool-call ids, usage.
 *
 * @packageDocumentation
 */
import type { Usage } from '../../model/usage.js';
import type { MockStep, MockToolCall } from '../mock-step.js';
import type { WireContext } from './types.js';

/** One Server-Sent Event frame; `event` is omitted for OpenAI Chat, which sends bare `data:` lines. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`;
}

/** One NDJSON line. */
export function ndjsonFrame(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

/**
 * Splits text into deltas of about `size` characters, cutting after spaces where it can, so a client sees
 * several deltas as from a real model. Empty text gives no delta.
 */
export function splitText(text: string, size = 8): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    const cut = space > 0 ? space + 1 : size;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** The id of a scripted tool call: its own, or `call_<call>_<index>`. */
export function toolCallId(call: MockToolCall, index: number, context: WireContext): string {
  return call.id ?? `call_${context.call}_${index}`;
}

/**
 * The arguments of a scripted tool call as the model would send them: the input as JSON, a raw string
 * input as is, or (fault `malformed-tool-json`) JSON cut short so it cannot parse.
 */
export function toolArguments(call: MockToolCall, context: WireContext): string {
  const json = typeof call.input === 'string' ? call.input : JSON.stringify(call.input);
  return context.malformedToolJson ? `${json.slice(0, Math.max(1, json.length - 1))}"` : json;
}

/** Splits tool arguments into many small pieces (every 6 characters), as providers stream them. */
export function splitArguments(json: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < json.length; i += 6) out.push(json.slice(i, i + 6));
  return out;
}

/** The step's usage, or an estimate (about four characters a token) from the request and the answer. */
export function stepUsage(step: MockStep, context: WireContext): Usage {
  if (step.usage) return step.usage;
  const answer =
    (step.text ?? '') + (step.reasoning ?? '') + (step.toolCalls ?? []).map((c) => JSON.stringify(c.input)).join('');
  return {
    inputTokens: Math.max(1, Math.ceil(JSON.stringify(context.body ?? '').length / 4)),
    outputTokens: Math.max(1, Math.ceil(answer.length / 4)),
  };
}

/** The finish reason of a step: its own, else `tool-calls` when it calls tools, else `stop`. */
export function stepFinishReason(step: MockStep): NonNullable<MockStep['finishReason']> {
  return step.finishReason ?? ((step.toolCalls?.length ?? 0) > 0 ? 'tool-calls' : 'stop');
}
