/**
 * Durable agent runs behind an HTTP service, on Postgres with DBOS. Every process runs this same file:
 * each one is a worker (it runs queued runs, recovers the runs of a worker that died, fires schedules) and
 * serves HTTP:
 *
 *   POST /runs                   {"message": "..."}   enqueue a run; answers {"runId", "sessionId"}
 *   GET  /runs/:runId/events?sessionId=...             the run's stored entries as Server-Sent Events
 *                                                      (resumable: send Last-Event-ID on reconnect)
 *   POST /runs/:runId/approvals  {"<callId>": {"answer": "allow", "digest": "..."}}
 *
 * A run enqueued on one process can run on another and be followed and approved from a third. Kill a
 * worker mid-run and restart it with the same DBOS_EXECUTOR_ID: its runs continue where they were.
 *
 *   DATABASE_URL=postgresql://localhost/icode DBOS_EXECUTOR_ID=worker-1 PORT=3000 npx tsx examples/durable-service.ts
 */
import { createServer, type IncomingMessage } from 'node:http';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { z } from 'zod';
import { createAgent, tool } from 'icode';
import { approveRun, durableAgent, followRun, scheduleAgent } from 'icode/durable';
import { anthropic } from 'icode/providers/anthropic';
import { postgresStore } from 'icode/stores/postgres';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://localhost/icode';
const store = postgresStore({ connectionString: databaseUrl }); // one store all workers share

const openTicket = tool({
  name: 'open_ticket',
  description: 'Opens a ticket in the tracker',
  input: z.object({ title: z.string() }),
  needsApproval: true, // a paused run waits durably for POST /runs/:id/approvals
  execute: async ({ title }) => ({ opened: title }),
});

const agent = createAgent({
  name: 'triage',
  provider: anthropic({ model: 'claude-haiku-4-5' }),
  instructions: 'You triage incoming reports.',
  tools: [openTicket],
  store,
});

// Before DBOS.launch(), on every worker: registers the workflows under the same names everywhere.
const triage = durableAgent(agent, {
  queue: { workerConcurrency: 8 }, // runs per worker at once
  modelRateLimit: { limitPerPeriod: 50, periodSec: 60 }, // Anthropic calls per minute, fleet-wide
});

DBOS.setConfig({
  name: 'triage-service',
  systemDatabaseUrl: databaseUrl,
  // Stable per machine or pod: a restarted worker recovers the runs it was running.
  ...(process.env.DBOS_EXECUTOR_ID ? { executorID: process.env.DBOS_EXECUTOR_ID } : {}),
  applicationVersion: '1', // equal on all workers: runs are only recovered by the same version
});
await DBOS.launch();
await triage.ready();
await scheduleAgent(triage, { id: 'morning-digest', cron: '0 8 * * 1-5', input: 'Summarise yesterday.' });

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, runs, runId, action] = url.pathname.split('/');
  try {
    if (req.method === 'POST' && runs === 'runs' && !runId) {
      const { message } = JSON.parse(await body(req)) as { message: string };
      const run = await triage.enqueueRun(message);
      return void res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ runId: run.runId, sessionId: run.sessionId }));
    }
    if (req.method === 'GET' && runId && action === 'events') {
      const sessionId = url.searchParams.get('sessionId') ?? '';
      const after = Number(req.headers['last-event-id'] ?? 0);
      const abort = new AbortController();
      req.on('close', () => abort.abort()); // the client left: stop reading, the run goes on
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for await (const { seq, entry } of followRun(store, { runId, sessionId }, { after, signal: abort.signal }))
        res.write(`id: ${seq}\nevent: ${entry.type}\ndata: ${JSON.stringify(entry)}\n\n`);
      return void res.end('event: end\ndata: {}\n\n');
    }
    if (req.method === 'POST' && runId && action === 'approvals') {
      await approveRun(runId, JSON.parse(await body(req)) as Parameters<typeof approveRun>[1]);
      return void res.writeHead(204).end();
    }
    res.writeHead(404).end();
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
  }
});
server.listen(Number(process.env.PORT ?? 3000));
process.on('SIGTERM', () => void DBOS.shutdown().then(() => server.close()));
