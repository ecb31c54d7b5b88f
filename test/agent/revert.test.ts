/**
 * Revert and fork on real parts: coding tools and bash on a temp workspace, git snapshots in a shadow
 * repository, a SQLite store.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent, type Policy } from '../../src/index.js';
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

/** Every file and link under `dir` (not `.git`) with its mode and content: equal listings, identical trees. */
function tree(dir: string, relative = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, relative)).sort()) {
    const rel = relative ? `${relative}/${name}` : name;
    if (rel === '.git') continue;
    const stat = lstatSync(join(dir, rel));
    if (stat.isDirectory()) out.push(`dir ${rel}`, ...tree(dir, rel));
    else out.push(`file ${rel} ${(stat.mode & 0o777).toString(8)} ${readFileSync(join(dir, rel)).toString('base64')}`);
  }
  return out;
}

/** A real policy that lets the scripted model run what these scenarios need, as a user would allow it. */
const fullAccess = {
  mode: 'full-access' as const,
  allow: ['Bash(rm -rf src)', 'Bash(truncate:*)', 'Bash(head:*)', 'Bash(echo:*)'],
  approve: () => 'allow' as const,
};

function agentFor(model: ReturnType<typeof mockProvider>, snapshotOptions: { maxTotalBytes?: number } = {}) {
  return createAgent({
    provider: model,
    tools: codingTools({ root, exclude: ['web_fetch'] }),
    sandbox: localSandbox({ root }),
    policy: fullAccess,
    snapshots: gitSnapshots({ root, dir: join(scratch, 'snapshots'), ...snapshotOptions }),
  });
}

const bash = (command: string) => ({ name: 'bash', input: { command, description: 'run' } });

describe('undo the agent cannot blind', () => {
  it('restores src/ exactly after the model wrote .gitignore `*` and ran rm -rf src', async () => {
    await mkdir(join(root, 'src/lib'), { recursive: true });
    await writeFile(join(root, 'src/app.ts'), 'export const app = 1;\r\n');
    await writeFile(join(root, 'src/lib/util.ts'), 'export const util = 2;\n');
    chmodSync(join(root, 'src/lib/util.ts'), 0o755);
    await writeFile(join(root, 'README.md'), '# project\n');
    await writeFile(join(root, '.gitignore'), 'dist/\n');
    const original = tree(root);
    const model = mockProvider([
      { toolCalls: [{ name: 'read', input: { file_path: 'README.md' } }] },
      { text: 'read it' },
      { toolCalls: [{ name: 'read', input: { file_path: '.gitignore' } }] },
      { toolCalls: [{ name: 'write', input: { file_path: '.gitignore', content: '*\n' } }] },
      { toolCalls: [bash('rm -rf src')] },
      { text: 'cleaned up' },
    ]);
    const agent = agentFor(model);
    const first = await agent.run('look').result;
    const events: AgentEvent[] = [];
    const run = agent.run('clean up', { sessionId: first.sessionId });
    for await (const event of run) events.push(event);
    expect((await run.result).status).toBe('completed');
    expect(events.filter((event) => event.type === 'tool-result' && event.isError)).toEqual([]);
    expect(await readFile(join(root, '.gitignore'), 'utf8')).toBe('*\n');
    expect(readdirSync(root)).not.toContain('src');
    const ignoreLine = `file .gitignore 644 ${Buffer.from('*\n').toString('base64')}`;
    const afterIgnore = original.map((line) => (line.startsWith('file .gitignore ') ? ignoreLine : line));

    // Back to the end of turn 4 (the .gitignore written, src not yet deleted): src is back byte for byte.
    const toIgnore = await agent.revert(first.sessionId, { toTurn: 4 });
    expect(tree(root)).toEqual(afterIgnore);
    expect(toIgnore).toMatchObject({ unrestored: [], warnings: [] });
    // And back to the start of the second run: the .gitignore as it was.
    const toStart = await agent.revert(first.sessionId, { toTurn: 2 });
    expect(tree(root)).toEqual(original);
    expect(toStart).toMatchObject({ unrestored: [], warnings: [] });
    model.assertComplete();
  });

  it('keeps a recorded file tracked after an ignore rule covers it', async () => {
    await writeFile(join(root, 'notes.txt'), 'v1\n');
    const model = mockProvider([
      { toolCalls: [{ name: 'write', input: { file_path: '.gitignore', content: 'notes.txt\n' } }] },
      { toolCalls: [bash('echo v2 > notes.txt')] },
      { toolCalls: [bash('echo v3 > notes.txt')] },
      { text: 'done' },
    ]);
    const agent = agentFor(model);
    const { sessionId } = await agent.run('take notes').result;
    expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('v3\n');
    // The snapshot before turn 3 recorded notes.txt as v2, ignore rule or not.
    const toTurn2 = await agent.revert(sessionId, { toTurn: 2 });
    expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('v2\n');
    expect(toTurn2).toMatchObject({ unrestored: [], warnings: [] });
    expect(await agent.revert(sessionId, { toTurn: 0 })).toMatchObject({ unrestored: [], warnings: [] });
    expect(tree(root)).toEqual([`file notes.txt 644 ${Buffer.from('v1\n').toString('base64')}`]);
  });

  it('goes on past the size cap with sparse files: later writing turns work and a warning is emitted', async () => {
    await writeFile(join(root, 'a.txt'), 'a');
    const model = mockProvider([
      // 45 MiB of holes (under a 2 MiB cap), a 900 MiB hole past the per-file cap (the sandbox's own file-size
      // limit stops bigger ones), 3 MiB of real data.
      {
        toolCalls: [
          bash(
            'truncate -s 9M s1 s2 s3 s4 s5 && truncate -s 900M disk.img && head -c 3145728 /dev/urandom > dense.bin',
          ),
        ],
      },
      { toolCalls: [{ name: 'write', input: { file_path: 'b.txt', content: 'b' } }] },
      { toolCalls: [bash('echo c > c.txt')] },
      { text: 'done' },
    ]);
    const agent = agentFor(model, { maxTotalBytes: 2 * 1024 * 1024 });
    const events: AgentEvent[] = [];
    const run = agent.run('fill the disk');
    for await (const event of run) events.push(event);
    const result = await run.result;
    expect(result.status).toBe('completed');
    const failed = events.filter((event) => event.type === 'tool-result' && event.isError);
    expect(failed).toEqual([]);
    expect(await readFile(join(root, 'c.txt'), 'utf8')).toBe('c\n');
    const warnings = events.filter((event) => event.type === 'snapshot-warning');
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'too-large', paths: ['disk.img'], sessionTurn: 2 }),
      expect.objectContaining({ kind: 'over-total', paths: ['dense.bin'], sessionTurn: 2 }),
    ]);
    // Reported once, not at every turn.
    expect(warnings).toHaveLength(2);
    // Undo still works for what the snapshots hold.
    const reverted = await agent.revert(result.sessionId, { toTurn: 1 });
    expect(reverted.unrestored).toEqual([]);
    expect(readdirSync(root)).not.toContain('b.txt');
    expect(readdirSync(root)).not.toContain('c.txt');
    expect(reverted.warnings.join('\n')).toMatch(/disk\.img/);
  });

  it('reports what it could not restore, e.g. a directory made unwritable', async () => {
    await mkdir(join(root, 'src/locked'), { recursive: true });
    await writeFile(join(root, 'src/locked/keep.ts'), 'keep');
    await writeFile(join(root, 'src/open.ts'), 'open');
    const model = mockProvider([{ toolCalls: [bash('rm -f src/locked/keep.ts src/open.ts')] }, { text: 'removed' }]);
    const agent = agentFor(model);
    const { sessionId } = await agent.run('remove').result;
    const locked = join(root, 'src/locked');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chattr', ['+i', locked]);
    else chmodSync(locked, 0o555);
    let reverted;
    try {
      reverted = await agent.revert(sessionId, { toTurn: 0 });
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', locked]);
      else chmodSync(locked, 0o755);
    }
    expect(reverted.unrestored).toEqual([{ path: 'src/locked/keep.ts', reason: 'missing' }]);
    expect(reverted.warnings.join('\n')).toMatch(/src\/locked\/keep\.ts \(missing\)/);
    expect(await readFile(join(root, 'src/open.ts'), 'utf8')).toBe('open');
    // The conversation was reverted all the same.
    expect(reverted.version).toBe(0);
  });

  it('says so when it cannot restore files at all (no snapshots configured)', async () => {
    const agent = createAgent({
      provider: mockProvider([{ toolCalls: [bash('echo x > x.txt')] }, { text: 'ok' }]),
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      sandbox: localSandbox({ root }),
      policy: fullAccess,
    });
    const { sessionId } = await agent.run('write').result;
    const reverted = await agent.revert(sessionId, { toTurn: 0 });
    expect(reverted.unrestored).toEqual([]);
    expect(reverted.warnings).toEqual([expect.stringMatching(/Only the conversation was reverted/)]);
  });
});
