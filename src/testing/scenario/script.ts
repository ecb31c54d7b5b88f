/**
 * A scenario's steps as a mock script, with `{{result}}` slots filled from the request the model
 * received: the same script drives the in-process mock model and every mock wire server.
 *
 * @packageDocumentation
 */
import type { ModelRequest } from '../../model/language-model.js';
import type { JsonValue, ToolResultPart } from '../../model/message.js';
import type { MockStep, MockStepInput } from '../mock-step.js';
import type { ScenarioStep } from './schema.js';

const RESULT_SLOT = /\{\{result(?::([^}]+))?\}\}/g;

/**
 * The tool results the model was just sent (every result after the last assistant message), named by the
 * tool call they answer where the wire sends only the call id (Anthropic, OpenAI).
 */
function latestResults(request: ModelRequest): { name: string; output: JsonValue }[] {
  const names = new Map<string, string>();
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) if (part.type === 'tool-call') names.set(part.id, part.name);
  }
  const results: ToolResultPart[] = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i]!;
    if (message.role === 'assistant') break;
    if (message.role !== 'tool') continue;
    results.unshift(...message.content.filter((part): part is ToolResultPart => part.type === 'tool-result'));
  }
  // Gemini and Ollama results carry the name and no id (their wires have none): keep the name then.
  return results.map((result) => ({
    name: result.name !== '' ? result.name : (names.get(result.id) ?? ''),
    output: result.output,
  }));
}

function outputText(output: JsonValue): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/** Fills the result slots of `text`; one that names no result becomes a marker the expectations will miss. */
export function fillResultSlots(text: string, request: ModelRequest): string {
  if (!text.includes('{{result')) return text;
  const results = latestResults(request);
  return text.replace(RESULT_SLOT, (_whole, selector: string | undefined) => {
    if (selector === undefined) {
      return results.length > 0 ? results.map((r) => outputText(r.output)).join(' / ') : '<no tool result>';
    }
    const index = /^\d+$/.test(selector) ? Number(selector) - 1 : results.findIndex((r) => r.name === selector);
    const found = results[index];
    return found ? outputText(found.output) : `<no tool result ${selector}>`;
  });
}

/** A scenario step as a mock step. */
export function toMockStep(step: ScenarioStep): MockStep {
  return {
    ...(step.text !== undefined ? { text: step.text } : {}),
    ...(step.reasoning !== undefined ? { reasoning: step.reasoning } : {}),
    ...(step.toolCalls
      ? {
          toolCalls: step.toolCalls.map((call) => ({
            name: call.name,
            input: call.input as JsonValue,
            ...(call.id !== undefined ? { id: call.id } : {}),
          })),
        }
      : {}),
    ...(step.usage ? { usage: step.usage } : {}),
    ...(step.finishReason ? { finishReason: step.finishReason } : {}),
  };
}

/**
 * The steps as a mock script: plain steps stay data; a step whose text has result slots becomes a function
 * of the request, so it answers from what the adapter actually sent (decoded by the wire server).
 */
export function scenarioScript(steps: readonly ScenarioStep[]): MockStepInput[] {
  return steps.map((step): MockStepInput => {
    const mock = toMockStep(step);
    const text = mock.text;
    if (text === undefined || !text.includes('{{result')) return mock;
    return (request: ModelRequest) => ({ ...mock, text: fillResultSlots(text, request) });
  });
}
