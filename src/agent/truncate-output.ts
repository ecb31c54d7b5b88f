import type { JsonValue } from '../model/message.js';

/**
 * Cuts an output longer than `maxChars`, keeping its head and tail around a marker that says how much was
 * left out, so the model knows the output is incomplete and can ask for a narrower slice. JSON outputs
 * that are too long become a truncated JSON string.
 */
export function truncateOutput(output: JsonValue, maxChars: number): JsonValue {
  if (typeof output === 'string') return output.length > maxChars ? cut(output, maxChars) : output;
  if (output === null || typeof output !== 'object') return output;
  const text = JSON.stringify(output);
  return text.length > maxChars ? cut(text, maxChars) : output;
}

function cut(text: string, maxChars: number): string {
  const head = Math.floor(maxChars * 0.7);
  const tail = maxChars - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n\n[… ${omitted} characters truncated of ${text.length}; request a smaller part to see them …]\n\n${text.slice(text.length - tail)}`;
}
