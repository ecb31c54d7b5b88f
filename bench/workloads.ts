/**
 * The core workloads, each in two forms: through icode, and through the hand-written floor.
 */
import { z } from 'zod';
// The built package, as users run it (`npm run bench` builds first): source run through tsx carries
// transform helpers on every closure that the build does not have.
import { createAgent, tool, type LanguageModel, type ModelStreamPart, type Policy } from '../dist/index.js';
import { floorLoop, type FloorModel, type FloorPart } from './floor.js';

const allowAll: Policy = { decide: async () => ({ decision: 'allow', reason: 'bench' }) };
const echoSchema = z.object({ text: z.string() });
const echo = tool({
  name: 'echo',
  description: 'echo',
  input: echoSchema,
  readOnly: true,
  execute: ({ text }) => text,
});
const sleepSchema = z.object({ ms: z.number() });
const sleeper = tool({
  name: 'sleep',
  description: 'sleep',
  input: sleepSchema,
  readOnly: true,
  execute: ({ ms }) => new Promise<string>((resolve) => setTimeout(() => resolve('slept'), ms)),
});

function model(stream: () => AsyncGenerator<ModelStreamPart>): LanguageModel {
  return { specificationVersion: 'v1', provider: 'bench', modelId: 'bench', stream };
}

/**
 * W1: N steps of one tool call each, then a final text step. The agent is built once per N, as a service
 * builds it once and runs it many times (the floor likewise defines its tools once); each run is a new
 * session.
 */
const w1Agents = new Map<number, { agent: ReturnType<typeof createAgent>; reset: () => void }>();
export async function w1Icode(n: number): Promise<unknown> {
  let entry = w1Agents.get(n);
  if (!entry) {
    let call = 0;
    const agent = createAgent({
      provider: model(async function* () {
        call++;
        if (call <= n) yield { type: 'tool-call', id: `c${call}`, name: 'echo', input: { text: `hi ${call}` } };
        else yield { type: 'text-delta', text: 'done' };
        yield { type: 'finish', reason: call <= n ? 'tool-calls' : 'stop' };
      }),
      tools: [echo],
      policy: allowAll,
      maxTurns: n + 1,
    });
    entry = { agent, reset: () => (call = 0) };
    w1Agents.set(n, entry);
  }
  entry.reset();
  const run = entry.agent.run('go');
  for await (const _event of run) void _event;
  const result = await run.result;
  // Drop the session, or the memory store would keep every repetition's history.
  await entry.agent.store.delete(result.sessionId);
  return result;
}

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

/** W2: one turn streaming `count` five-character deltas. */
export async function w2Icode(count: number): Promise<void> {
  const agent = createAgent({
    provider: model(async function* () {
      for (let i = 0; i < count; i++) yield { type: 'text-delta', text: 'abcde' };
      yield { type: 'finish', reason: 'stop' };
    }),
    policy: allowAll,
  });
  const run = agent.run('go');
  for await (const _event of run) void _event;
  await run.result;
}

export async function w2Floor(count: number): Promise<void> {
  const floorModel: FloorModel = async function* () {
    for (let i = 0; i < count; i++) yield { type: 'text-delta', text: 'abcde' };
    yield { type: 'finish' };
  };
  for await (const _event of floorLoop(floorModel, {}, 'go', 1)) void _event;
}

/** W3: one step with `count` tool calls that each wait `ms`, then a final step. */
export async function w3Icode(count: number, ms: number): Promise<void> {
  let call = 0;
  const agent = createAgent({
    provider: model(async function* () {
      call++;
      if (call === 1)
        for (let i = 0; i < count; i++) yield { type: 'tool-call', id: `c${i}`, name: 'sleep', input: { ms } };
      else yield { type: 'text-delta', text: 'done' };
      yield { type: 'finish', reason: call === 1 ? 'tool-calls' : 'stop' };
    }),
    tools: [sleeper],
    policy: allowAll,
    maxParallelTools: count,
  });
  await agent.run('go').result;
}

export async function w3Floor(count: number, ms: number): Promise<void> {
  let call = 0;
  const floorModel: FloorModel = async function* () {
    call++;
    if (call === 1)
      for (let i = 0; i < count; i++)
        yield { type: 'tool-call', id: `c${i}`, name: 'sleep', args: JSON.stringify({ ms }) };
    else yield { type: 'text-delta', text: 'done' };
    yield { type: 'finish' };
  };
  const run = ({ ms: wait }: { ms: number }) => new Promise((resolve) => setTimeout(() => resolve('slept'), wait));
  for await (const _event of floorLoop(floorModel, { sleep: { schema: sleepSchema, run } }, 'go', 2)) void _event;
}
