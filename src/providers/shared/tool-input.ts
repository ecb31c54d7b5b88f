import type { JsonValue } from '../../model/message.js';

/**
 * The parsed input of a tool call: its JSON, `{}` for empty arguments (a call with no parameters), or the
 * raw string when it is not valid JSON, which the agent answers with an error result. Never repaired:
 * a guessed input could run a tool the model did not ask for.
 */
export function parseToolInput(raw: string): JsonValue {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    return raw;
  }
}

/**
 * The input of a tool call a provider sends as an object (Gemini, Ollama), or as a JSON string from some
 * servers: `{}` when missing, the string parsed, or the raw string when it is not JSON, so the loop answers
 * it with an error result instead of running a guess.
 */
export function objectToolInput(args: JsonValue | undefined): JsonValue {
  if (args === undefined) return {};
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args) as JsonValue;
  } catch {
    return args;
  }
}
