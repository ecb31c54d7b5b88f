/**
 * Reading scenario files: one file, a directory of them, or a value already parsed.
 *
 * @packageDocumentation
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors/config-error.js';
import { scenarioSchema, type Scenario } from './schema.js';

/**
 * Validates a scenario value (a parsed JSON object). `source` names it in errors.
 *
 * @example
 * ```ts
 * const scenario = parseScenario({ name: 'hello', description: 'Says hello', category: 'baseline',
 *   prompt: 'Hi', model: { steps: [{ text: 'Hello!' }] }, expect: { text: 'Hello!' } });
 * ```
 * @throws ConfigError listing every problem with its path (`expect.events[1].type: …`).
 */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(`${source} is not a valid scenario:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Reads and validates one scenario file. The file's name must be the scenario's `name` plus `.json`, so a
 * scenario is found by its name.
 *
 * @example
 * ```ts
 * const scenario = await loadScenario('scenarios/read_file_roundtrip.json');
 * ```
 * @throws ConfigError when the file is not JSON, does not match the schema, or is misnamed.
 */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read scenario file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`Scenario file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const scenario = parseScenario(value, `Scenario file ${path}`);
  const base = path.split(/[\\/]/).pop() ?? path;
  if (base !== `${scenario.name}.json`) {
    throw new ConfigError(
      `Scenario file ${path} holds scenario "${scenario.name}"; name the file ${scenario.name}.json.`,
    );
  }
  return scenario;
}

/**
 * Reads every `*.json` scenario of a directory, sorted by file name.
 *
 * @example
 * ```ts
 * const scenarios = await loadScenarios('scenarios');
 * for (const scenario of scenarios) console.log(scenario.name, scenario.category);
 * ```
 * @throws ConfigError for an invalid file (file names match scenario names, so names are unique).
 */
export async function loadScenarios(directory: string): Promise<Scenario[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new ConfigError(`Cannot read the scenario directory ${directory}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return Promise.all(names.map((name) => loadScenario(join(directory, name))));
}
