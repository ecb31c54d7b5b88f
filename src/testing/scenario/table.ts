/**
 * The scenario × provider table `npm run scenarios` prints.
 *
 * @packageDocumentation
 */
import type { ScenarioOutcome } from './run-scenario.js';
import { SCENARIO_PROVIDERS, type ScenarioProvider } from './schema.js';

/**
 * A markdown table of outcomes: one row per scenario, one column per provider, each cell `passed`,
 * `FAILED` or `pending`, and a last line counting them.
 *
 * @example
 * ```ts
 * const outcomes = await Promise.all(providers.map((provider) => runScenario(scenario, { provider })));
 * console.log(formatScenarioTable(outcomes));
 * ```
 */
export function formatScenarioTable(outcomes: readonly ScenarioOutcome[]): string {
  const providers = SCENARIO_PROVIDERS.filter((p) => outcomes.some((o) => o.provider === p));
  const names = [...new Set(outcomes.map((o) => o.name))];
  const cell = (name: string, provider: ScenarioProvider): string => {
    const outcome = outcomes.find((o) => o.name === name && o.provider === provider);
    if (!outcome) return '';
    return outcome.status === 'failed' ? 'FAILED' : outcome.status;
  };
  const rows = [
    ['scenario', ...providers],
    ...names.map((name) => [name, ...providers.map((provider) => cell(name, provider))]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((text, i) => text.padEnd(widths[i]!)).join(' | ')} |`;
  const count = (status: ScenarioOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return [
    line(rows[0]!),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
    '',
    `${count('passed')} passed, ${count('failed')} failed, ${count('pending')} pending (${names.length} scenarios × ${providers.length} providers)`,
  ].join('\n');
}
