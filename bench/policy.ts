/**
 * Policy benchmark: `analyzeBash` throughput over the shell corpus, with the parser's one-time
 * initialisation reported separately, against floors measured in the same run: a whitespace split of the
 * same commands (the least any analysis does) and a bare tree-sitter parse (the parser alone).
 *
 * The measures are interleaved round by round (split, parse, analysis, decide, split…), after warm-up
 * rounds, so that machine noise and the engine's optimisation of the code hit them alike; the best round of
 * each is kept. The first pass of the parse and of the analysis, before any warm-up, is reported too: an
 * agent analyses one command per tool call, often before the engine has optimised the analysis.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { analyzeBash, createPolicy } from '../src/policy/index.js';
import { BASH_CORPUS } from '../test/policy/bash-corpus.js';

const WARMUP = 3;
const ROUNDS = 10;

type Run = () => Promise<void> | void;

async function timed(run: Run): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Runs every measure once per round, interleaved, after warm-up rounds; the best time of each, in ms. */
async function bestInterleaved<K extends string>(runs: Record<K, Run>): Promise<Record<K, number>> {
  const names = Object.keys(runs) as K[];
  for (let round = 0; round < WARMUP; round++) for (const name of names) await runs[name]();
  const best = Object.fromEntries(names.map((name) => [name, Infinity])) as Record<K, number>;
  for (let round = 0; round < ROUNDS; round++)
    for (const name of names) best[name] = Math.min(best[name], await timed(runs[name]));
  return best;
}

const perSecond = (count: number, ms: number): string => Math.round((count / ms) * 1000).toLocaleString('en-US');

/** The bare-parse floor: a parser of its own (web-tree-sitter is initialised by the first analysis). */
async function bareParser(): Promise<Parser> {
  const language = await Language.load(
    createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Prints the policy benchmark as a markdown table. */
export async function bench(): Promise<void> {
  const commands = BASH_CORPUS.map((entry) => entry.command);
  const n = commands.length;

  // One-time cost: the first analysis loads web-tree-sitter and the bash grammar (WASM).
  const initStart = performance.now();
  await analyzeBash('true');
  const firstCall = performance.now() - initStart;
  const parser = await bareParser();

  let sink = 0;
  const split: Run = () => {
    for (const command of commands) sink += command.trim().split(/\s+/).length;
  };
  const parse: Run = () => {
    for (const command of commands) {
      const tree = parser.parse(command);
      sink += tree?.rootNode.childCount ?? 0;
      tree?.delete();
    }
  };
  const analysis: Run = async () => {
    for (const command of commands) sink += (await analyzeBash(command)).commands.length;
  };
  const coldParse = await timed(parse);
  const coldAnalysis = await timed(analysis);

  const root = await mkdtemp(join(tmpdir(), 'icode-bench-policy-'));
  let best: Record<'split' | 'parse' | 'analysis' | 'decide', number>;
  try {
    const policy = createPolicy({ root, allow: ['Bash(npm test:*)'], deny: ['Read(./.env)', 'Bash(curl:*)'] });
    const decide: Run = async () => {
      for (const command of commands) sink += (await policy.decide({ name: 'bash', input: { command } })).reason.length;
    };
    best = await bestInterleaved({ split, parse, analysis, decide });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  parser.delete();
  if (sink < 0) console.log(sink);

  const row = (label: string, ms: number): string =>
    `| ${label} | ${ms.toFixed(2)} ms | ${perSecond(n, ms)} | ${(ms / best.split).toFixed(0)} | ${(ms / best.parse).toFixed(2)} |`;
  console.log(
    [
      '### Policy: shell analysis',
      '',
      `${n} commands of the shell corpus (test/policy/bash-corpus.ts): best of ${ROUNDS} interleaved rounds after ` +
        `${WARMUP} warm-up rounds. The floors do less than the analysis: a whitespace split (no grammar at all) and ` +
        'a bare tree-sitter parse (the grammar without judging anything); ratio = time / floor time.',
      '',
      '| measure | time | commands/s | ratio to split | ratio to bare parse |',
      '|---|---|---|---|---|',
      `| parser initialisation (first \`analyzeBash\`, one-time) | ${firstCall.toFixed(1)} ms | — | — | — |`,
      `| floor: whitespace split | ${best.split.toFixed(2)} ms | ${perSecond(n, best.split)} | 1.0 | — |`,
      row('floor: bare tree-sitter parse', best.parse),
      row('`analyzeBash`', best.analysis),
      row('`policy.decide` (bash, with path canonicalisation)', best.decide),
      `| first pass, before warm-up: bare parse | ${coldParse.toFixed(2)} ms | ${perSecond(n, coldParse)} | — | 1.0 |`,
      `| first pass, before warm-up: \`analyzeBash\` | ${coldAnalysis.toFixed(2)} ms | ${perSecond(n, coldAnalysis)} | — | ${(coldAnalysis / coldParse).toFixed(2)} |`,
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
