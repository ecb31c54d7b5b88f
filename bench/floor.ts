/**
 * The floor: a hand-written agent loop with no library, doing the same work as icode's loop in the
 * benchmarks (stream the model, re-yield events to the consumer, parse and validate tool arguments, run
 * the turn's tools with Promise.all, keep the messages array), and the core workloads through it. icode is
 * measured against it in the same run.
 */
import { z } from 'zod';

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

/** A workload's two forms share this shape: W1 (steps), W2 (deltas), W3 (parallel calls of `ms`). */
export interface Forms {
  w1(n: number): Promise<unknown>;
  w2(count: number): Promise<void>;
  w3(count: number, ms: number): Promise<void>;
}

const echoSchema = z.object({ text: z.string() });
const sleepSchema = z.object({ ms: z.number(), n: z.number() });

/** W1 by hand: N steps of one tool call each, then a final text step. */
export async function w1Floor(n: number): Promise<unknown> {
  let call = 0;
  const floorModel: FloorModel = async function* () {
    call++;
    if (call <= n)
      yield { type: 'tool-call', id: `c${call}`, name: 'echo', args: `{"text":"hi ${call}"}` } satisfies FloorPart;
    else yield { type: 'text-delta', text: 'done' };
    yield { type: 'finish' };
  };
  const loop = floorLoop(floorModel, { echo: { schema: echoSchema, run: ({ text }) => text } }, 'go', n + 1);
  for (;;) {
    const next = await loop.next();
    if (next.done) return next.value;
  }
}

/** W2 by hand: one turn streaming `count` five-character deltas. */
export async function w2Floor(count: number): Promise<void> {
  const floorModel: FloorModel = async function* () {
    for (let i = 0; i < count; i++) yield { type: 'text-delta', text: 'abcde' };
    yield { type: 'finish' };
  };
  for await (const _event of floorLoop(floorModel, {}, 'go', 1)) void _event;
}

/** W3 by hand: one step with `count` tool calls that each wait `ms`, then a final step. */
export async function w3Floor(count: number, ms: number): Promise<void> {
  let call = 0;
  const floorModel: FloorModel = async function* () {
    call++;
    if (call === 1)
      for (let i = 0; i < count; i++)
        yield { type: 'tool-call', id: `c${i}`, name: 'sleep', args: JSON.stringify({ ms, n: i }) };
    else yield { type: 'text-delta', text: 'done' };
    yield { type: 'finish' };
  };
  const run = ({ ms: wait }: { ms: number }) => new Promise((resolve) => setTimeout(() => resolve('slept'), wait));
  for await (const _event of floorLoop(floorModel, { sleep: { schema: sleepSchema, run } }, 'go', 2)) void _event;
}

/** The floor form of each workload. */
export const floorForms: Forms = { w1: w1Floor, w2: w2Floor, w3: w3Floor };
