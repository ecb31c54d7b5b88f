/**
 * The floor: a hand-written agent loop with no library, doing the same work as icode's loop in the
 * benchmarks (stream the model, re-yield events to the consumer, parse and validate tool arguments, run
 * the turn's tools with Promise.all, keep the messages array). icode is measured against it in the same run.
 */
import { type z } from 'zod';

export type FloorPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; id: string; name: string; args: string }
  | { type: 'finish' };

export type FloorModel = (messages: unknown[]) => AsyncGenerator<FloorPart>;
export type FloorTool = { schema: z.ZodType; run: (input: any) => Promise<unknown> | unknown };

export async function* floorLoop(
  model: FloorModel,
  tools: Record<string, FloorTool>,
  input: string,
  maxTurns: number,
): AsyncGenerator<unknown, unknown[]> {
  const messages: unknown[] = [{ role: 'user', content: input }];
  for (let turn = 0; turn < maxTurns; turn++) {
    yield { type: 'turn-start', turn };
    const calls: { id: string; name: string; args: string }[] = [];
    let text = '';
    for await (const part of model(messages)) {
      if (part.type === 'text-delta') {
        text += part.text;
        yield part;
      } else if (part.type === 'tool-call') calls.push(part);
    }
    messages.push({ role: 'assistant', text, calls });
    if (calls.length === 0) return messages;
    const results = await Promise.all(
      calls.map(async (call) => {
        const tool = tools[call.name]!;
        const input = tool.schema.parse(JSON.parse(call.args));
        return { id: call.id, output: await tool.run(input) };
      }),
    );
    for (const result of results) yield { type: 'tool-result', ...result };
    messages.push({ role: 'tool', results });
  }
  return messages;
}
