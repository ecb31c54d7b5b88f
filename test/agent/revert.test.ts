/**
 * Revert and fork on real parts: coding tools and bash on a temp workspace, git snapshots in a shadow
 * repository, a SQLite store.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type Policy } from '../../src/index.js';
import { gitSnapshots, localSandbox } from '../../src/sandbox/index.js';
import { sqliteStore } from '../../src/stores/sqlite/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const allow: Policy = { decide: async () => ({ decision: 'allow', reason: 'test' }) };
let root: string;
let scratch: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-revert-ws-'));
  scratch = await mkdtemp(join(tmpdir(), 'icode-revert-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

async function workspace(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(root)).filter((n) => n !== '.icode').sort())
    files[name] = await readFile(join(root, name), 'utf8');
  return files;
}

describe('revert and fork', () => {
  it('reverts files (changed by edit and by bash) and the conversation to turn 1, byte-identical', async () => {
    await writeFile(join(root, 'app.ts'), 'export const version = 1;\r\n');
    const store = sqliteStore({ path: join(scratch, 'sessions.db') });
    const model = mockProvider([
      // turn 1: read, then turn 2: the answer of the first run.
      { toolCalls: [{ name: 'read', input: { file_path: 'app.ts' } }] },
      { text: 'version is 1' },
      // second run: turn 3 edits, turn 4 uses bash, turn 5 answers.
      {
        toolCalls: [
          { name: 'edit', input: { file_path: 'app.ts', old_string: 'version = 1', new_string: 'version = 2' } },
        ],
      },
      {
        toolCalls: [
          {
            name: 'bash',
            input: { command: 'echo made by bash > notes.txt && rm app.ts', description: 'change files' },
          },
        ],
      },
      { text: 'changed things' },
    ]);
    const agent = createAgent({
      provider: model,
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: allow,
      store,
      snapshots: gitSnapshots({ root, dir: join(scratch, 'snapshots') }),
    });
    const first = await agent.run('what version?').result;
    const atTurn2 = { files: await workspace(), entries: (await store.load(first.sessionId)).entries };
    await agent.run('bump it and take notes', { sessionId: first.sessionId }).result;
    expect(await workspace()).toEqual({ 'notes.txt': 'made by bash\n' });

    const reverted = await agent.revert(first.sessionId, { toTurn: 2 });
    expect(reverted.restoredSnapshot).toBeDefined();
    expect(await workspace()).toEqual(atTurn2.files);
    expect(await readFile(join(root, 'app.ts'))).toEqual(Buffer.from('export const version = 1;\r\n'));
    const after = await store.load(first.sessionId);
    expect(after.entries).toEqual(atTurn2.entries);
    await store.close();
  });

  it('forks a session at a turn into an independent one', async () => {
    const store = sqliteStore({ path: join(scratch, 'fork.db') });
    const agent = createAgent({
      provider: mockProvider([{ text: 'one' }, { text: 'two' }, { text: 'branch' }, { text: 'main' }]),
      policy: allow,
      store,
    });
    const main = await agent.run('first').result;
    await agent.run('second', { sessionId: main.sessionId }).result;
    const fork = await agent.fork(main.sessionId, { atTurn: 1 });
    expect(fork.parentId).toBe(main.sessionId);
    expect(fork.version).toBe(2);
    await agent.run('on the branch', { sessionId: fork.id }).result;
    await agent.run('on main', { sessionId: main.sessionId }).result;
    const texts = async (id: string) =>
      (await store.load(id)).entries.flatMap((e) =>
        e.entry.type === 'message' ? [e.entry.message.content.map((p) => ('text' in p ? p.text : '')).join('')] : [],
      );
    expect(await texts(fork.id)).toEqual(['first', 'one', 'on the branch', 'branch']);
    expect(await texts(main.sessionId)).toEqual(['first', 'one', 'second', 'two', 'on main', 'main']);
    await store.close();
  });

  it('refuses a negative or fractional turn', async () => {
    const agent = createAgent({ provider: mockProvider([]), policy: allow });
    await expect(agent.revert('x', { toTurn: -1 })).rejects.toThrow(/toTurn/);
    await expect(agent.fork('x', { atTurn: 1.5 })).rejects.toThrow(/atTurn/);
  });
});

describe('revert past the end', () => {
  it('refuses a turn the session never reached', async () => {
    const agent = createAgent({ provider: mockProvider([{ text: 'one' }]), policy: allow });
    const { sessionId } = await agent.run('hi').result;
    await expect(agent.revert(sessionId, { toTurn: 99 })).rejects.toThrow(
      /past the end of the session: its last turn is 1/,
    );
    await expect(agent.fork(sessionId, { atTurn: 2 })).rejects.toThrow(/past the end/);
    expect((await agent.revert(sessionId, { toTurn: 1 })).version).toBe(2);
  });
});
