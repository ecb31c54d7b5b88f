/**
 * Structured output through a forced final tool, for a model (or a request) the provider's native
 * structured output cannot serve: the output schema becomes one more tool, the model is made to call a
 * tool, and that tool's input comes back to the caller as ordinary text deltas, so the caller sees the
 * same JSON text as with native structured output.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { ModelRequest, ModelStreamPart, OutputFormat, ToolChoice } from '../../model/language-model.js';

const DEFAULT_DESCRIPTION =
  'Gives the final answer. Call it once, when you are done, with the answer as its input; do not answer in text.';

/**
 * The tool choice that makes the model answer through the output tool: the output tool itself when the
 * model may not (or cannot) call another tool, any tool when it may (the output tool is how it answers, the
 * others how it works towards the answer), and a caller's `{ name }` as it is.
 */
function choiceWith(request: ModelRequest, output: OutputFormat): ToolChoice {
  const choice = request.toolChoice;
  if (typeof choice === 'object') return choice;
  if (choice === 'none' || request.tools.length === 0) return { name: output.name };
  return 'required';
}

/**
 * The request with the output format as a forced final tool, and without `output`.
 *
 * @throws ConfigError when a tool of the request already has the output's name.
 *
 * @example
 * ```ts
 * const forced = withOutputTool('anthropic', request); // request.output → one more tool, tool choice forced
 * ```
 */
export function withOutputTool(provider: string, request: ModelRequest): ModelRequest {
  const output = request.output;
  if (output === undefined) return request;
  if (request.tools.some((tool) => tool.name === output.name)) {
    throw new ConfigError(
      `${provider}: the output format "${output.name}" is sent as a tool, and a tool of that name already exists; give the output another name.`,
    );
  }
  const { output: _output, ...rest } = request;
  // A caller's 'none' keeps other tools out: only the output tool is offered.
  const tools = request.toolChoice === 'none' ? [] : request.tools;
  return {
    ...rest,
    tools: [
      ...tools,
      {
        name: output.name,
        // How to use the tool first: a caller's description says what the answer is, not that it ends the turn.
        description:
          output.description === undefined ? DEFAULT_DESCRIPTION : `${DEFAULT_DESCRIPTION} ${output.description}`,
        inputSchema: output.schema,
      },
    ],
    toolChoice: choiceWith(request, output),
  };
}

/**
 * The parts of a stream with calls of the output tool turned into text: its input deltas become text
 * deltas (or, for a provider that sends a call whole, its input as JSON text), and a turn whose only tool
 * call was the output tool finishes with `stop`, as a native structured answer does.
 *
 * @example
 * ```ts
 * yield* outputToolAsText(model.stream(withOutputTool('gemini', request)), request.output.name);
 * ```
 */
export async function* outputToolAsText(
  parts: AsyncIterable<ModelStreamPart>,
  toolName: string,
): AsyncGenerator<ModelStreamPart> {
  const outputIds = new Set<string>();
  const streamed = new Set<string>();
  let otherCalls = false;
  for await (const part of parts) {
    if (part.type === 'tool-call-start' && part.name === toolName) {
      outputIds.add(part.id);
    } else if (part.type === 'tool-call-delta' && outputIds.has(part.id)) {
      streamed.add(part.id);
      yield { type: 'text-delta', text: part.inputDelta };
    } else if (part.type === 'tool-call' && part.name === toolName) {
      // Its deltas already carried the JSON; a call sent whole carries it now.
      if (!streamed.has(part.id)) {
        yield { type: 'text-delta', text: typeof part.input === 'string' ? part.input : JSON.stringify(part.input) };
      }
    } else if (part.type === 'finish' && part.reason === 'tool-calls' && !otherCalls) {
      yield { type: 'finish', reason: 'stop' };
    } else {
      if (part.type === 'tool-call') otherCalls = true;
      yield part;
    }
  }
}
