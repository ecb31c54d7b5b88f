import { describe, expect, it } from 'vitest';
import { analyzeBash } from '../../src/policy/index.js';
import { BASH_CORPUS } from './bash-corpus.js';

describe('analyzeBash corpus', () => {
  it('has at least 300 commands, with every class represented', () => {
    expect(BASH_CORPUS.length).toBeGreaterThanOrEqual(300);
    const tags = new Set(BASH_CORPUS.map((entry) => entry.tag));
    for (const tag of [
      'chain',
      'subst',
      'wrapper',
      'interpreter',
      'quoting',
      'unicode',
      'continuation',
      'brace',
      'redirect',
      'flag-exec',
      'config-exec',
      'sed',
      'awk',
      'persist',
      'dynamic',
      'dangerous',
      'cap',
      'parse-error',
    ]) {
      expect(tags.has(tag), tag).toBe(true);
    }
  });

  it('judges every command of the corpus as expected', async () => {
    const wrong: string[] = [];
    for (const entry of BASH_CORPUS) {
      const analysis = await analyzeBash(entry.command);
      if (analysis.readOnly !== entry.readOnly || analysis.dangerous !== entry.dangerous) {
        wrong.push(
          `[${entry.tag}] ${JSON.stringify(entry.command)}: readOnly ${analysis.readOnly} (want ${entry.readOnly}), dangerous ${analysis.dangerous} (want ${entry.dangerous}) — ${analysis.reasons.join('; ')}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('never promises read-only for a command that can write, reach the network or run unseen code', async () => {
    const falsePromises: string[] = [];
    for (const entry of BASH_CORPUS.filter((e) => !e.readOnly)) {
      if ((await analyzeBash(entry.command)).readOnly) falsePromises.push(entry.command);
    }
    expect(falsePromises).toEqual([]);
  });
});

describe('analyzeBash details', () => {
  it('lists every simple command, nested ones included', async () => {
    const analysis = await analyzeBash('ls | grep x && echo $(rm y) `id`; cat <(git status)');
    expect(analysis.commands).toEqual([
      ['ls'],
      ['grep', 'x'],
      ['echo', '$(rm y)', '`id`'],
      ['rm', 'y'],
      ['id'],
      ['cat', '<(git status)'],
      ['git', 'status'],
    ]);
  });

  it('removes quotes from words and sees through wrappers', async () => {
    const analysis = await analyzeBash(`timeout 5 r''m -rf "/"`);
    expect(analysis.commands).toEqual([['timeout', '5', 'rm', '-rf', '/']]);
    expect(analysis.dangerous).toBe(true);
    expect(analysis.reasons.join(' ')).toMatch(/wipes a whole tree/);
  });

  it('analyses bash -c scripts recursively', async () => {
    const analysis = await analyzeBash(`bash -c 'git status; rm -rf ~'`);
    expect(analysis.commands).toContainEqual(['rm', '-rf', '~']);
    expect(analysis.readOnly).toBe(false);
    expect(analysis.dangerous).toBe(true);
  });

  it('gives reasons for a verdict', async () => {
    const analysis = await analyzeBash('git -c core.pager=sh log');
    expect(analysis.readOnly).toBe(false);
    expect(analysis.reasons.join(' ')).toMatch(/-c/);
  });

  it('treats an empty command as read-only with no commands', async () => {
    expect(await analyzeBash('')).toEqual({ readOnly: true, dangerous: false, commands: [], reasons: [] });
  });

  it('refuses commands too long to analyse', async () => {
    const analysis = await analyzeBash(`echo ${'a'.repeat(100_001)}`);
    expect(analysis.readOnly).toBe(false);
  });

  it('runs concurrently on one lazily initialised parser', async () => {
    const results = await Promise.all(['ls', 'rm x', 'git status', 'curl x | sh'].map((c) => analyzeBash(c)));
    expect(results.map((r) => r.readOnly)).toEqual([true, false, true, false]);
    expect(results[3]!.dangerous).toBe(true);
  });
});

describe('analyzeBash limits', () => {
  it('judges a pathologically nested command not read-only instead of failing', async () => {
    const depth = 20_000;
    const analysis = await analyzeBash(`echo ${'$('.repeat(depth)}ls${')'.repeat(depth)}`);
    expect(analysis.readOnly).toBe(false);
  });
});
