/**
 * Durable runs across three real worker processes on one real Postgres, two of them SIGKILLed mid-run and
 * restarted with their executor ids (DBOS recovers an executor's own pending workflows at its launch).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED } from '../../src/agent/run-loop.js';
import type { DurableRunResult } from '../../src/durable/index.js';
import type { ModelRequest } from '../../src/model/language-model.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import type { MockStep } from '../../src/testing/mock-step.js';
import type { Worker } from '../stores/helpers.js';
import { startTestPostgres, type TestPostgres } from '../stores/postgres-server.js';
import { bundleFleetWorker, countBy, linesOf, maxInWindow, startFleetWorker, until } from './helpers.js';

const RUNS = 30;
const MODEL_RATE = 4; // model calls per second, fleet-wide
const TOOL_DELAY_MS = 2_500;

let pg: TestPostgres;
let mock: MockServer;
let bundle: Awaited<ReturnType<typeof bundleFleetWorker>>;
let dir: string;
const requests: { tag: string; turn: number; at: number }[] = [];
const workers: Worker[] = [];

function tagOf(request: ModelRequest): string {
  const part = request.messages[0]?.content.find((p) => p.type === 'text');
  return part && 'text' in part ? part.text : '?';
}

/** Any worker may ask: the answer depends only on the conversation. Turn 1 calls the tool, turn 2 answers. */
function answer(request: ModelRequest): MockStep {
  const tag = tagOf(request);
  const turn = request.messages.filter((m) => m.role === 'assistant').length + 1;
  requests.push({ tag, turn, at: Date.now() });
  if (tag.startsWith('tick') || turn > 1) return { text: `done ${tag}` };
  return { toolCalls: [{ id: `call_${tag.replace('-', '_')}`, name: 'slow_write', input: { tag } }] };
}

beforeAll(async () => {
  [pg, mock, bundle, dir] = await Promise.all([
    startTestPostgres(),
    startMockServer({ wire: 'openai', script: answer }),
    bundleFleetWorker(),
    mkdtemp(join(tmpdir(), 'icode-fleet-')),
  ]);
}, 120_000);

afterAll(async () => {
  await stopAll();
  await mock?.close();
  await pg?.stop();
  await bundle?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function fleetEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DB_URL: pg.url,
    STORE_SCHEMA: `${name}_store`,
    DBOS_SCHEMA: `${name}_dbos`,
    MOCK_URL: mock.baseURL,
    LEDGER: join(dir, `${name}.ledger`),
    STARTS: join(dir, `${name}.starts`),
    MODEL_LOG: join(dir, `${name}.models`),
    TOOL_DELAY_MS: String(TOOL_DELAY_MS),
    ...extra,
  };
}

async function stopAll(): Promise<void> {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  workers.length = 0;
}

async function start(env: Record<string, string>, executor: string): Promise<Worker> {
  const worker = await startFleetWorker(bundle.file, { ...env, EXECUTOR_ID: executor });
  workers.push(worker);
  return worker;
}

describe('durable runs on three workers', () => {
  it(
    'completes 30 runs exactly once through two SIGKILLs, within the fleet-wide model rate',
    { timeout: 240_000 },
    async () => {
      const env = fleetEnv('fleet', { MODEL_RATE: String(MODEL_RATE) });
      // The first launch creates DBOS's system tables; launches racing on an empty database deadlock.
      const a = await start(env, 'worker-a');
      const b = await start(env, 'worker-b');
      const c = await start({ ...env, ENQUEUE: String(RUNS) }, 'worker-c');
      await c.waitFor(new RegExp(`^enqueued \\S+ fleet_store-run-${RUNS - 1}$`), 60_000);
      const runIds = c.lines.filter((l) => l.startsWith('enqueued ')).map((l) => l.split(' ')[1]!);
      expect(runIds).toHaveLength(RUNS);

      // Kill each of a and b while one of its tool calls is running.
      const starts = () => linesOf(env.STARTS!).map((l) => l.split(' ')[0]);
      await until('tools running on worker-a and worker-b', () => {
        const by = starts();
        return by.includes('worker-a') && by.includes('worker-b');
      });
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
      const killedAt = Date.now();
      expect(await a.exited).toBe('SIGKILL');
      expect(await b.exited).toBe('SIGKILL');
      await Promise.all([start(env, 'worker-a'), start(env, 'worker-b')]);

      const client = await DBOSClient.create({ systemDatabaseUrl: pg.url, systemDatabaseSchemaName: env.DBOS_SCHEMA });
      let results: DurableRunResult[];
      try {
        results = await Promise.all(
          runIds.map((id) => client.retrieveWorkflow<DurableRunResult>(id).getResult() as Promise<DurableRunResult>),
        );
      } finally {
        await client.destroy();
      }

      // Every run completed, once: one workflow each, and each session holds one conversation, not two.
      expect(results.map((r) => r.status)).toEqual(runIds.map(() => 'completed'));
      const store = postgresStore({ connectionString: pg.url }, { schema: env.STORE_SCHEMA! });
      const interrupted = new Set<string>();
      try {
        for (let i = 0; i < RUNS; i++) {
          const { entries } = await store.load(`fleet_store-run-${i}`);
          const messages = entries.flatMap((e) => (e.entry.type === 'message' ? [e.entry.message] : []));
          expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
          const result = messages[2]!.content[0]!;
          if (result.type === 'tool-result' && JSON.stringify(result.output).includes(INTERRUPTED.slice(0, 40)))
            interrupted.add(`run-${i}`);
        }
      } finally {
        await store.close();
      }

      // No tool side effect twice; each call ran to its effect unless its worker died during it, and the
      // calls killed mid-way were answered as interrupted, not run again.
      const ledger = countBy(linesOf(env.LEDGER!));
      for (let i = 0; i < RUNS; i++) {
        const tag = `run-${i}`;
        expect(ledger.get(tag) ?? 0, tag).toBeLessThanOrEqual(1);
        if (!interrupted.has(tag)) expect(ledger.get(tag), tag).toBe(1);
      }
      expect(interrupted.size).toBeGreaterThanOrEqual(2);
      const started = countBy(linesOf(env.STARTS!).map((l) => l.split(' ')[1]!));
      expect([...started.values()].every((n) => n === 1)).toBe(true);

      // No completed model call made twice. A call is made again only when its worker died before its
      // step was recorded: then it came from a killed worker, and (turn 1) the run's tool had not started,
      // since the tool runs only once the model step is recorded, or (turn 2) just before the kill.
      const fleetRequests = requests.filter((r) => r.tag.startsWith('run-'));
      const perCall = countBy(fleetRequests.map((r) => `${r.tag}/${r.turn}`));
      expect(perCall.size).toBe(RUNS * 2);
      const modelLog = linesOf(env.MODEL_LOG!).map((l) => l.split(' '));
      const startLog = linesOf(env.STARTS!).map((l) => l.split(' '));
      for (const [call, n] of perCall) {
        if (n === 1) continue;
        const [tag, turn] = call.split('/');
        const first = modelLog.find((m) => m[1] === tag && m[2] === turn)!;
        expect(['worker-a', 'worker-b'], call).toContain(first[0]);
        if (turn === '1')
          expect(
            startLog.some((s) => s[1] === tag && Number(s[2]) < killedAt),
            call,
          ).toBe(false);
        else expect(killedAt - Number(first[3]), call).toBeLessThan(1_000);
        expect(n, call).toBe(2);
      }
      expect(fleetRequests.length).toBeLessThanOrEqual(RUNS * 2 + 8);

      // The provider's rate limit held across the workers: never a burst above it (twice the limit in any
      // second allows for dispatch-to-request jitter; twelve runs start at once without it), and the calls
      // took at least as long as the limit allows.
      const times = fleetRequests.map((r) => r.at);
      expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(2 * MODEL_RATE);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(
        (fleetRequests.length / MODEL_RATE - 2) * 1_000,
      );
      await stopAll();
    },
  );

  it(
    'fires a per-second schedule once per tick across the three workers, for five ticks',
    { timeout: 120_000 },
    async () => {
      const env = fleetEnv('sched', { SCHEDULE_CRON: '* * * * * *', TOOL_DELAY_MS: '0' });
      // Every worker schedules at start-up, as a service would: the schedule is made once.
      for (const executor of ['sched-a', 'sched-b', 'sched-c']) await start(env, executor);
      const client = await DBOSClient.create({ systemDatabaseUrl: pg.url, systemDatabaseSchemaName: env.DBOS_SCHEMA });
      const store = postgresStore({ connectionString: pg.url }, { schema: env.STORE_SCHEMA! });
      try {
        expect(await client.listSchedules()).toHaveLength(1);
        const firings = () => client.listWorkflows({ workflowName: 'icode.scheduled.fleet' });
        await until(
          'five completed firings',
          async () => (await firings()).filter((f) => f.status === 'SUCCESS').length >= 5,
        );
        await client.deleteSchedule('tick');
        // Firings already enqueued finish; then nothing new starts.
        await until('every firing to end', async () => (await firings()).every((f) => f.status === 'SUCCESS'));
        const all = await firings();
        expect(all.length).toBeGreaterThanOrEqual(5);

        // One firing per tick: each tick a workflow of its own, the ticks consecutive seconds, each firing
        // one run with one model call and one session holding one conversation.
        const ticks = all.map((f) => Date.parse(f.workflowID.replace(/^sched-tick-/, ''))).sort((x, y) => x - y);
        expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => 1_000));
        expect(requests.filter((r) => r.tag === 'tick')).toHaveLength(all.length);
        for (const tick of ticks) {
          const { entries } = await store.load(`tick-${new Date(tick).toISOString()}`);
          expect(entries.map((e) => (e.entry.type === 'message' ? e.entry.message.role : e.entry.type))).toEqual([
            'user',
            'assistant',
          ]);
        }
      } finally {
        await client.destroy();
        await store.close();
        await stopAll();
      }
    },
  );

  it('runs the firings missed while every worker was down once a worker is back', { timeout: 120_000 }, async () => {
    const env = fleetEnv('outage', { SCHEDULE_CRON: '* * * * * *', SCHEDULE_INPUT: 'tick-outage', TOOL_DELAY_MS: '0' });
    const executors = ['outage-a', 'outage-b', 'outage-c'];
    for (const executor of executors) await start(env, executor);
    const client = await DBOSClient.create({ systemDatabaseUrl: pg.url, systemDatabaseSchemaName: env.DBOS_SCHEMA });
    try {
      const firings = () => client.listWorkflows({ workflowName: 'icode.scheduled.fleet' });
      await until('two firings', async () => (await firings()).length >= 2);
      // Every worker down for a few ticks.
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      workers.length = 0;
      const downAt = Date.now();
      await until('three ticks to pass', () => Date.now() - downAt > 3_500);
      for (const executor of executors) await start(env, executor);
      const backAt = Date.now();
      await until('a firing after the return', async () =>
        (await firings()).some((f) => Date.parse(f.workflowID.replace(/^sched-tick-/, '')) > backAt + 1_000),
      );
      await client.deleteSchedule('tick');
      await until('every firing to end', async () => (await firings()).every((f) => f.status === 'SUCCESS'));

      // No tick is missing, the ones of the outage included, and each ran once.
      const all = await firings();
      const ticks = all.map((f) => Date.parse(f.workflowID.replace(/^sched-tick-/, ''))).sort((x, y) => x - y);
      expect(ticks.some((t) => t > downAt + 1_000 && t < backAt - 1_000)).toBe(true);
      expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => 1_000));
      // A firing stopped by the shutdown mid-call may have made its model call twice; no more.
      const calls = requests.filter((r) => r.tag === 'tick-outage').length;
      expect(calls).toBeGreaterThanOrEqual(all.length);
      expect(calls).toBeLessThanOrEqual(all.length + executors.length);
    } finally {
      await client.destroy();
      await stopAll();
    }
  });
});
