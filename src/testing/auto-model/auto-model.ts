/**
 * `autoModel()`: a model that needs no script. It calls every tool it is offered with inputs drawn from
 * the tool's schema, then answers with a summary of what each call returned: a one-line smoke test of a
 * whole toolset.
 *
 * @packageDocumentation
 */
import type { ModelRequest, ModelTool } from '../../model/language-model.js';
import type { Message } from '../../model/message.js';
import { mockProvider, type MockProvider } from '../mock-provider.js';
import type { MockStep, MockToolCall } from '../mock-step.js';
import { seeded } from './random.js';
import { sampleInput, type SampleVariant } from './schema-sample.js';

/** Options of {@link autoModel}. */
export interface AutoModelOptions {
  /** Seeds every generated input: the same seed gives the same calls. @defaultValue 0 */
  readonly seed?: number;
  /** After the valid round, a second round of boundary inputs. @defaultValue true */
  readonly edgeCases?: boolean;
  /** Only these tools (by name); the others are never called. @defaultValue every tool offered */
  readonly tools?: readonly string[];
  /** @defaultValue 'auto-model' */
  readonly modelId?: string;
}

const ID_PREFIX = 'auto_';

/** The messages of the current run: those after the last user message. */
function currentRun(messages: readonly Message[]): readonly Message[] {
  const last = messages.findLastIndex((m) => m.role === 'user');
  return messages.slice(last + 1);
}

/** The rounds already played in this run, read from the ids of its tool calls (so resuming works). */
function roundsPlayed(messages: readonly Message[]): Set<SampleVariant> {
  const played = new Set<SampleVariant>();
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type !== 'tool-call' || !part.id.startsWith(ID_PREFIX)) continue;
      played.add(part.id.startsWith(`${ID_PREFIX}edge`) ? 'edge' : 'valid');
    }
  }
  return played;
}

/** One line per tool: its calls and how they ended, from the tool results of this run. */
function summary(messages: readonly Message[], tools: readonly ModelTool[]): string {
  if (tools.length === 0) return 'autoModel: no tools to call.';
  const lines = tools.map((tool) => {
    const results = messages.flatMap((m) =>
      m.content.filter((p) => p.type === 'tool-result' && p.name === tool.name && p.id.startsWith(ID_PREFIX)),
    );
    const errors = results.filter((p) => p.type === 'tool-result' && p.isError);
    const first = errors[0]?.type === 'tool-result' ? JSON.stringify(errors[0].output).slice(0, 120) : '';
    const failed = errors.length > 0 ? `, ${errors.length} failed (first: ${first})` : '';
    return `- ${tool.name}: ${results.length} call(s)${failed}`;
  });
  return `autoModel called ${tools.length} tool(s):\n${lines.join('\n')}`;
}

function callsFor(tools: readonly ModelTool[], variant: SampleVariant, seed: number, turn: number): MockToolCall[] {
  return tools.map((tool, index) => ({
    id: `${ID_PREFIX}${variant}_${turn}_${index}`,
    name: tool.name,
    // One stream per tool and round: adding a tool does not change the inputs of the others.
    input: sampleInput(tool.inputSchema, seeded(seed * 7919 + index * 104729 + (variant === 'edge' ? 1 : 0)), variant),
  }));
}

/**
 * A model that calls every tool of the agent once with a valid input generated from its schema, then
 * (with `edgeCases`, the default) once more with boundary inputs (only required fields, minimum lengths
 * and values, the last enum value, the other side of a union, `null` where allowed), then answers with a
 * summary of the calls and their failures. Deterministic for a `seed`; each run of a session starts over.
 *
 * Every generated input is valid for the schema, so a tool result marked `isError` is a finding: the
 * tool failed on input it declared it accepts.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider: autoModel({ seed: 1 }), tools: [searchTool, createTicketTool] });
 * const result = await agent.run('Exercise every tool').result;
 * expect(result.messages.flatMap((m) => m.content).filter((p) => p.type === 'tool-result' && p.isError)).toEqual([]);
 * ```
 */
export function autoModel(options: AutoModelOptions = {}): MockProvider {
  const seed = options.seed ?? 0;
  const only = options.tools ? new Set(options.tools) : undefined;
  return mockProvider(
    (request: ModelRequest): MockStep => {
      const tools = request.tools.filter((tool) => only === undefined || only.has(tool.name));
      const run = currentRun(request.messages);
      const played = roundsPlayed(run);
      const turn = request.messages.length;
      if (tools.length > 0 && !played.has('valid')) return { toolCalls: callsFor(tools, 'valid', seed, turn) };
      if (tools.length > 0 && (options.edgeCases ?? true) && !played.has('edge')) {
        return { toolCalls: callsFor(tools, 'edge', seed, turn) };
      }
      return { text: summary(run, tools) };
    },
    { modelId: options.modelId ?? 'auto-model' },
  );
}
