/**
 * `formatTranscript()`: a run as plain text, the same on every machine (no ids, no times), for a
 * snapshot, a diff, or the message of a failed assertion.
 *
 * @packageDocumentation
 */
import type { AgentEvent } from '../../events/agent-event.js';
import type { RunResult } from '../../events/run-result.js';
import type { JsonValue, Message } from '../../model/message.js';
import type { Usage } from '../../model/usage.js';
import { viewOf, type RunLike } from './run-view.js';

/** Options of {@link formatTranscript}. */
export interface TranscriptOptions {
  /** Longest tool input or output shown before it is cut. @defaultValue 200 */
  readonly maxValueLength?: number;
}

function value(json: JsonValue, max: number): string {
  const text = typeof json === 'string' ? JSON.stringify(json) : JSON.stringify(json ?? null);
  return text.length <= max ? text : `${text.slice(0, max)}… (+${text.length - max} chars)`;
}

function usageLine(usage: Usage): string {
  const cached = usage.cacheReadTokens ? `, ${usage.cacheReadTokens} cached` : '';
  return `${usage.inputTokens} in${cached} / ${usage.outputTokens} out`;
}

function resultLine(result: RunResult): string {
  const cost = result.cost !== undefined ? ` · $${result.cost.toFixed(6)}` : '';
  return `= ${result.status} after ${result.turns} turn(s) · ${usageLine(result.usage)} tokens${cost}`;
}

function fromEvents(events: readonly AgentEvent[], max: number): string[] {
  const lines: string[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') lines.push(`assistant: ${text}`);
    text = '';
  };
  for (const event of events) {
    if (event.type === 'text-delta') {
      text += event.text;
      continue;
    }
    flush();
    switch (event.type) {
      case 'turn-start':
        lines.push(`── turn ${event.turn}`);
        break;
      case 'tool-call':
        lines.push(`→ ${event.name} ${value(event.input, max)}`);
        break;
      case 'permission-request':
        lines.push(`? ${event.name} asks permission: ${event.reason}`);
        break;
      case 'permission-decision':
        lines.push(`  ${event.decision} (${event.source}${event.rule ? `: ${event.rule}` : ''})`);
        break;
      case 'tool-result':
        lines.push(
          `${event.isError ? '✗' : '✓'} ${event.name} ${event.errorCode ?? ''}${event.errorCode ? ' ' : ''}${value(event.output, max)}`,
        );
        break;
      case 'turn-end':
        lines.push(`  (${event.finishReason} · ${usageLine(event.usage)})`);
        break;
      case 'retry':
        lines.push(`! retry ${event.attempt}: ${event.error}`);
        break;
      case 'compaction':
        lines.push(`! compaction (${event.strategy}): ${event.tokensBefore} → ${event.tokensAfter} tokens`);
        break;
      case 'run-end':
        lines.push(resultLine(event.result));
        if (event.error) lines.push(`! ${event.error.name}: ${event.error.message}`);
        break;
      default:
        break;
    }
  }
  flush();
  return lines;
}

function fromMessages(messages: readonly Message[], max: number): string[] {
  const lines: string[] = [];
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type === 'text') lines.push(`${message.role}: ${part.text}`);
      else if (part.type === 'image') lines.push(`${message.role}: [image]`);
      else if (part.type === 'tool-call') lines.push(`→ ${part.name} ${value(part.input, max)}`);
      else if (part.type === 'tool-result')
        lines.push(`${part.isError ? '✗' : '✓'} ${part.name} ${value(part.output, max)}`);
    }
  }
  return lines;
}

/**
 * A readable, diff-friendly transcript of a run: turns, the assistant's text, tool calls with their
 * inputs, permission questions and decisions, tool results, retries, usage and cost. From events it shows
 * everything; from a result alone, the conversation (the result keeps no permission history).
 *
 * @throws TypeError when `run` is neither a result nor a list of events.
 *
 * @example
 * ```ts
 * const run = agent.run('Fix the test');
 * const events = [];
 * for await (const event of run) events.push(event);
 * expect(formatTranscript(events)).toMatchSnapshot();
 * ```
 */
export function formatTranscript(run: RunLike, options: TranscriptOptions = {}): string {
  const view = viewOf(run);
  if (view === undefined) throw new TypeError('formatTranscript: expected a RunResult or an array of AgentEvents.');
  const max = options.maxValueLength ?? 200;
  if (view.events) return fromEvents(view.events, max).join('\n');
  const result = view.result!;
  return [...fromMessages(result.messages, max), resultLine(result)].join('\n');
}
