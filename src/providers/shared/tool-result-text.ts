import type { ToolResultPart } from '../../model/message.js';

/**
 * A tool result as text, for wires that carry no error flag on results (OpenAI Chat and Responses, Ollama):
 * an error says so in its text, so the model can tell a failure from an answer.
 *
 * @example
 * ```ts
 * toolResultText({ output: 'file not found', isError: true }); // 'Error: file not found'
 * ```
 */
export function toolResultText(result: Pick<ToolResultPart, 'output' | 'isError'>): string {
  const text = typeof result.output === 'string' ? result.output : JSON.stringify(result.output);
  return result.isError && !/^error\b/i.test(text) ? `Error: ${text}` : text;
}
