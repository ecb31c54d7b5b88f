/**
 * `defineScenario()`: a scenario written in TypeScript, checked by the compiler and by the schema.
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import { parseScenario } from './load.js';
import type { Scenario, scenarioSchema } from './schema.js';

/** A scenario as written (defaults may be left out). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/**
 * Checks a scenario written in code and returns it with its defaults filled in, ready for `runScenario`,
 * against any provider profile.
 *
 * @throws ConfigError naming every field that is wrong.
 *
 * @example
 * ```ts
 * const readsFile = defineScenario({
 *   name: 'reads_a_file',
 *   workspace: { 'a.txt': 'hello' },
 *   prompt: 'What is in a.txt?',
 *   model: { script: [{ toolCalls: [{ name: 'read', input: { file_path: 'a.txt' } }] }, { text: 'It says hello.' }] },
 *   expect: { finalText: 'It says hello.' },
 * });
 * it.each(['mock', 'anthropic', 'openai'] as const)('%s', async (provider) => {
 *   expect((await runScenario(readsFile, { provider })).failures).toEqual([]);
 * });
 * ```
 */
export function defineScenario(scenario: ScenarioInput): Scenario {
  return parseScenario(scenario, `scenario "${String(scenario.name)}"`);
}
