/**
 * Durable runs in one DBOS process on real Postgres: approvals answered from another connection (a
 * `DBOSClient`, as a web process would), following a run from the store, the cron tools, and bad input.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, tool, ConfigError, type Agent } from '../../src/index.js';
import {
  approveRun,
  cronTools,
  durableAgent,
  followRun,
  type DurableAgent,
  type DurableRunHandle,
} from '../../src/durable/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import type { PendingApprovalsEntry, StoredEntry } from '../../src/stores/types.js';
import { mockProvider } from '../../src/testing/index.js';
import { startTestPostgres, type TestPostgres } from '../stores/postgres-server.js';
import { linesOf } from './helpers.js';

let pg: TestPostgres;
let client: DBOSClient;
const dir = mkdtempSync(join(tmpdir(), 'icode-durable-'));
const ledger = join(dir, 'deploys');
const schema = `durable_${process.pid}`;

const deploy = tool({
  name: 'deploy',
  description: 'Deploys the service.',
  input: z.object({ env: z.string() }),
  needsApproval: true,
  execute: ({ env }) => {
    appendFileSync(ledger, `${env}\n`);
    return `deployed to ${env}`;
  },
});

// Each run: the deploy call, then once its result is in, the answer.
const deployModel = mockProvider((request) =>
  request.messages.at(-1)?.role === 'tool'
    ? { text: 'Deployed to staging.' }
    : { toolCalls: [{ name: 'deploy', input: { env: 'staging' } }] },
);
const cronModel = mockProvider([
  {
    toolCalls: [{ id: 'call_1', name: 'cron_create', input: { id: 'nightly', cron: '0 3 * * *', prompt: 'Triage.' } }],
  },
  { toolCalls: [{ id: 'call_2', name: 'cron_list', input: {} }] },
  { toolCalls: [{ id: 'call_3', name: 'cron_delete', input: { id: 'nightly' } }] },
  { text: 'Scheduled, listed and deleted.' },
]);

let deployer: DurableAgent;
let scheduler: DurableAgent;
let store: ReturnType<typeof postgresStore>;

beforeAll(async () => {
  pg = await startTestPostgres();
  store = postgresStore({ connectionString: pg.url }, { schema: `${schema}_store` });
  deployer = durableAgent(createAgent({ name: 'deployer', provider: deployModel, tools: [deploy], store }));
  let self: DurableAgent | undefined;
  const cronAgent: Agent = createAgent({
    name: 'scheduler',
    provider: cronModel,
    tools: cronTools(() => self!),
    store,
  });
  scheduler = self = durableAgent(cronAgent);
  DBOS.setConfig({
    name: 'icode-durable',
    systemDatabaseUrl: pg.url,
    systemDatabaseSchemaName: `${schema}_dbos`,
    logLevel: 'error',
  });
  await DBOS.launch();
  await Promise.all([deployer.ready(), scheduler.ready()]);
  client = await DBOSClient.create({ systemDatabaseUrl: pg.url, systemDatabaseSchemaName: `${schema}_dbos` });
}, 120_000);

afterAll(async () => {
  await client?.destroy();
  await DBOS.shutdown();
  await store?.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('durable runs in one process', () => {
  it.each([
    ['its run id', (run: DurableRunHandle) => run.runId],
    ['its session', (run: DurableRunHandle) => ({ sessionId: run.sessionId })],
  ])(
    'waits for an approval sent from another connection by %s, then runs the call once',
    { timeout: 60_000 },
    async (_, target) => {
      const before = linesOf(ledger).length;
      const handle = await deployer.run('Deploy to staging');
      const seen: StoredEntry[] = [];
      let approved = false;
      for await (const stored of followRun(store, handle, { intervalMs: 50 })) {
        seen.push(stored);
        if (stored.entry.type === 'pending-approvals' && !approved) {
          const [request] = (stored.entry as PendingApprovalsEntry).requests;
          expect(linesOf(ledger)).toHaveLength(before);
          const answer = { [request!.id]: { answer: 'allow' as const, digest: request!.digest } };
          await approveRun(target(handle), answer, { dbos: client });
          approved = true;
        }
      }
      const result = await handle.result();
      expect(result.status).toBe('completed');
      expect(result.text).toBe('Deployed to staging.');
      expect(linesOf(ledger)).toHaveLength(before + 1);
      // The follower saw every entry once, in order, up to the final answer.
      expect(seen.map((s) => s.seq)).toEqual(seen.map((_, i) => i + 1));
      const last = seen.at(-1)!.entry;
      expect(last.type === 'message' && last.message.role).toBe('assistant');
    },
  );

  it('refuses an approval for a session with no running run', async () => {
    await expect(approveRun({ sessionId: 'no-such-session' }, {}, { dbos: client })).rejects.toThrow(ConfigError);
  });

  it('gives the model cron_create, cron_list and cron_delete on DBOS schedules', { timeout: 60_000 }, async () => {
    const result = await (await scheduler.run('Schedule a nightly triage, list, then delete it')).result();
    expect(result.status).toBe('completed');
    const { entries } = await store.load(result.sessionId);
    const outputs = entries.flatMap((e) =>
      e.entry.type === 'message'
        ? e.entry.message.content.flatMap((p) => (p.type === 'tool-result' ? [p.output] : []))
        : [],
    );
    expect(outputs).toEqual([
      'Scheduled nightly (0 3 * * *).',
      [{ id: 'nightly', cron: '0 3 * * *', prompt: 'Triage.', lastFiredAt: null }],
      'Deleted nightly.',
    ]);
    expect(await DBOS.listSchedules()).toEqual([]);
    cronModel.assertComplete();
  });

  it('refuses an agent not made by createAgent', () => {
    const fake = { run() {}, resume() {} } as unknown as Agent;
    expect(() => durableAgent(fake)).toThrow(ConfigError);
  });
});
