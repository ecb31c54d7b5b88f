/**
 * Sub-agents: what delegating a task costs next to calling a tool, and what an idle sub-agent session
 * keeps in memory.
 * - call overhead: a run whose model makes one sub-agent call (the child answers in one model turn) against
 *   the floor of the same run making one direct tool call; both consume every event through the iterator,
 *   on the mock model, taking turns so machine noise hits them alike;
 * - memory: heap kept per finished sub-agent call (its child session in the memory store, its entry in the
 *   parent's result), against a plain run's session of the same size.
 *
 *   npx tsx bench/subagent.ts
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { createAgent, memoryStore, subagent, tool, type Agent } from '../src/index.js';
import { mockProvider } from '../src/testing/index.js';
import { table, timeRounds } from './stats.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const echo = tool({
  name: 'echo',
  description: 'Echo',
  input: z.object({ prompt: z.string() }),
  readOnly: true,
  execute: ({ prompt }) => `echo: ${prompt}`,
});

/** A parent whose model calls `toolName` once, then answers; the tool (or child) answers at once. */
function parent(toolName: string, tools: Parameters<typeof createAgent>[0]['tools']): Agent {
  return createAgent({
    provider: mockProvider((request) =>
      request.messages.at(-1)?.role === 'tool'
        ? { text: 'done' }
        : { toolCalls: [{ name: toolName, input: { prompt: 'task' } }] },
    ),
    tools: tools ?? [],
    repeatLimit: false,
    // Every session kept: the default bound (1000) would evict what is measured.
    store: memoryStore({ maxSessions: Infinity }),
  });
}

const child = () =>
  subagent({
    name: 'helper',
    description: 'Helps',
    options: { provider: mockProvider(() => ({ text: 'child done' })) },
  });

async function consume(agent: Agent): Promise<void> {
  for await (const _event of agent.run('go')) void _event;
}

async function heapPerRun(agent: Agent, runs: number): Promise<number> {
  // Warm first, so code and caches made by the first runs are not counted as kept per run.
  for (let i = 0; i < 200; i++) await agent.run('go').result;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < runs; i++) await agent.run('go').result;
  gc();
  return (process.memoryUsage().heapUsed - before) / runs;
}

export async function bench(): Promise<void> {
  const direct = parent('echo', [echo]);
  const delegated = parent('helper', [child()]);
  const [sub, floor] = await timeRounds([() => consume(delegated), () => consume(direct)], 400, 50);
  const rows: (string | number)[][] = [
    ['run with one call, µs', sub! * 1000, floor! * 1000, sub! / floor!, '≤ 3×'],
    ['sub-agent call, extra µs', (sub! - floor!) * 1000, '', '', ''],
  ];

  const runs = 2000;
  const kept = await heapPerRun(parent('helper', [child()]), runs);
  const keptDirect = await heapPerRun(parent('echo', [echo]), runs);
  // What a child session of one turn costs on its own: a plain one-turn run in the same kind of store.
  const plain = await heapPerRun(
    createAgent({
      provider: mockProvider(() => ({ text: 'child done' })),
      store: memoryStore({ maxSessions: Infinity }),
    }),
    runs,
  );
  rows.push(
    ['heap kept per run with one call, KB', kept / 1024, keptDirect / 1024, kept / keptDirect, ''],
    [
      'heap per idle sub-agent session (difference), KB',
      (kept - keptDirect) / 1024,
      plain / 1024,
      (kept - keptDirect) / plain,
      '',
    ],
  );

  console.log('\n## Sub-agents\n');
  console.log(table(['measure', 'sub-agent', 'floor', 'ratio', 'goal'], rows));
  console.log(
    "\nFloors: the same run with one direct tool call instead of the sub-agent call (time, and heap the memory store keeps per run); for an idle sub-agent session, a plain one-turn run's session in the memory store (the child session holds the same messages, plus its metadata and the parent's `children` entry).",
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await bench();
