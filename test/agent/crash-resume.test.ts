import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, tool } from '../../src/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';

const dir = await mkdtemp(join(tmpdir(), 'icode-crash-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./fixtures/crash-agent.ts', import.meta.url));

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('resume after a crash', () => {
  it('continues a run killed mid-tool in a new process, with a consistent history', async () => {
    const db = join(dir, 'sessions.db');
    const marker = join(dir, 'running');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, db, marker, 'crashed'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(() => existsSync(marker), 20_000);
    child.kill('SIGKILL');
    await exited;

    // A new agent, as in a new process, over the same file.
    const model = mockProvider([{ text: 'The deploy was interrupted; I will check its state before retrying.' }]);
    const deploy = tool({
      name: 'deploy',
      description: 'Deploys',
      input: z.object({ target: z.string() }),
      readOnly: true,
      execute: () => 'ok',
    });
    // The killed process still held the session's run lock: its owner is a dead process on this host, so
    // the lock is freed at once (the default 30 s lease never comes into it).
    const store = sqliteStore({ path: db });
    const agent = createAgent({ provider: model, tools: [deploy], policy: { mode: 'workspace-write' }, store });
    const result = await agent.resume('crashed').result;
    expect(result.status).toBe('completed');
    const history = model.requests[0]!.messages;
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(history[1]!.content).toMatchObject([
      { type: 'text', text: 'Deploying now.' },
      { type: 'tool-call', name: 'deploy' },
    ]);
    expect(history[2]!.content[0]).toMatchObject({
      type: 'tool-result',
      name: 'deploy',
      isError: true,
      output: expect.stringMatching(/interrupted/),
    });
    // Nothing more to resume once the run completed.
    await expect(agent.resume('crashed').result).rejects.toThrow(/nothing to resume/);
    await store.close();
  });
});
