/**
 * Durable-run overhead: the same runs (four tool turns, then an answer: nine steps) with plain `agent.run`
 * and as DBOS workflows through `durableAgent`, both on one Postgres (the session store, and DBOS's system
 * database). Reports milliseconds per step and the ratio. The model and the tool answer at once, so the
 * figures are the cost of the loop, the store and DBOS's step records.
 *
 * Run alone with `npx tsx bench/durable.ts` (after `npx tsup`).
 */
import { pathToFileURL } from 'node:url';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { z } from 'zod';
import { createAgent, tool, type LanguageModel, type ModelRequest } from '../dist/index.js';
import { durableAgent } from '../dist/durable/index.js';
import { postgresStore } from '../dist/stores/postgres/index.js';
import { startTestPostgres } from '../test/stores/postgres-server.js';
import { median, table } from './stats.js';

const TOOL_TURNS = 4;
const STEPS = TOOL_TURNS * 2 + 1;
const RUNS = 20;
const ROUNDS = 3;

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  input: z.object({ key: z.string() }),
  readOnly: true,
  execute: ({ key }) => `value of ${key}`,
});

/** Calls the tool for the first turns, then answers. */
const model: LanguageModel = {
  specificationVersion: 'v1',
  provider: 'bench',
  modelId: 'bench-1',
  async *stream(request: ModelRequest) {
    const turn = request.messages.filter((m) => m.role === 'assistant').length;
    if (turn < TOOL_TURNS) {
      yield { type: 'tool-call', id: `c${turn}`, name: 'lookup', input: { key: `k${turn}` } };
      yield { type: 'finish', reason: 'tool-calls' };
    } else {
      yield { type: 'text-delta', text: 'done' };
      yield { type: 'finish', reason: 'stop' };
    }
  },
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) await run();
  return (performance.now() - start) / (RUNS * STEPS);
}

export async function bench(): Promise<void> {
  const pg = await startTestPostgres();
  const store = postgresStore({ connectionString: pg.url }, { schema: 'bench_durable' });
  try {
    const agent = createAgent({ name: 'bench', provider: model, tools: [lookup], store });
    const durable = durableAgent(agent);
    DBOS.setConfig({
      name: 'icode-bench',
      systemDatabaseUrl: pg.url,
      systemDatabaseSchemaName: 'bench_dbos',
      logLevel: 'error',
    });
    await DBOS.launch();
    await durable.ready();
    const plain: number[] = [];
    const durableRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await timed(() => agent.run('go').result));
      durableRuns.push(await timed(async () => (await durable.run('go')).result()));
    }
    const [p, d] = [median(plain), median(durableRuns)];
    console.log(`\n## Durable runs (DBOS) on Postgres\n\n${RUNS} runs of ${STEPS} steps, median of ${ROUNDS} rounds\n`);
    console.log(
      table(
        ['run', 'ms per step', 'ratio'],
        [
          ['agent.run', p, 1],
          ['durableAgent run (DBOS workflow)', d, d / p],
        ],
      ),
    );
  } finally {
    await DBOS.shutdown();
    await store.close();
    await pg.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await bench();
