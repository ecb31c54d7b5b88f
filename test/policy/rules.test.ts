import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { parseRule } from '../../src/policy/index.js';

describe('parseRule', () => {
  it('parses bash prefixes, exact commands and wildcards', () => {
    expect(parseRule('Bash(npm test:*)')).toMatchObject({
      family: 'bash',
      bash: { kind: 'prefix', tokens: ['npm', 'test'] },
    });
    expect(parseRule('Bash(npm test *)')).toMatchObject({
      family: 'bash',
      bash: { kind: 'prefix', tokens: ['npm', 'test'] },
    });
    expect(parseRule('Bash(git status)')).toMatchObject({
      bash: { kind: 'exact', tokens: ['git', 'status'], raw: 'git status' },
    });
    expect(parseRule('Bash(git commit -m "a b")')).toMatchObject({
      bash: { kind: 'exact', tokens: ['git', 'commit', '-m', 'a b'] },
    });
    expect(parseRule('Bash(git * main)')).toMatchObject({ bash: { kind: 'glob' } });
    expect(parseRule('Bash(rm \\*.tmp)')).toMatchObject({
      bash: { kind: 'exact', tokens: ['rm', '*.tmp'], raw: 'rm *.tmp' },
    });
    expect(parseRule('Bash')).toMatchObject({ family: 'bash' });
    expect(parseRule('Bash(*)').bash).toBeUndefined();
  });

  it('parses path patterns with their anchors', () => {
    expect(parseRule('Read(./secrets/**)').path).toMatchObject({ anchor: 'root', glob: 'secrets/**' });
    expect(parseRule('Read(src/a.ts)').path).toMatchObject({ anchor: 'root', glob: 'src/a.ts', literal: true });
    expect(parseRule('Read(.env)').path).toMatchObject({ anchor: 'anywhere', glob: '.env' });
    expect(parseRule('Read(//etc/passwd)').path).toMatchObject({ anchor: 'absolute', glob: '/etc/passwd' });
    expect(parseRule('Read(/etc/passwd)').path).toMatchObject({ anchor: 'root-or-absolute', glob: 'etc/passwd' });
    expect(parseRule('Read(~/.ssh/**)').path).toMatchObject({ anchor: 'home', glob: '.ssh/**' });
    expect(parseRule('Edit(src/)').path).toMatchObject({ anchor: 'anywhere', glob: 'src' });
  });

  it('maps tool names to families case-insensitively', () => {
    expect(parseRule('write(./x)').family).toBe('edit');
    expect(parseRule('MultiEdit(./x)').family).toBe('edit');
    expect(parseRule('web_fetch(domain:Example.COM)')).toMatchObject({ family: 'webfetch', domain: 'example.com' });
    expect(parseRule('mcp__GitHub__*')).toMatchObject({ family: 'mcp', mcpPrefix: 'mcp__github__' });
    expect(parseRule('mcp__github')).toMatchObject({ family: 'mcp', mcpPrefix: 'mcp__github__' });
    expect(parseRule('mcp__github__create_issue')).toMatchObject({ family: 'mcp', name: 'mcp__github__create_issue' });
    expect(parseRule('Grep(./src/**)')).toMatchObject({ family: 'tool', name: 'grep' });
  });

  it('throws ConfigError with the rule in the message', () => {
    expect(() => parseRule('Bash(rm -rf')).toThrow(ConfigError);
    expect(() => parseRule('Bash(rm -rf')).toThrow(/Bash\(rm -rf/);
    expect(() => parseRule(undefined as never)).toThrow(ConfigError);
  });
});

describe('matchBash and code-carrying words', () => {
  it('a prefix or wildcard allow rule does not cover code it does not spell out; an exact rule does', async () => {
    const { analyzeBashDetails } = await import('../../src/policy/bash/analyze-bash.js');
    const { matchBash } = await import('../../src/policy/rules.js');
    const matches = async (rule: string, command: string): Promise<boolean> => {
      const details = await analyzeBashDetails(command);
      const pattern = parseRule(rule).bash!;
      return details.simpleCommands.every((c) =>
        c.forms.some((form) =>
          matchBash(pattern, { words: form.words, openEnded: c.openEnded, codeArgs: form.codeArgs ?? [] }),
        ),
      );
    };
    expect(await matches('Bash(npm test:*)', 'npm test -- --run x')).toBe(true);
    expect(await matches('Bash(npm test:*)', 'npm test --node-options=--require=./x.js')).toBe(false);
    expect(await matches('Bash(npm test:*)', 'NODE_OPTIONS=--require=./x.js npm test')).toBe(false);
    expect(await matches('Bash(npm test:*)', 'timeout 5 npm test')).toBe(true);
    expect(await matches('Bash(git status)', 'GIT_CONFIG_COUNT=1 git status')).toBe(false);
    expect(await matches('Bash(awk:*)', `awk 'BEGIN{system("id")}'`)).toBe(false);
    expect(await matches(`Bash(awk 'BEGIN{system("id")}')`, `awk 'BEGIN{system("id")}'`)).toBe(true);
    expect(await matches('Bash(git * log)', 'git -c core.pager=sh log')).toBe(false);
    expect(await matches('Bash(find:*)', 'find . -exec sh -c id \\;')).toBe(false);
  });
});
