/**
 * The adversarial corpus against `analyzeBash`, checked three ways: every verdict as listed; every
 * read-only verdict run under real bash in a scratch git repository (nothing may change, no marker may
 * appear); every attack marked `proof` run too, to show it really writes or runs something.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshot } from './fs-snapshot.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBash } from '../../src/policy/index.js';
import { ATTACK_CORPUS } from './bash-attack-corpus.js';

/** A git repository with the files the corpus names. */
function scratchRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'icode-attack-'));
  mkdirSync(join(dir, 'src'));
  const files: Record<string, string> = {
    f: 'alpha beta\nfoo bar\n',
    'a.txt': 'alpha\n',
    'b.txt': 'beta\n',
    'list.txt': 'f\n',
    'package.json': '{"name":"x","version":"1.0.0"}\n',
    'src/a.ts': 'export const a = 1;\n',
    'src/index.ts': 'export {};\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const git = (...args: string[]): void => {
    spawnSync('git', args, { cwd: dir, env: gitEnv(dir) });
  };
  git('init', '-q', '.');
  git('add', '.');
  git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'init');
  return dir;
}

function gitEnv(home: string): Record<string, string> {
  // No optional index refresh: `git status` would otherwise rewrite .git/index (stat data only).
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_CONFIG_NOSYSTEM: '1',
  };
}

const differs = (a: Map<string, string>, b: Map<string, string>): boolean =>
  a.size !== b.size || [...a].some(([key, value]) => b.get(key) !== value);

/** Runs a command under bash in `dir`; whether anything in `dir` or `home` changed, and whether M appeared. */
function run(command: string, dir: string, home: string): { changed: boolean; marker: boolean } {
  const before = [snapshot(dir), snapshot(home)];
  spawnSync('bash', ['-c', command], {
    cwd: dir,
    env: gitEnv(home),
    stdio: 'ignore',
    timeout: 3000,
    killSignal: 'SIGKILL',
  });
  const after = [snapshot(dir), snapshot(home)];
  return {
    changed: differs(before[0]!, after[0]!) || differs(before[1]!, after[1]!),
    marker: existsSync(join(dir, 'M')),
  };
}

describe('the adversarial corpus', () => {
  it('has at least 300 commands in every class', () => {
    expect(ATTACK_CORPUS.length).toBeGreaterThanOrEqual(300);
    const tags = new Set(ATTACK_CORPUS.map((entry) => entry.tag));
    for (const tag of [
      'ordinary',
      'abbreviation',
      'git-config',
      'arithmetic',
      'differential',
      'assignment',
      'wrapper',
      'code-args',
      'writes',
      'hidden-read',
      'danger-abbrev',
      'danger-wrapper',
      'danger-interpreter',
      'danger-destroy',
      'danger-exfil',
      'danger-persist',
      'danger-system',
      'danger-exhaust',
    ])
      expect(tags.has(tag), tag).toBe(true);
    expect(ATTACK_CORPUS.filter((entry) => entry.readOnly).length).toBeGreaterThan(100);
  });

  it('judges every command as listed', async () => {
    const wrong: string[] = [];
    for (const entry of ATTACK_CORPUS) {
      const analysis = await analyzeBash(entry.command);
      if (
        analysis.readOnly !== entry.readOnly ||
        (entry.dangerous !== undefined && analysis.dangerous !== entry.dangerous)
      )
        wrong.push(
          `[${entry.tag}] ${JSON.stringify(entry.command)}: readOnly ${analysis.readOnly}, dangerous ${analysis.dangerous} — ${analysis.reasons.slice(0, 3).join('; ')}`,
        );
    }
    expect(wrong).toEqual([]);
  });
});

describe('verdicts hold under real bash', () => {
  let repo: string;
  let home: string;
  // Removed at the end: a command's background child may still be finishing in its directory.
  const leftovers: string[] = [];
  beforeAll(() => {
    repo = scratchRepository();
    home = mkdtempSync(join(tmpdir(), 'icode-attack-home-'));
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    for (const dir of leftovers) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('sees a change when there is one', () => {
    expect(run('touch M', repo, home)).toMatchObject({ changed: true, marker: true });
    rmSync(join(repo, 'M'));
    expect(run('git status', repo, home)).toMatchObject({ changed: false, marker: false });
  });

  it('no command judged read-only changes anything or runs the marker', async () => {
    const changed: string[] = [];
    for (const entry of ATTACK_CORPUS) {
      if (!(await analyzeBash(entry.command)).readOnly) continue;
      const outcome = run(entry.command, repo, home);
      if (outcome.changed || outcome.marker) changed.push(entry.command);
    }
    expect(changed).toEqual([]);
  }, 120_000);

  it('every attack marked as proof really writes or runs something', () => {
    const harmless: string[] = [];
    for (const entry of ATTACK_CORPUS.filter((e) => e.proof)) {
      const dir = scratchRepository();
      try {
        const outcome = run(entry.command, dir, home);
        if (!outcome.changed && !outcome.marker) harmless.push(entry.command);
      } finally {
        leftovers.push(dir);
      }
    }
    expect(harmless).toEqual([]);
  }, 120_000);
});
