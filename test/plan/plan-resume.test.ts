/**
 * A plan approved in another process: the run plans and pauses on `exit_plan_mode` over a real SQLite file,
 * a second Node process approves it and edits, and a later run in this process (with the approved call
 * compacted out of the history) still writes: the mode switch lives in the session.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { call, drain, PLAN, planAgent, workspace } from './helpers.js';

const project = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/approve-plan.ts', import.meta.url));

let root: string;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ root, dispose } = await workspace());
});
afterEach(() => dispose());

/** Runs the approving process to its end; its one JSON line, or a failure with its stderr. */
function approveElsewhere(env: Record<string, string>): Promise<{
  status: string;
  results: { id: string; isError: boolean; output: unknown }[];
  planning: boolean[];
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`approving process failed (${code}): ${stderr}`));
      else resolve(JSON.parse(line) as never);
    });
  });
}

it('plans, pauses, is approved in another process over SQLite, then edits; the mode survives compaction', async () => {
  const path = join(root, '.sessions.db');
  const first = sqliteStore({ path });
  const planning = planAgent(
    root,
    [call('look', 'read', { file_path: 'notes.txt' }), call('exit', 'exit_plan_mode', { plan: PLAN })],
    { mode: 'plan', afterPlan: 'workspace-write' },
    first,
  );
  const paused = await planning.agent.run('replace beta and add a TODO file').result;
  expect(paused.status).toBe('paused');
  const request = paused.pending![0]!;
  expect(request).toMatchObject({ id: 'exit', name: 'exit_plan_mode', input: { plan: PLAN } });
  planning.model.assertComplete();
  await first.close();

  const approved = await approveElsewhere({
    STORE_PATH: path,
    ROOT: root,
    SESSION_ID: paused.sessionId,
    CALL_ID: request.id,
    DIGEST: request.digest,
  });
  expect(approved.status).toBe('completed');
  expect(approved.results.map((r) => [r.id, r.isError])).toEqual([
    ['exit', false],
    ['edit', false],
    ['todo', false],
  ]);
  expect(approved.planning).toEqual([false, false, false]);
  expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('alpha\ngamma\n');
  expect(await readFile(join(root, 'TODO.md'), 'utf8')).toBe('next steps\n');

  // A compaction boundary drops the approved call from the history the next run holds.
  const store = sqliteStore({ path });
  const { info } = await store.load(paused.sessionId);
  await store.append(
    paused.sessionId,
    [
      {
        type: 'compaction',
        strategy: 'test',
        summary: 'The plan was approved and carried out.',
        upTo: info.version,
        tokensBefore: 1000,
        tokensAfter: 10,
      },
    ],
    { expectedVersion: info.version },
  );
  const later = planAgent(
    root,
    [call('more', 'write', { file_path: 'LATER.md', content: 'later\n' }), { text: 'Done.' }],
    { mode: 'plan', afterPlan: 'workspace-write' },
    store,
  );
  const { results } = await drain(later.agent.run('one more file', { sessionId: paused.sessionId }));
  expect(results.get('more')).toMatchObject({ isError: false });
  expect(later.model.requests[0]!.messages[0]).toMatchObject({
    role: 'user',
    content: [{ text: expect.stringContaining('The plan was approved') }],
  });
  expect(later.model.requests[0]!.system).toBeUndefined();
  later.model.assertComplete();
  await store.close();
}, 60_000);
