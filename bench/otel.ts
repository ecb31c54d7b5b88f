/**
 * Tracing cost: W1 (N=100 tool steps) with `withTracing` and no OpenTelemetry SDK registered (the no-op
 * tracer users get until they install one) and with an SDK recording into memory, each against the
 * untraced agent and the hand-written floor, measured interleaved in one process.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { createAgent, tool, type AgentOptions, type LanguageModel } from '../dist/index.js';
import { withTracing } from '../dist/otel/index.js';
import { w1Floor } from './floor.js';
import { cpuClock, median, table } from './stats.js';

const N = 100;
const ROUNDS = 30;

const echo = tool({
  name: 'echo',
  description: 'echo',
  input: z.object({ text: z.string() }),
  readOnly: true,
  execute: ({ text }) => text,
});

/** W1's agent options: N tool steps then a text step, per run. */
function w1Options(): { options: AgentOptions; reset: () => void } {
  let call = 0;
  const provider: LanguageModel = {
    specificationVersion: 'v1',
    provider: 'bench',
    modelId: 'bench',
    async *stream() {
      call++;
      if (call <= N) yield { type: 'tool-call', id: `c${call}`, name: 'echo', input: { text: `hi ${call}` } };
      else yield { type: 'text-delta', text: 'done' };
      yield { type: 'finish', reason: call <= N ? 'tool-calls' : 'stop' };
    },
  };
  return { options: { provider, tools: [echo], maxTurns: N + 1 }, reset: () => (call = 0) };
}

function w1(wrap: (options: AgentOptions) => AgentOptions): () => Promise<unknown> {
  const { options, reset } = w1Options();
  const agent = createAgent(wrap(options));
  return async () => {
    reset();
    const run = agent.run('go');
    for await (const event of run) void event;
    const result = await run.result;
    await agent.store.delete(result.sessionId);
  };
}

export async function bench(): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const sdk = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const forms: [string, () => Promise<unknown>][] = [
    ['floor', () => w1Floor(N)],
    ['untraced', w1((options) => options)],
    ['traced, no SDK', w1((options) => withTracing(options))],
    ['traced, in-memory SDK', w1((options) => withTracing(options, { tracer: sdk.getTracer('bench') }))],
  ];
  const samples = new Map<string, number[]>(forms.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS + 3; round++) {
    for (const [name, fn] of forms) {
      const started = cpuClock();
      await fn();
      if (round >= 3) samples.get(name)!.push(cpuClock() - started);
      exporter.reset();
    }
  }
  const ms = (name: string) => median(samples.get(name)!);
  const floor = ms('floor');
  const untraced = ms('untraced');
  const rows = forms.map(([name]) => [
    `W1 N=${N}, ${name}`,
    (ms(name) * 1000) / (N + 1),
    ms(name) / floor,
    ms(name) / untraced,
  ]);
  console.log('\n## Tracing (icode/otel): W1 CPU µs per step\n');
  console.log(table(['workload', 'µs/step', 'ratio to floor', 'ratio to untraced'], rows));
  console.log('\nTarget: with no SDK registered, the ratio to the floor stays that of the untraced agent.');
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
