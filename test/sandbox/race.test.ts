/**
 * File tools cannot race out of the workspace. A child process swaps a directory of the workspace and a
 * symbolic link to an outside directory (holding a secret) with renameat2(RENAME_EXCHANGE) in a tight
 * loop, while thousands of reads and writes run through real agents (createAgent + codingTools +
 * createPolicy, a scripted model) on localSandbox and bubblewrapSandbox. No outside content may come back,
 * and nothing outside may be created or changed.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bubblewrapSandbox, localSandbox, type Sandbox } from 'icode/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { mockProvider, type MockStep } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';
import type { Tool } from '../../src/tools/tool.js';
import { toolContext } from './helpers.js';
import { makeArena, SECRET, snapshotTree, startSwapper, stopSwapper, type Arena } from './race-helpers.js';

/**
 * 10,000 tool calls per sandbox: some through an agent (createAgent + codingTools + createPolicy), run
 * concurrently per model turn as a model's parallel calls are, the rest through the same tools' `execute`
 * with a real context. An agent adds about 3 ms a call (policy, events, history), so the default suite
 * sends 2,000 through it; ICODE_RACE_ITERATIONS=10000 sends all of them (about 30 s per sandbox on a
 * 2-core machine).
 */
const TOTAL_ITERATIONS = 10_000;
const ITERATIONS = Math.min(TOTAL_ITERATIONS, Number(process.env.ICODE_RACE_ITERATIONS ?? 2_000));
const CALLS_PER_TURN = 500;
const DIRECT_ITERATIONS = TOTAL_ITERATIONS - ITERATIONS;

let arena: Arena | undefined;
afterEach(() => {
  if (arena) rmSync(arena.base, { recursive: true, force: true });
  arena = undefined;
});

/**
 * The scripted model: turns of reads and writes through both names of the swapped pair. One call in five
 * is a write (a write costs an fsync, several times a read).
 */
function script(iterations: number): MockStep[] {
  const steps: MockStep[] = [];
  for (let start = 0; start < iterations; start += CALLS_PER_TURN) {
    const toolCalls = [];
    for (let i = start; i < Math.min(iterations, start + CALLS_PER_TURN); i++) {
      const dir = i % 10 < 5 ? 'd' : 'x';
      toolCalls.push(
        i % 5 !== 4
          ? // Each call differs (limit), so the policy's guard against repeated identical calls stays out of it.
            { name: 'read', input: { file_path: `${dir}/f.txt`, limit: i + 1 } }
          : { name: 'write', input: { file_path: `${dir}/w-${i}.txt`, content: `written ${i}\n` } },
      );
    }
    steps.push({ toolCalls });
  }
  steps.push({ text: 'done' });
  return steps;
}

interface Tally {
  readsOk: number;
  readsRefused: number;
  writesOk: number;
  writesRefused: number;
  leaks: string[];
}

async function raceThroughAgent(sandbox: Sandbox, current: Arena): Promise<Tally> {
  const agent = createAgent({
    provider: mockProvider(script(ITERATIONS)),
    tools: codingTools({ sandbox, exclude: ['web_fetch'] }),
    sandbox,
    // An approver that refuses: a run never pauses, whatever the policy asks about.
    policy: createPolicy({ mode: 'workspace-write', root: current.root, approve: () => 'deny' }),
    maxTurns: Math.ceil(ITERATIONS / CALLS_PER_TURN) + 2,
    maxParallelTools: 16,
  });
  const swapper = startSwapper(path.join(current.root, 'd'), path.join(current.root, 'x'), 120);
  const tally: Tally = { readsOk: 0, readsRefused: 0, writesOk: 0, writesRefused: 0, leaks: [] };
  try {
    const run = agent.run('race');
    for await (const event of run as AsyncIterable<AgentEvent>) {
      if (event.type !== 'tool-result') continue;
      const output = typeof event.output === 'string' ? event.output : JSON.stringify(event.output);
      if (output.includes(SECRET)) tally.leaks.push(output);
      if (event.name === 'read') tally[event.isError ? 'readsRefused' : 'readsOk']++;
      else tally[event.isError ? 'writesRefused' : 'writesOk']++;
    }
    expect((await run.result).status).toBe('completed');
    // The swapper ran the whole time: it only stops when killed (or after its own deadline).
    expect(swapper.exitCode).toBeNull();
  } finally {
    await stopSwapper(swapper);
  }
  return tally;
}

function expectNoEscape(current: Arena, tally: Tally, iterations: number): void {
  expect(tally.leaks).toEqual([]);
  expect(tally.readsOk + tally.readsRefused + tally.writesOk + tally.writesRefused).toBe(iterations);
  // Both states of the race were hit: reads through the real directory worked, reads through the link
  // were refused. A race that never flips proves nothing.
  expect(tally.readsOk).toBeGreaterThan(0);
  expect(tally.readsRefused).toBeGreaterThan(0);
  expect(tally.writesOk).toBeGreaterThan(0);
  // Nothing outside was created, removed or changed (content and mtime).
  expect(snapshotTree(current.outside)).toEqual(current.outsideBefore);
  // Every write that succeeded landed inside, in the real directory (whichever name it has now).
  const realDir = ['d', 'x'].map((name) => path.join(current.root, name)).find((dir) => !isLink(dir));
  const written = readdirSync(realDir as string).filter((name) => name.startsWith('w-'));
  expect(written.length).toBe(tally.writesOk);
  expect(readFileSync(path.join(realDir as string, 'f.txt'), 'utf8')).toBe('inside content\n');
  expect(readdirSync(realDir as string).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

function isLink(file: string): boolean {
  return (
    existsSync(file) &&
    readdirSync(path.dirname(file), { withFileTypes: true }).some(
      (entry) => entry.name === path.basename(file) && entry.isSymbolicLink(),
    )
  );
}

/** The same calls as the scripted model makes, through the tools' `execute` with a real context, 16 at a time. */
async function raceThroughTools(sandbox: Sandbox, current: Arena, iterations: number): Promise<Tally> {
  const tools = codingTools({ sandbox, exclude: ['web_fetch'] });
  const byName = (name: string): Tool => tools.find((entry) => entry.name === name) as Tool;
  const ctx = toolContext(sandbox);
  const calls = script(iterations).flatMap((step) => (typeof step === 'function' ? [] : (step.toolCalls ?? [])));
  const tally: Tally = { readsOk: 0, readsRefused: 0, writesOk: 0, writesRefused: 0, leaks: [] };
  const swapper = startSwapper(path.join(current.root, 'd'), path.join(current.root, 'x'), 120);
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let call = calls[next++]; call !== undefined; call = calls[next++]) {
        const target = byName(call.name);
        const outcome = await Promise.resolve()
          .then(() => target.execute(target.input.parse(call.input) as never, ctx))
          .then(
            (output) => ({ ok: true, text: String(output) }),
            (error: unknown) => ({ ok: false, text: String(error) }),
          );
        if (outcome.text.includes(SECRET)) tally.leaks.push(outcome.text);
        if (call.name === 'read') tally[outcome.ok ? 'readsOk' : 'readsRefused']++;
        else tally[outcome.ok ? 'writesOk' : 'writesRefused']++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(swapper.exitCode).toBeNull();
  } finally {
    await stopSwapper(swapper);
  }
  return tally;
}

const SANDBOXES: [string, (root: string) => Sandbox][] = [
  ['localSandbox', (root) => localSandbox({ root })],
  ['bubblewrapSandbox', (root) => bubblewrapSandbox({ root })],
];

describe.each(SANDBOXES)('%s: file tools against a directory/symlink swapping race', (name, make) => {
  it(`${ITERATIONS} reads and writes through an agent: zero escapes`, async () => {
    arena = makeArena('icode-race-agent-');
    const started = Date.now();
    const tally = await raceThroughAgent(make(arena.root), arena);
    expectNoEscape(arena, tally, ITERATIONS);
    console.log(`${name} race through an agent: ${ITERATIONS} calls in ${Date.now() - started} ms`, tally);
  }, 180_000);

  // All 10,000 through the agent (ICODE_RACE_ITERATIONS=10000): nothing is left for this one.
  if (DIRECT_ITERATIONS > 0) {
    it(`${DIRECT_ITERATIONS} more reads and writes through the tools: zero escapes`, async () => {
      arena = makeArena('icode-race-tools-');
      const started = Date.now();
      const tally = await raceThroughTools(make(arena.root), arena, DIRECT_ITERATIONS);
      expectNoEscape(arena, tally, DIRECT_ITERATIONS);
      console.log(`${name} race through the tools: ${DIRECT_ITERATIONS} calls in ${Date.now() - started} ms`, tally);
    }, 180_000);
  }
});
