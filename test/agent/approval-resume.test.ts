/**
 * `resume` decides again instead of trusting the store: the resuming agent's policy runs first (its mode
 * and deny rules still refuse an approved call), an answer bound to a digest runs only the call that was
 * shown, and a stored pending call changed behind the agent's back is never run. Real coding tools, real
 * bash, the real policy, and a real SQLite file edited with a second SQLite connection.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, memoryStore, type AgentEvent, type RunResult, type SessionStore } from '../../src/index.js';
import { createPolicy, type PolicyOptions } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-resume-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const MARKER = 'marker.txt';
const writeMarker: MockStep = { toolCalls: [{ name: 'write', input: { file_path: MARKER, content: 'ran' } }] };
const bashMarker: MockStep = {
  toolCalls: [{ name: 'bash', input: { command: `echo ran > ${MARKER}`, description: 'write the marker' } }],
};

function agentWith(steps: MockStep[], policy: PolicyOptions, store: SessionStore) {
  const model = mockProvider(steps);
  const agent = createAgent({
    provider: model,
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy: createPolicy({ ...policy, root }),
    store,
  });
  return { agent, model };
}

async function drain(run: AsyncIterable<AgentEvent> & { result: Promise<RunResult> }) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return { events, result: await run.result, results: events.flatMap((e) => (e.type === 'tool-result' ? [e] : [])) };
}

/** Pauses on one asked call and returns the session and the pending request. */
async function pause(step: MockStep, policy: PolicyOptions, store: SessionStore) {
  const { agent } = agentWith([step], policy, store);
  const paused = await agent.run('do it').result;
  expect(paused.status).toBe('paused');
  const request = paused.pending![0]!;
  expect(request.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return { sessionId: paused.sessionId, request };
}

describe('resume runs the current policy first', () => {
  it('refuses an approved bash call when the resuming agent is read-only', async () => {
    const store = memoryStore();
    const { sessionId, request } = await pause(bashMarker, { mode: 'workspace-write' }, store);
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'read-only' }, store);
    const { result, results, events } = await drain(agent.resume(sessionId, { approvals: { [request.id]: 'allow' } }));
    expect(result.status).toBe('completed');
    expect(results).toMatchObject([{ id: request.id, isError: true, errorCode: 'PERMISSION_DENIED' }]);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({ decision: 'deny', source: 'mode' });
    expect(existsSync(join(root, MARKER))).toBe(false);
  });

  it('refuses an approved write that a deny rule of the resuming agent covers', async () => {
    const store = memoryStore();
    const { sessionId, request } = await pause(writeMarker, { mode: 'workspace-write', ask: ['Edit'] }, store);
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'workspace-write', deny: [`Edit(${MARKER})`] }, store);
    const { results, events } = await drain(
      agent.resume(sessionId, { approvals: { [request.id]: { answer: 'allow', digest: request.digest } } }),
    );
    expect(results).toMatchObject([{ isError: true, errorCode: 'PERMISSION_DENIED' }]);
    expect(events.find((e) => e.type === 'permission-decision')).toMatchObject({
      decision: 'deny',
      source: 'rule',
      rule: `Edit(${MARKER})`,
    });
    expect(existsSync(join(root, MARKER))).toBe(false);
  });

  it('still runs the approved call when the resuming policy only asks', async () => {
    const store = memoryStore();
    const { sessionId, request } = await pause(bashMarker, { mode: 'workspace-write' }, store);
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'workspace-write' }, store);
    const { results } = await drain(
      agent.resume(sessionId, { approvals: { [request.id]: { answer: 'allow', digest: request.digest } } }),
    );
    expect(results).toMatchObject([{ id: request.id, isError: false }]);
    expect(await readFile(join(root, MARKER), 'utf8')).toBe('ran\n');
  });
});

describe('one approval runs a call once', () => {
  it('lets only one of two concurrent resumes run the approved command', async () => {
    const store = memoryStore();
    const append: MockStep = {
      toolCalls: [{ name: 'bash', input: { command: `echo ran >> ${MARKER}`, description: 'append' } }],
    };
    const { sessionId, request } = await pause(append, { mode: 'workspace-write' }, store);
    const { agent } = agentWith([{ text: 'ok' }, { text: 'ok' }], { mode: 'workspace-write' }, store);
    const approvals = { [request.id]: { answer: 'allow' as const, digest: request.digest } };
    const outcomes = await Promise.allSettled([
      agent.resume(sessionId, { approvals }).result,
      agent.resume(sessionId, { approvals }).result,
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await readFile(join(root, MARKER), 'utf8')).toBe('ran\n');
  });
});

describe('approvals bound to a digest', () => {
  it('asks again when the answer names another digest, and runs once the right one is given', async () => {
    const store = memoryStore();
    const { sessionId, request } = await pause(writeMarker, { mode: 'workspace-write', ask: ['Edit'] }, store);
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'workspace-write', ask: ['Edit'] }, store);
    const wrong = `sha256:${'0'.repeat(64)}`;
    const again = await drain(
      agent.resume(sessionId, { approvals: { [request.id]: { answer: 'allow', digest: wrong } } }),
    );
    expect(again.result.status).toBe('paused');
    expect(again.result.pending).toMatchObject([{ id: request.id, digest: request.digest }]);
    expect(again.events.find((e) => e.type === 'permission-request')).toMatchObject({
      id: request.id,
      digest: request.digest,
    });
    expect(again.results).toEqual([]);
    expect(existsSync(join(root, MARKER))).toBe(false);

    const done = await drain(
      agent.resume(sessionId, { approvals: { [request.id]: { answer: 'allow', digest: request.digest } } }),
    );
    expect(done.result.status).toBe('completed');
    expect(await readFile(join(root, MARKER), 'utf8')).toBe('ran');
  });

  it('gives the approver the digest of the exact call it shows', async () => {
    const seen: string[] = [];
    const model = mockProvider([writeMarker, { text: 'ok' }]);
    const agent = createAgent({
      provider: model,
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: createPolicy({
        mode: 'workspace-write',
        ask: ['Edit'],
        root,
        approve: (request) => (seen.push(request.digest), 'deny'),
      }),
    });
    const { events } = await drain(agent.run('go'));
    const asked = events.find((e) => e.type === 'permission-request');
    expect(asked?.type === 'permission-request' && asked.digest).toBe(seen[0]);
    expect(seen[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses a malformed bound answer at once', async () => {
    const { agent } = agentWith([], { mode: 'workspace-write' }, memoryStore());
    expect(() => agent.resume('s', { approvals: { a: { answer: 'allow', digest: 7 as unknown as string } } })).toThrow(
      /digest/,
    );
  });
});

describe('stored pending approvals are checked on load', () => {
  /** Edits the stored pending-approvals entry of a session with a second connection to the SQLite file. */
  function tamper(path: string, sessionId: string, edit: (request: Record<string, unknown>) => void): void {
    const db = new Database(path);
    try {
      const rows = db.prepare('SELECT seq, entry FROM entries WHERE session_id = ? ORDER BY seq').all(sessionId) as {
        seq: number;
        entry: string;
      }[];
      const row = rows.findLast((r) => JSON.parse(r.entry).type === 'pending-approvals')!;
      const entry = JSON.parse(row.entry) as { requests: Record<string, unknown>[] };
      edit(entry.requests[0]!);
      db.prepare('UPDATE entries SET entry = ? WHERE session_id = ? AND seq = ?').run(
        JSON.stringify(entry),
        sessionId,
        row.seq,
      );
    } finally {
      db.close();
    }
  }

  async function pausedHarmlessWrite(path: string) {
    const store = sqliteStore({ path });
    const { sessionId, request } = await pause(
      { toolCalls: [{ name: 'write', input: { file_path: 'harmless.txt', content: 'fine' } }] },
      { mode: 'workspace-write', ask: ['Edit'] },
      store,
    );
    await store.close();
    return { sessionId, request };
  }

  it('refuses a stored call whose input was changed after it was asked', async () => {
    const path = join(root, 'sessions.db');
    const { sessionId, request } = await pausedHarmlessWrite(path);
    tamper(path, sessionId, (r) => (r.input = { file_path: MARKER, content: 'tampered' }));

    const store = sqliteStore({ path });
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'workspace-write', ask: ['Edit'] }, store);
    const { result, results } = await drain(agent.resume(sessionId, { approvals: { [request.id]: 'allow' } }));
    expect(result.status).toBe('completed');
    expect(results).toMatchObject([{ id: request.id, isError: true, errorCode: 'PERMISSION_DENIED' }]);
    expect(String(results[0]!.output)).toMatch(/changed after it was asked/);
    expect(existsSync(join(root, MARKER))).toBe(false);
    expect(existsSync(join(root, 'harmless.txt'))).toBe(false);
    await store.close();
  });

  it('never adds a rule read from the store on "allow always"', async () => {
    const path = join(root, 'sessions.db');
    const { sessionId, request } = await pausedHarmlessWrite(path);
    tamper(path, sessionId, (r) => (r.suggestedRule = 'Bash'));
    const store = sqliteStore({ path });
    const { agent } = agentWith([{ text: 'ok' }], { mode: 'workspace-write', ask: ['Edit'] }, store);
    const { results } = await drain(agent.resume(sessionId, { approvals: { [request.id]: 'allow-always' } }));
    expect(results).toMatchObject([{ isError: false }]);
    const bash = await agent.policy.decide({ name: 'bash', input: { command: `touch ${MARKER}` } });
    expect(bash.decision).not.toBe('allow');
    await store.close();
  });

  it('asks again about a stored call whose digest was removed with its input changed', async () => {
    const path = join(root, 'sessions.db');
    const { sessionId, request } = await pausedHarmlessWrite(path);
    tamper(path, sessionId, (r) => {
      r.input = { file_path: MARKER, content: 'tampered' };
      delete r.digest;
    });
    const store = sqliteStore({ path });
    const { agent } = agentWith([], { mode: 'workspace-write', ask: ['Edit'] }, store);
    const { result } = await drain(agent.resume(sessionId, { approvals: { [request.id]: 'allow' } }));
    expect(result.status).toBe('paused');
    // Shown again as it now is, with the digest of what would run.
    expect(result.pending).toMatchObject([{ id: request.id, input: { file_path: MARKER } }]);
    expect(result.pending![0]!.digest).not.toBe(request.digest);
    expect(existsSync(join(root, MARKER))).toBe(false);
    await store.close();
  });
});
