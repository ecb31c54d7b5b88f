/** A paused sub-agent tree, resumed in a fresh process over SQLite. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { treeAgent } from './fixtures/tree-agent.js';
import { workspace } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/tree-agent.ts', import.meta.url));

let ws: Awaited<ReturnType<typeof workspace>>;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

function runProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a paused sub-agent tree', () => {
  it('is resumed in a fresh process: the child runs the approved call, then the parent goes on', async () => {
    const db = join(ws.outside, 'sessions.db');
    const first = treeAgent(
      db,
      ws.root,
      [{ toolCalls: [{ name: 'fixer', input: { prompt: 'create deployed.txt' } }] }],
      [{ toolCalls: [{ name: 'bash', input: { command: 'touch deployed.txt' } }] }],
    );
    const paused = await first.agent.run('Deploy', { sessionId: 'tree' }).result;
    for (const model of first.models) model.assertComplete();
    await first.store.close();
    expect(paused.status).toBe('paused');
    expect(paused.pending).toHaveLength(1);
    const [request] = paused.pending!;
    expect(request).toMatchObject({ name: 'bash', path: ['master', 'fixer'] });
    expect(existsSync(join(ws.root, 'deployed.txt'))).toBe(false);

    const approvals = { [request!.id]: { answer: 'allow', digest: request!.digest } };
    const { code, stdout, stderr } = await runProcess([db, ws.root, 'resume', JSON.stringify(approvals)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const resumed = JSON.parse(stdout) as {
      status: string;
      text: string;
      children: { name: string; status: string }[];
      paths: string[];
    };
    expect(resumed.status).toBe('completed');
    expect(resumed.text).toBe('The fixer created the file.');
    expect(resumed.children).toMatchObject([{ name: 'fixer', status: 'completed' }]);
    expect(resumed.paths).toContain('master>fixer:permission-decision');
    expect(resumed.paths).toContain('master>fixer:tool-result');
    expect(existsSync(join(ws.root, 'deployed.txt'))).toBe(true);
  }, 60_000);
});
