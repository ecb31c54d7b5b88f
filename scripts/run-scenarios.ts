/**
 * `npm run scenarios`: every scenario of `scenarios/` on the in-process mock model and on each provider
 * adapter through its mock wire server; prints a scenario × provider table and the failures, and exits
 * non-zero on any failure.
 *
 * Arguments filter what runs: scenario names, and `--provider <name>` (repeatable); `--dir <path>` reads
 * the scenarios from another directory.
 */
import { fileURLToPath } from 'node:url';
import {
  formatScenarioTable,
  loadScenarios,
  runScenario,
  SCENARIO_PROVIDERS,
  type ScenarioOutcome,
  type ScenarioProvider,
} from '../src/testing/scenario/index.js';

interface Args {
  readonly names: string[];
  readonly providers: ScenarioProvider[];
  readonly directory: string;
}

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = [];
  const providers: ScenarioProvider[] = [];
  let directory = fileURLToPath(new URL('../scenarios/', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dir') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new Error('--dir takes a directory of scenario files.');
      directory = value;
    } else if (arg === '--provider') {
      const value = argv[++i];
      if (!(SCENARIO_PROVIDERS as readonly string[]).includes(value ?? '')) {
        throw new Error(`--provider takes one of ${SCENARIO_PROVIDERS.join(', ')}; got ${String(value)}.`);
      }
      providers.push(value as ScenarioProvider);
    } else names.push(arg);
  }
  return { names, providers: providers.length > 0 ? providers : [...SCENARIO_PROVIDERS], directory };
}

async function main(): Promise<number> {
  const { names, providers, directory } = parseArgs(process.argv.slice(2));
  const all = await loadScenarios(directory);
  const unknown = names.filter((name) => !all.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`No scenario named ${unknown.join(', ')} in ${directory}.`);
  const scenarios = names.length > 0 ? all.filter((scenario) => names.includes(scenario.name)) : all;

  const started = performance.now();
  const outcomes: ScenarioOutcome[] = [];
  // Providers in parallel, scenarios one after another on each: six mock servers at most at a time.
  const perProvider = await Promise.all(
    providers.map(async (provider) => {
      const mine: ScenarioOutcome[] = [];
      for (const scenario of scenarios) mine.push(await runScenario(scenario, { provider }));
      return mine;
    }),
  );
  for (const scenario of scenarios) {
    for (const list of perProvider) {
      const outcome = list.find((o) => o.name === scenario.name);
      if (outcome) outcomes.push(outcome);
    }
  }

  console.log(formatScenarioTable(outcomes));
  console.log(`(${Math.round(performance.now() - started)} ms)`);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  for (const outcome of failed) {
    console.log(`\n✗ ${outcome.name} on ${outcome.provider}:`);
    for (const failure of outcome.failures) console.log(`  - ${failure}`);
  }
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
