/**
 * Scenario files: a malformed one fails to load with an error naming the file and every problem's path.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { z } from 'zod';
import { loadScenario, loadScenarios, parseScenario, scenarioSchema } from '../../src/testing/scenario/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-scenario-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = {
  name: 'hello',
  description: 'Says hello.',
  category: 'baseline',
  prompt: 'Hi',
  model: { steps: [{ text: 'Hello!' }] },
  expect: { text: 'Hello!' },
};

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('loadScenario', () => {
  it('loads a valid file', async () => {
    const scenario = await loadScenario(await file('hello.json', valid));
    expect(scenario).toMatchObject({ name: 'hello', prompt: 'Hi' });
  });

  it('names the file and the JSON problem for a file that is not JSON', async () => {
    const path = await file('hello.json', '{ "name": "hello", ');
    const error = await loadScenario(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Scenario file ${path.replace(/[\\/.]/g, '\\$&')} is not valid JSON: `),
    );
  });

  it('lists every schema problem with its path', async () => {
    const path = await file('hello.json', {
      ...valid,
      model: { steps: [] },
      expect: { events: ['tool-cal', { type: 'tool-result', isErr: true }], status: 'done' },
    });
    const error = await loadScenario(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`Scenario file ${path} is not a valid scenario:`);
    expect(message).toContain('→ at model.steps');
    expect(message).toContain('unknown event type "tool-cal"; event types are run-start, turn-start');
    expect(message).toContain('→ at expect.events[0]');
    expect(message).toContain('Unrecognized key: "isErr"\n  → at expect.events[1]');
    expect(message).toContain('→ at expect.status');
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    expect(() => parseScenario({ ...valid, expect: { txt: 'Hello!' } })).toThrow(
      /Unrecognized key: "txt"[\s\S]*→ at expect/,
    );
    expect(() => parseScenario({ ...valid, promt: 'Hi' })).toThrow(/Unrecognized key: "promt"/);
  });

  it('refuses missing fields, a bad name, and tools icode does not have', () => {
    const { prompt: _prompt, ...noPrompt } = valid;
    expect(() => parseScenario(noPrompt)).toThrow(/→ at prompt/);
    expect(() => parseScenario({ ...valid, name: 'Hello World' })).toThrow(/use snake_case[\s\S]*→ at name/);
    expect(() => parseScenario({ ...valid, tools: ['read', 'read_file'] }, 'my scenario')).toThrow(
      /^my scenario is not a valid scenario:\n✖ unknown tool "read_file"; built-in tools are read, write, edit/,
    );
  });

  it('lets a pending scenario name a tool that does not exist yet', () => {
    const scenario = parseScenario({ ...valid, tools: ['plugin_echo'], pending: { reason: 'needs plugins' } });
    expect(scenario.pending).toEqual({ reason: 'needs plugins' });
  });

  it('refuses a file whose name is not the scenario name', async () => {
    const path = await file('other.json', valid);
    await expect(loadScenario(path)).rejects.toThrow(`holds scenario "hello"; name the file hello.json`);
  });

  it('says which file could not be read', async () => {
    await expect(loadScenario(join(dir, 'absent.json'))).rejects.toThrow(
      /^Cannot read scenario file .*absent\.json: ENOENT/,
    );
  });
});

describe('scenarioSchema', () => {
  it('converts to JSON Schema, for editors', () => {
    const json = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(json.required).toEqual(['name', 'description', 'category', 'prompt', 'model', 'expect']);
    expect(json.additionalProperties).toBe(false);
  });
});

describe('loadScenarios', () => {
  it('loads every .json file of a directory, sorted by name', async () => {
    await file('hello.json', valid);
    await file('a_first.json', { ...valid, name: 'a_first' });
    await file('notes.md', '# not a scenario');
    await mkdir(join(dir, 'sub'));
    const scenarios = await loadScenarios(dir);
    expect(scenarios.map((s) => s.name)).toEqual(['a_first', 'hello']);
  });

  it('fails on the first invalid file, and on a missing directory', async () => {
    await file('hello.json', valid);
    await file('broken.json', { ...valid, name: 'broken', model: {} });
    await expect(loadScenarios(dir)).rejects.toThrow(/broken\.json is not a valid scenario/);
    await expect(loadScenarios(join(dir, 'nope'))).rejects.toThrow(/^Cannot read the scenario directory/);
  });
});
