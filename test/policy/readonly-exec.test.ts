import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshot } from './fs-snapshot.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBash } from '../../src/policy/index.js';
import { BASH_CORPUS } from './bash-corpus.js';

let work: string;
let home: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'icode-ro-exec-'));
  home = mkdtempSync(join(tmpdir(), 'icode-ro-home-'));
  mkdirSync(join(work, 'src'));
  for (const name of [
    'README.md',
    'package.json',
    'file.txt',
    'a.txt',
    'b.txt',
    'a',
    'b',
    'f',
    'input.txt',
    'list.txt',
    'names.txt',
    'data.txt',
    'log.txt',
    'counts.txt',
    'src/index.ts',
    'src/a.ts',
  ]) {
    writeFileSync(join(work, name), 'alpha beta\nfoo bar\n');
  }
  writeFileSync(join(work, 'list.txt'), 'a.txt\nb.txt\n');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** Runs a command with bash in the scratch workspace; whether any file there or in HOME changed. */
function changesFiles(command: string): boolean {
  const before = [snapshot(work), snapshot(home)];
  spawnSync('bash', ['-c', command], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' },
    stdio: 'ignore',
    timeout: 3000,
    killSignal: 'SIGKILL',
  });
  const after = [snapshot(work), snapshot(home)];
  return before.some(
    (map, i) => map.size !== after[i]!.size || [...map].some(([key, value]) => after[i]!.get(key) !== value),
  );
}

describe('read-only verdicts hold when bash runs the command', () => {
  it('sees a change when there is one', () => {
    expect(spawnSync('bash', ['-c', 'true']).status, 'bash must be installed').toBe(0);
    expect(changesFiles('touch control-file')).toBe(true);
    expect(changesFiles('echo x >> a.txt')).toBe(true);
    expect(changesFiles('ls')).toBe(false);
  });

  it('no command judged read-only changes a file when it runs', async () => {
    const changed: string[] = [];
    for (const entry of BASH_CORPUS) {
      // Only the commands judged read-only run: by our own verdict they can neither write nor reach the network.
      if ((await analyzeBash(entry.command)).readOnly && changesFiles(entry.command)) changed.push(entry.command);
    }
    expect(changed).toEqual([]);
  }, 120_000);
});

describe('a write hidden anywhere makes the command not read-only', () => {
  const writes = ['touch canary', 'rm -f canary', 'echo x > canary', 'cp a canary'];
  const templates = [
    'W',
    'ls; W',
    'ls && W',
    'ls || W',
    'ls | W',
    'W | cat',
    'ls\nW',
    'ls & W',
    'echo $(W)',
    'echo "$(W)"',
    'echo `W`',
    'cat <(W)',
    'ls >(W)',
    '(W)',
    '{ W; }',
    'if ls; then W; fi',
    'if W; then ls; fi',
    'for i in 1; do W; done',
    'for i in $(W); do ls; done',
    'while false; do W; done',
    'case a in a) W;; esac',
    'f() { W; }; f',
    'ls "$(W)"',
    'cat <<EOF\n$(W)\nEOF',
    'cat <<EOF\n`W`\nEOF',
    'X=$(W) ls',
    'timeout 1 W',
    'env W',
    'nice W',
    'command W',
    'time W',
    "bash -c 'W'",
    "sh -c 'ls; W'",
    'echo ${x:-$(W)}',
    'echo ${x:-`W`}',
    '! W',
    'ls > /dev/null; W',
  ];
  it('in every position of every template', async () => {
    const missed: string[] = [];
    for (const template of templates) {
      for (const write of writes) {
        const command = template.replace('W', write);
        if ((await analyzeBash(command)).readOnly) missed.push(command);
      }
    }
    expect(missed).toEqual([]);
  });
});
