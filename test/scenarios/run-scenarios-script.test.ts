/**
 * `npm run scenarios` (scripts/run-scenarios.ts): the scenario × provider table, and its exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScenarioTable, parseScenario, runScenario } from '../../src/testing/scenario/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const script = join(root, 'scripts', 'run-scenarios.ts');

const hello = {
  name: 'hello',
  description: 'Says hello.',
  category: 'baseline',
  prompt: 'Hi',
  model: { steps: [{ text: 'Hello!' }] },
  expect: { text: 'Hello!' },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icode-run-scenarios-'));
  await writeFile(join(dir, 'hello.json'), JSON.stringify(hello));
  await writeFile(join(dir, 'wrong.json'), JSON.stringify({ ...hello, name: 'wrong', expect: { text: 'Bye!' } }));
  await writeFile(
    join(dir, 'later.json'),
    JSON.stringify({ ...hello, name: 'later', pending: { issue: 9, reason: 'not built yet' } }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runScript(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run scenarios', () => {
  it('prints the table and exits 0 when nothing fails (pending is not a failure)', async () => {
    const { code, stdout, stderr } = await runScript(
      '--dir',
      dir,
      '--provider',
      'mock',
      '--provider',
      'ollama',
      'hello',
      'later',
    );
    expect(stdout).toContain(
      [
        '| scenario | mock    | ollama  |',
        '|----------|---------|---------|',
        '| hello    | passed  | passed  |',
        '| later    | pending | pending |',
        '',
        '2 passed, 0 failed, 2 pending (2 scenarios × 2 providers)',
      ].join('\n'),
    );
    expect(code, stderr).toBe(0);
  });

  it('exits 1 on a failure and prints why', async () => {
    const { code, stdout, stderr } = await runScript('--dir', dir, '--provider', 'mock', 'wrong');
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('| wrong    | FAILED |');
    expect(stdout).toContain('✗ wrong on mock:\n  - text is "Hello!", not "Bye!"');
  });

  it('exits 2 with a message for an unknown scenario or provider', async () => {
    const unknown = await runScript('--dir', dir, 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No scenario named nope');
    const badProvider = await runScript('--dir', dir, '--provider', 'cohere');
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toContain(
      '--provider takes one of mock, anthropic, openai, openai-responses, gemini, ollama',
    );
  });
});

describe('formatScenarioTable', () => {
  it('has one row per scenario and one column per provider that ran, in the standard order', async () => {
    const scenario = parseScenario(hello);
    const outcomes = [
      await runScenario(scenario, { provider: 'gemini' }),
      await runScenario(scenario, { provider: 'mock' }),
    ];
    expect(formatScenarioTable(outcomes)).toBe(
      [
        '| scenario | mock   | gemini |',
        '|----------|--------|--------|',
        '| hello    | passed | passed |',
        '',
        '2 passed, 0 failed, 0 pending (1 scenarios × 2 providers)',
      ].join('\n'),
    );
  });
});
