/**
 * Deny rules bind what runs, in every mode: a `Bash(…)` deny rule that names a program also covers that
 * program behind prefix assignments, `env`, wrappers and quoting, and whatever code it is given (a
 * prefix allow rule does not cover code-carrying words; a deny rule covers them all). Through the whole
 * agent with real bash: every call is refused and no marker file appears.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent, type ToolResultEvent } from '../../src/index.js';
import { createPolicy, type PermissionMode } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const ATTACKS = [
  'NODE_OPTIONS="--require ./evil.js" npm test',
  'env NODE_OPTIONS="--require ./evil.js" npm test',
  'A=1 B=2 npm test',
  'timeout 5 npm test',
  `awk 'BEGIN{system("touch M")}'`,
  `LC_ALL=C awk 'BEGIN{system("touch M")}'`,
  'find . -maxdepth 0 -exec touch M \\;',
  'command rm f',
  '\\rm f',
  "'rm' f",
  'r\\m f',
  '/bin/rm f',
  'bash -c "rm f"',
  "eval 'rm f'",
];

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'icode-bash-deny-'));
  await writeFile(join(root, 'f'), 'keep\n');
  await writeFile(join(root, 'evil.js'), "require('fs').writeFileSync('M', 'x');\n");
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'x', scripts: { test: 'echo tests-ok' } }));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('Bash deny rules bind what runs', () => {
  for (const mode of ['workspace-write', 'full-access'] as PermissionMode[]) {
    it(`refuses every disguise of a denied program in ${mode} mode`, async () => {
      const agent = createAgent({
        provider: mockProvider([
          ...ATTACKS.map((command) => ({ toolCalls: [{ name: 'bash', input: { command, description: 'x' } }] })),
          { text: 'done' },
        ]),
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        sandbox: localSandbox({ root }),
        policy: createPolicy({ mode, deny: ['Bash(npm test:*)', 'Bash(awk:*)', 'Bash(find:*)', 'Bash(rm:*)'] }),
      });
      const results: ToolResultEvent[] = [];
      for await (const event of agent.run('go')) if (event.type === 'tool-result') results.push(event);
      expect(results).toHaveLength(ATTACKS.length);
      results.forEach((result, i) => {
        expect(result.isError, ATTACKS[i]).toBe(true);
        expect(result.errorCode, ATTACKS[i]).toBe('PERMISSION_DENIED');
      });
      expect(existsSync(join(root, 'M'))).toBe(false);
      expect(await readFile(join(root, 'f'), 'utf8')).toBe('keep\n');
    });
  }
});
