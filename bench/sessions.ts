/**
 * Many sessions in one process: 1,000 sessions run at once, each a short multi-turn run (two turns with a
 * tool call of about 2 ms of I/O, then an answer), over the memory store and over Postgres, against a
 * hand-written loop keeping its sessions in a Map. Reports the heap each idle session keeps, the latency
 * added before the first model request of each run (p50/p99, from `agent.run` to the model's `stream`),
 * and throughput in turns per second.
 *
 * Run alone with `npx tsx bench/sessions.ts` (it turns on `gc()` itself).
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  createAgent,
  memoryStore,
  tool,
  type LanguageModel,
  type ModelRequest,
  type SessionStore,
} from '../dist/index.js';
import { postgresStore } from '../dist/stores/postgres/index.js';
import { startTestPostgres } from '../test/stores/postgres-server.js';
import { floorLoop, type FloorModel } from './floor.js';
import { collector, settledHeap, table } from './stats.js';

const SESSIONS = 1_000;
const TOOL_TURNS = 2;
const TOOL_MS = 2;

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
};

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  input: z.object({ key: z.string() }),
  readOnly: true,
  execute: ({ key }) => new Promise<string>((resolve) => setTimeout(() => resolve(`value of ${key}`), TOOL_MS)),
});

/** What one measure found. */
interface Figures {
  readonly heapPerSession: number;
  readonly firstRequest: readonly number[];
  readonly turnsPerSecond: number;
}

/** The session index a request belongs to: the first user message is `session <i>`. */
function sessionOf(messages: readonly { content: readonly unknown[] }[]): number {
  const first = messages[0]?.content[0] as { text?: string } | undefined;
  return Number((first?.text ?? '').slice('session '.length));
}

async function measureIcode(store: SessionStore, gc: () => void): Promise<Figures> {
  const started = new Float64Array(SESSIONS);
  const firstCall = new Float64Array(SESSIONS);
  const provider: LanguageModel = {
    specificationVersion: 'v1',
    provider: 'bench',
    modelId: 'bench',
    async *stream(request: ModelRequest) {
      const turn = request.messages.filter((m) => m.role === 'assistant').length;
      const session = sessionOf(request.messages);
      if (turn === 0) firstCall[session] = performance.now();
      if (turn < TOOL_TURNS) {
        yield { type: 'tool-call', id: `c${turn}`, name: 'lookup', input: { key: `k${session}-${turn}` } };
      } else yield { type: 'text-delta', text: `Both values found for session ${session}.` };
      yield { type: 'usage', usage: { inputTokens: 100 + turn * 20, outputTokens: 12 } };
      yield { type: 'finish', reason: turn < TOOL_TURNS ? 'tool-calls' : 'stop' };
    },
  };
  const agent = createAgent({ provider, tools: [lookup], store });
  const sessionIds: string[] = [];
  const before = settledHeap(gc);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      started[i] = performance.now();
      const run = agent.run(`session ${i}`);
      for await (const event of run) void event;
      const result = await run.result;
      if (result.status !== 'completed') throw new Error(`session ${i} ended ${result.status}`);
      sessionIds.push(result.sessionId);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  // What the kept sessions hold: the heap with them, less the heap once they are deleted.
  const kept = settledHeap(gc);
  for (const id of sessionIds) await store.delete(id);
  const heapPerSession = (kept - settledHeap(gc)) / SESSIONS;
  void before;
  return {
    heapPerSession,
    firstRequest: Array.from(firstCall, (at, i) => at - started[i]!),
    turnsPerSecond: (SESSIONS * (TOOL_TURNS + 1)) / seconds,
  };
}

async function measureFloor(gc: () => void): Promise<Figures> {
  const started = new Float64Array(SESSIONS);
  const firstCall = new Float64Array(SESSIONS);
  const sessions = new Map<number, unknown[]>();
  const schema = z.object({ key: z.string() });
  const modelFor = (session: number): FloorModel =>
    async function* (messages) {
      const turn = (messages.length - 1) / 2;
      if (turn === 0) firstCall[session] = performance.now();
      if (turn < TOOL_TURNS) {
        yield {
          type: 'tool-call',
          id: `c${turn}`,
          name: 'lookup',
          args: JSON.stringify({ key: `k${session}-${turn}` }),
        };
      } else yield { type: 'text-delta', text: `Both values found for session ${session}.` };
      yield { type: 'finish' };
    };
  const run = (key: string) => new Promise<string>((resolve) => setTimeout(() => resolve(`value of ${key}`), TOOL_MS));
  const before = settledHeap(gc);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      started[i] = performance.now();
      const loop = floorLoop(modelFor(i), { lookup: { schema, run: ({ key }) => run(key) } }, `session ${i}`, 10);
      for (;;) {
        const next = await loop.next();
        if (next.done) {
          sessions.set(i, next.value);
          break;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  if (sessions.size !== SESSIONS) throw new Error('floor lost sessions');
  const kept = settledHeap(gc);
  sessions.clear();
  const heapPerSession = (kept - settledHeap(gc)) / SESSIONS;
  void before;
  return {
    heapPerSession,
    firstRequest: Array.from(firstCall, (at, i) => at - started[i]!),
    turnsPerSecond: (SESSIONS * (TOOL_TURNS + 1)) / seconds,
  };
}

function rows(label: string, icode: Figures, floor: Figures): (string | number)[][] {
  const kb = (bytes: number) => bytes / 1024;
  return [
    [
      `${label}: heap KB per idle session`,
      kb(icode.heapPerSession),
      kb(floor.heapPerSession),
      icode.heapPerSession / floor.heapPerSession,
    ],
    [
      `${label}: ms to first model request, p50`,
      percentile(icode.firstRequest, 50),
      percentile(floor.firstRequest, 50),
      '',
    ],
    [
      `${label}: ms to first model request, p99`,
      percentile(icode.firstRequest, 99),
      percentile(floor.firstRequest, 99),
      '',
    ],
    [`${label}: turns/s`, icode.turnsPerSecond, floor.turnsPerSecond, floor.turnsPerSecond / icode.turnsPerSecond],
  ];
}

export async function bench(): Promise<void> {
  const gc = collector();
  const all: (string | number)[][] = [];
  // A warm-up round of each, so the JIT's work is not counted as the first measure's.
  await measureFloor(gc);
  await measureIcode(memoryStore({ maxSessions: SESSIONS }), gc);
  const floor = await measureFloor(gc);
  const memory = await measureIcode(memoryStore({ maxSessions: SESSIONS }), gc);
  all.push(...rows('memory store', memory, floor));

  const server = await startTestPostgres();
  try {
    const store = postgresStore({ connectionString: server.url, poolSize: 20 }, { schema: 'bench_sessions' });
    const postgres = await measureIcode(store, gc);
    await store.close();
    all.push(...rows('postgres', postgres, floor));
  } finally {
    await server.stop();
  }
  console.log(`\n## ${SESSIONS} concurrent sessions in one process (${TOOL_TURNS} tool turns + an answer each)\n`);
  console.log(table(['measure', 'icode', 'floor', 'ratio'], all));
  console.log(
    '\nHeap per idle session: the heap after GC once every run has ended, over the sessions kept (the ' +
      'memory store keeps them in the process; Postgres keeps them in the database). First model request: ' +
      'from `agent.run` to the model being asked, which for icode includes creating the session and storing the input.',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
