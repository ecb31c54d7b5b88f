/**
 * Policy benchmark: `analyzeBash` throughput over the shell corpus, with the parser's one-time
 * initialisation reported separately, against floors measured in the same run: a whitespace split of the
 * same commands (the least any analysis does) and a bare tree-sitter parse (the parser alone).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { analyzeBash, createPolicy } from '../src/policy/index.js';
import { BASH_CORPUS } from '../test/policy/bash-corpus.js';

const ROUNDS = 5;

async function bestOf(run: () => Promise<void> | void): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const perSecond = (count: number, ms: number): string => Math.round((count / ms) * 1000).toLocaleString('en-US');

/** Prints the policy benchmark as a markdown table. */
export async function bench(): Promise<void> {
  const commands = BASH_CORPUS.map((entry) => entry.command);
  const n = commands.length;

  // One-time cost: the first analysis loads web-tree-sitter and the bash grammar (WASM).
  const initStart = performance.now();
  await analyzeBash('true');
  const firstCall = performance.now() - initStart;
  // A separate parser for the bare-parse floor (web-tree-sitter is initialised by now).
  const language = await Language.load(
    createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);

  let sink = 0;
  const floorSplit = await bestOf(() => {
    for (const command of commands) sink += command.trim().split(/\s+/).length;
  });
  const floorParse = await bestOf(() => {
    for (const command of commands) {
      const tree = parser.parse(command);
      sink += tree?.rootNode.childCount ?? 0;
      tree?.delete();
    }
  });
  const analysis = await bestOf(async () => {
    for (const command of commands) sink += (await analyzeBash(command)).commands.length;
  });

  const root = await mkdtemp(join(tmpdir(), 'icode-bench-policy-'));
  let decide = 0;
  try {
    const policy = createPolicy({ root, allow: ['Bash(npm test:*)'], deny: ['Read(./.env)', 'Bash(curl:*)'] });
    decide = await bestOf(async () => {
      for (const command of commands) sink += (await policy.decide({ name: 'bash', input: { command } })).reason.length;
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  parser.delete();
  if (sink < 0) console.log(sink);

  console.log(
    [
      '### Policy: shell analysis',
      '',
      `${n} commands of the shell corpus (test/policy/bash-corpus.ts), best of ${ROUNDS} rounds. ` +
        'The floors do less than the analysis: a whitespace split (no grammar at all) and a bare tree-sitter parse ' +
        '(the grammar without judging anything); ratio = time / floor time.',
      '',
      '| measure | time | commands/s | ratio to split | ratio to bare parse |',
      '|---|---|---|---|---|',
      `| parser initialisation (first \`analyzeBash\`, one-time) | ${firstCall.toFixed(1)} ms | — | — | — |`,
      `| floor: whitespace split | ${floorSplit.toFixed(2)} ms | ${perSecond(n, floorSplit)} | 1.0 | — |`,
      `| floor: bare tree-sitter parse | ${floorParse.toFixed(2)} ms | ${perSecond(n, floorParse)} | ${(floorParse / floorSplit).toFixed(0)} | 1.0 |`,
      `| \`analyzeBash\` | ${analysis.toFixed(2)} ms | ${perSecond(n, analysis)} | ${(analysis / floorSplit).toFixed(0)} | ${(analysis / floorParse).toFixed(2)} |`,
      `| \`policy.decide\` (bash, with path canonicalisation) | ${decide.toFixed(2)} ms | ${perSecond(n, decide)} | ${(decide / floorSplit).toFixed(0)} | ${(decide / floorParse).toFixed(2)} |`,
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
