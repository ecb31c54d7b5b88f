/**
 * The core workloads through icode, as users run it (their floor forms are in `floor.ts`).
 *
 * icode runs with `createAgent`'s defaults: the default policy (`workspace-write`, with its repeated-call guard
 * and audit events) and the default memory store, and every event is consumed through the run's iterator, as
 * a consumer that streams to a client does.
 */
import { z } from 'zod';
// The built package, as users run it (`npm run bench` builds first): source run through tsx carries
// transform helpers on every closure that the build does not have.
import { createAgent, tool, type Agent, type LanguageModel, type ModelStreamPart } from '../dist/index.js';
import type { Forms } from './floor.js';

const echo = tool({
  name: 'echo',
  description: 'echo',
  input: z.object({ text: z.string() }),
  readOnly: true,
  execute: ({ text }) => text,
});
const sleeper = tool({
  name: 'sleep',
  description: 'sleep',
  input: z.object({ ms: z.number(), n: z.number() }),
  readOnly: true,
  execute: ({ ms }) => new Promise<string>((resolve) => setTimeout(() => resolve('slept'), ms)),
});

function model(stream: () => AsyncGenerator<ModelStreamPart>): LanguageModel {
  return { specificationVersion: 'v1', provider: 'bench', modelId: 'bench', stream };
}

/** Runs `input` and consumes every event through the iterator; the result. */
async function consume(agent: Agent, input: string) {
  const run = agent.run(input);
  for await (const _event of run) void _event;
  return run.result;
}

/** Options of {@link w1Icode}. */
export interface W1Options {
  /** Keep the run's session in the store, as a user of the default store does (W5). Default: delete it. */
  readonly keepSession?: boolean;
}

/**
 * W1: N steps of one tool call each, then a final text step. The agent is built once per N, as a service
 * builds it once and runs it many times (the floor likewise defines its tools once); each run is a new
 * session, deleted afterwards unless `keepSession` (or the memory store would keep every repetition's
 * history).
 */
const w1Agents = new Map<number, { agent: Agent; reset: () => void }>();
export async function w1Icode(n: number, options: W1Options = {}): Promise<unknown> {
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
      maxTurns: n + 1,
    });
    entry = { agent, reset: () => (call = 0) };
    w1Agents.set(n, entry);
  }
  entry.reset();
  const result = await consume(entry.agent, 'go');
  if (!options.keepSession) await entry.agent.store.delete(result.sessionId);
  return result;
}

/** W2: one turn streaming `count` five-character deltas. */
export async function w2Icode(count: number): Promise<void> {
  const agent = createAgent({
    provider: model(async function* () {
      for (let i = 0; i < count; i++) yield { type: 'text-delta', text: 'abcde' };
      yield { type: 'finish', reason: 'stop' };
    }),
  });
  await consume(agent, 'go');
}

/**
 * W3: one step with `count` tool calls that each wait `ms`, then a final step. Each call has its own input
 * (`n`), as a fan-out over different items: identical calls in a row meet the repeated-call guard.
 */
export async function w3Icode(count: number, ms: number): Promise<void> {
  let call = 0;
  const agent = createAgent({
    provider: model(async function* () {
      call++;
      if (call === 1)
        for (let i = 0; i < count; i++) yield { type: 'tool-call', id: `c${i}`, name: 'sleep', input: { ms, n: i } };
      else yield { type: 'text-delta', text: 'done' };
      yield { type: 'finish', reason: call === 1 ? 'tool-calls' : 'stop' };
    }),
    tools: [sleeper],
    maxParallelTools: count,
  });
  await consume(agent, 'go');
}

/** The icode form of each workload. */
export const icodeForms: Forms = { w1: w1Icode, w2: w2Icode, w3: w3Icode };
