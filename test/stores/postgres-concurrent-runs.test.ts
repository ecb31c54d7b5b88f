/**
 * Many runs at once on one Postgres store: the run locks share one connection, so runs beyond the pool's
 * size still get connections for their queries. With a connection per held lock, `poolSize` concurrent runs
 * held every connection and waited forever to store their first turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool, type ModelRequest } from '../../src/index.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(() => server?.stop());

const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  input: z.object({ key: z.string() }),
  readOnly: true,
  execute: async ({ key }) => `value of ${key}`,
});

/** One tool turn, then an answer naming the run's input. */
function model() {
  return mockProvider((request: ModelRequest) => {
    const last = request.messages.at(-1);
    const users = request.messages.filter((m) => m.role === 'user');
    const part = users.at(-1)?.content[0];
    const input = part?.type === 'text' ? part.text : '';
    return last?.role === 'tool'
      ? { text: `done: ${input}` }
      : { toolCalls: [{ name: 'lookup', input: { key: input } }] };
  });
}

describe('postgresStore under concurrent runs', () => {
  it('completes ten times more concurrent runs than the pool has connections', async () => {
    const store = postgresStore({ connectionString: server!.url, poolSize: 3 }, { schema: 'concurrent_runs' });
    try {
      const agent = createAgent({ provider: model(), tools: [lookup], store });
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => agent.run(`job ${i}`).result));
      expect(results.map((r) => r.status)).toEqual(Array(30).fill('completed'));
      expect(results.map((r) => r.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `done: job ${i}`).sort());
      // Each session holds its input, the call, the result and the answer.
      for (const { sessionId } of results) expect((await store.load(sessionId)).entries).toHaveLength(4);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('still keeps two runs of one session apart when both run in this process', async () => {
    const store = postgresStore({ connectionString: server!.url, poolSize: 3 }, { schema: 'concurrent_same' });
    try {
      const agent = createAgent({ provider: model(), tools: [lookup], store });
      const first = await agent.run('job a').result;
      const [a, b] = await Promise.all([
        agent.run('job b', { sessionId: first.sessionId }).result,
        agent.run('job c', { sessionId: first.sessionId }).result,
      ]);
      expect([a.status, b.status]).toEqual(['completed', 'completed']);
      // One after the other: each run's entries are contiguous, none interleaved with the other's.
      const { entries } = await store.load(first.sessionId);
      expect(entries).toHaveLength(12);
      const inputs = entries
        .filter((e) => e.entry.type === 'message' && e.entry.message.role === 'user')
        .map((e) => e.seq);
      expect(inputs[2]! - inputs[1]!).toBe(4);
    } finally {
      await store.close();
    }
  }, 60_000);
});
