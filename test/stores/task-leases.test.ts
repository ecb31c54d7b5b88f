import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { postgresStore } from '../../src/stores/postgres/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import type { SessionStore, TaskRecordInput } from '../../src/stores/types.js';
import { startTestPostgres, type TestPostgres } from './postgres-server.js';

let dir: string;
let server: TestPostgres | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-task-leases-'));
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const schema = `leases_${process.pid}_${Date.now().toString(36)}`;
const opens: Record<string, (taskLeaseMs: number) => SessionStore> = {
  sqlite: (taskLeaseMs) => sqliteStore({ path: join(dir, 'leases.db'), taskLeaseMs }),
  postgres: (taskLeaseMs) => postgresStore({ connectionString: server!.url }, { schema, taskLeaseMs }),
};

const running = (): TaskRecordInput => ({
  id: `task-${crypto.randomUUID()}`,
  sessionId: `session-${crypto.randomUUID()}`,
  kind: 'shell',
  status: 'running',
  description: 'Serve',
  createdAt: Date.now(),
  command: 'npm start',
});

describe.each(Object.keys(opens))('task leases in the %s store', (kind) => {
  it('reads a running task as interrupted once its writer stops renewing it (a closed store, a lost machine)', async () => {
    const writer = opens[kind]!(300);
    const reader = opens[kind]!(300);
    try {
      const task = running();
      await writer.putTask!(task, { expectedRevision: 0 });
      expect(await reader.getTask!(task.id)).toMatchObject({ status: 'running', owner: { pid: process.pid } });
      await writer.close();
      const end = Date.now() + 20_000;
      let read = await reader.getTask!(task.id);
      while (read?.status === 'running' && Date.now() < end) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        read = await reader.getTask!(task.id);
      }
      expect(read).toMatchObject({
        status: 'interrupted',
        error: expect.stringContaining('stopped renewing it before the task finished; it was running then'),
      });
      // An ended task is never judged: it stays as written.
      const ended = { ...running(), status: 'completed' as const };
      await reader.putTask!(ended, { expectedRevision: 0 });
      expect((await reader.getTask!(ended.id))?.status).toBe('completed');
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('refuses a task lease below 100 ms', () => {
    expect(() => opens[kind]!(50)).toThrow(ConfigError);
  });
});
