import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent, type ModelRequest } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { fixedPolicy } from '../helpers/agent.js';

const dir = await mkdtemp(join(tmpdir(), 'icode-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('run lock', () => {
  it('serialises two runs of one session when the store has a run lock', async () => {
    const store = sqliteStore({ path: join(dir, 'sessions.db') });
    const seen: number[] = [];
    // Each answer is slow enough that, without the lock, the second run would start on a stale version.
    const model = mockProvider((request: ModelRequest) => {
      seen.push(request.messages.length);
      return { text: `reply ${seen.length}`, delayMs: 40 };
    });
    const agent = createAgent({ provider: model, policy: fixedPolicy('allow'), store });
    const first = agent.run('one', { sessionId: 'shared' });
    const second = agent.run('two', { sessionId: 'shared' });
    const results = await Promise.all([first.result, second.result]);
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    // The second run saw the first one's whole exchange: user, assistant, then its own user message.
    expect(seen).toEqual([1, 3]);
    expect((await store.get('shared'))?.version).toBe(4);
    await store.close();
  });
});
