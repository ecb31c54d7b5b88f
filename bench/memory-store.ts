/**
 * Memory of the default store under one-shot runs: 100,000 runs through `createAgent` + `mockProvider`,
 * each on a new session with the default `memoryStore()` (every event consumed through the iterator),
 * and the heap after a full GC at checkpoints. The bounded store must hold it flat: the heap at 100,000
 * runs within a small margin of the heap at 10,000. An unbounded store (`maxSessions` and `idleTtlMs`
 * `Infinity`, the old behaviour) runs the first 20,000 for comparison.
 *
 * Run alone with `npx tsx bench/memory-store.ts` (it turns on `gc()` itself).
 */
import { pathToFileURL } from 'node:url';
import { createAgent, memoryStore, type Agent, type ModelRequest, type SessionStore } from '../src/index.js';
import { mockProvider } from '../src/testing/index.js';
import { collector, settledHeap } from './stats.js';

const RUNS = 100_000;
const CHECKPOINTS = [1_000, 10_000, 25_000, 50_000, 100_000];
const UNBOUNDED_RUNS = 20_000;

/** An agent as a stateless endpoint has it: one agent, a new session per request. */
function oneShotAgent(store?: SessionStore): { agent: Agent; forget(): void } {
  const model = mockProvider(() => ({
    text: 'The build is green: 214 tests passed, none skipped. The flaky retry test is fixed by the new timeout.',
    usage: { inputTokens: 420, outputTokens: 28 },
  }));
  const agent = createAgent({ provider: model, ...(store ? { store } : {}) });
  // The mock records every request for tests; a bench must not keep them, or it measures the recorder.
  return { agent, forget: () => void ((model.requests as ModelRequest[]).length = 0) };
}

async function oneShot(agent: Agent, i: number): Promise<void> {
  const run = agent.run(`Summarise build ${i}`);
  for await (const event of run) void event;
  const result = await run.result;
  if (result.status !== 'completed') throw new Error(`run ${i} ended ${result.status}`);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);

export async function bench(): Promise<void> {
  const gc = collector();
  const lines = ['## Memory store: heap after GC under one-shot runs', ''];

  const floor = settledHeap(gc);
  const { agent, forget } = oneShotAgent();
  const rows: [number, number, number, number][] = [];
  const started = performance.now();
  let mark = started;
  for (let i = 1; i <= RUNS; i++) {
    await oneShot(agent, i);
    forget();
    if (CHECKPOINTS.includes(i)) {
      const now = performance.now();
      const sessions = (await agent.store.list({ limit: 100_000 })).sessions.length;
      rows.push([i, settledHeap(gc), sessions, (now - mark) / (i - (rows.at(-1)?.[0] ?? 0))]);
      mark = performance.now();
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  lines.push(
    `Default \`memoryStore()\` (1,000 sessions, 1 h idle), ${RUNS.toLocaleString('en')} runs in ${elapsed.toFixed(1)} s; heap before: ${mb(floor)} MB`,
    '',
    '| runs | heap after GC (MB) | sessions kept | ms per run |',
    '| ---: | ---: | ---: | ---: |',
    ...rows.map(
      ([runs, heap, sessions, ms]) => `| ${runs.toLocaleString('en')} | ${mb(heap)} | ${sessions} | ${ms.toFixed(3)} |`,
    ),
  );
  const at = (runs: number): number => rows.find((r) => r[0] === runs)![1];
  const growth = (at(100_000) - at(10_000)) / at(10_000);
  lines.push('', `Heap at 100,000 runs vs 10,000: ${(growth * 100).toFixed(1)} % (${mb(at(100_000) - at(10_000))} MB)`);
  await agent.store.close();

  // The unbounded store, for comparison: what every run used to cost.
  const unbounded = oneShotAgent(memoryStore({ maxSessions: Infinity, idleTtlMs: Infinity }));
  const before = settledHeap(gc);
  for (let i = 1; i <= UNBOUNDED_RUNS; i++) {
    await oneShot(unbounded.agent, i);
    unbounded.forget();
  }
  const perRun = (settledHeap(gc) - before) / UNBOUNDED_RUNS;
  lines.push(
    `Unbounded store (\`maxSessions\` and \`idleTtlMs\` Infinity): ${(perRun / 1024).toFixed(2)} KB per run kept, ${mb(perRun * RUNS)} MB at ${RUNS.toLocaleString('en')} runs`,
  );
  await unbounded.agent.store.close();
  console.log(lines.join('\n'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
