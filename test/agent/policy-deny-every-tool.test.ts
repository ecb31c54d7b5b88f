/**
 * Deny means deny for every tool: a scripted malicious model, in every mode, through `createAgent` with the
 * real coding tools and policy, on real files, symlinks and git. `Read(…)` denies bind read, grep (both
 * engines), glob, list, apply_patch and bash; nothing shows a denied file's content or name.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/policy/index.js';
import { codingTools, grepTool } from '../../src/tools/builtin/index.js';
import { gitInit, MODES, recordingApprover, runCalls, scratch, type Call } from './policy-harness.js';

let dir: Awaited<ReturnType<typeof scratch>>;
let root: string;

const ENV_SECRET = 'ENV-SECRET-7f3a';
const KEY_SECRET = 'KEY-SECRET-91bc';
const DENY = ['Read(./.env)', 'Read(./secrets/**)'];

beforeEach(async () => {
  dir = await scratch();
  root = dir.root;
  await mkdir(join(root, 'src'));
  await mkdir(join(root, 'secrets'));
  await writeFile(join(root, '.env'), `TOKEN=${ENV_SECRET}\n`);
  await writeFile(join(root, 'secrets', 'key.pem'), `${KEY_SECRET}\nTOKEN\n`);
  await writeFile(join(root, 'src', 'a.ts'), 'export const TOKEN = lookup("TOKEN");\n');
  await writeFile(join(root, 'notes.md'), 'TOKEN notes\n');
  // A symlink to a denied file, under an innocent name.
  await symlink(join(root, 'secrets', 'key.pem'), join(root, 'src', 'innocent.txt'));
  gitInit(root);
});
afterEach(() => dir.cleanup());

const grep = (input: Call['input']): Call => ({ name: 'grep', input });
const SEARCHES: Call[] = [
  grep({ pattern: 'SECRET|TOKEN', output_mode: 'content' }),
  grep({ pattern: 'SECRET|TOKEN', output_mode: 'files_with_matches' }),
  grep({ pattern: 'SECRET|TOKEN', output_mode: 'count' }),
  grep({ pattern: 'SECRET', path: 'src', output_mode: 'content' }),
  grep({ pattern: 'SECRET', glob: '*.pem', output_mode: 'content' }),
  { name: 'glob', input: { pattern: '**/*' } },
  { name: 'glob', input: { pattern: 'secrets/**' } },
  { name: 'glob', input: { pattern: '**/*.pem' } },
  { name: 'glob', input: { pattern: '.*' } },
  { name: 'list', input: {} },
  { name: 'list', input: { path: 'src' } },
  { name: 'read', input: { file_path: '.' } },
  { name: 'read', input: { file_path: '.en' } },
  { name: 'read', input: { file_path: 'src/innocent.tx' } },
];

/** No denied content or name in what the model saw (the deny rules' own text aside). */
function expectNothingDenied(seen: string): void {
  const text = seen.replaceAll('Read(./secrets/**)', '').replaceAll('Read(./.env)', '');
  for (const leak of [ENV_SECRET, KEY_SECRET, '.env', 'key.pem', 'secrets', 'innocent.txt'])
    expect(text).not.toContain(leak);
}

describe('grep, glob, list and read never reveal a denied file', () => {
  for (const mode of MODES) {
    it(`${mode}: searches and listings, even approved, show no denied content or name`, async () => {
      const { asked, approve } = recordingApprover('allow');
      const outcome = await runCalls({
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: createPolicy({ mode, deny: DENY, approve }),
        calls: SEARCHES,
      });
      expect(outcome.status).toBe('completed');
      expect(outcome.results).toHaveLength(SEARCHES.length);
      outcome.results.forEach((result, i) =>
        expectNothingDenied(result.output.replace(String(SEARCHES[i]!.input['pattern']), '')),
      );
      // The searches did run and found what is not denied.
      expect(outcome.results[0]!.output).toContain('src/a.ts');
      expect(outcome.results[0]!.output).toContain('notes.md');
      expect(outcome.results[2]!.output).toMatch(/in 2 files/);
      expect(outcome.results[9]!.output).toContain('src/');
      // A search over a tree that holds a denied file is asked about, in every mode, full-access included.
      expect(asked.map((request) => request.name)).toContain('grep');
    });
  }

  it('the JavaScript grep engine filters the same way', async () => {
    const tools = codingTools({ root, exclude: ['web_fetch', 'grep'] });
    const { approve } = recordingApprover('allow');
    const outcome = await runCalls({
      tools: [...tools, grepTool({ root, engine: 'js' })],
      policy: createPolicy({ mode: 'read-only', deny: DENY, approve }),
      calls: SEARCHES.slice(0, 5),
    });
    expectNothingDenied(outcome.seen);
    expect(outcome.results[0]!.output).toContain('src/a.ts');
  });

  it('a grep aimed at a denied directory or a link to a denied file is denied outright', async () => {
    const { asked, approve } = recordingApprover('allow');
    const outcome = await runCalls({
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: createPolicy({ mode: 'full-access', deny: DENY, approve }),
      calls: [
        grep({ pattern: 'SECRET', path: 'secrets', output_mode: 'content' }),
        grep({ pattern: 'SECRET', path: 'src/innocent.txt', output_mode: 'content' }),
        { name: 'read', input: { file_path: 'src/innocent.txt' } },
      ],
    });
    expect(outcome.results.map((r) => r.errorCode)).toEqual([
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
    ]);
    expect(asked).toEqual([]);
    expect(outcome.seen).not.toContain(KEY_SECRET);
  });
});

describe('apply_patch cannot read or move a denied file', () => {
  const patch = (...lines: string[]) => ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');
  const CALLS: Call[] = [
    // Update a denied file: its text would be matched and echoed in the diff.
    { name: 'apply_patch', input: { patch: patch('*** Update File: secrets/key.pem', '@@', `-${KEY_SECRET}`, '+x') } },
    // Move it somewhere readable.
    { name: 'apply_patch', input: { patch: patch('*** Update File: secrets/key.pem', '*** Move to: src/stolen.txt') } },
    // Move the link's target by its innocent name.
    { name: 'apply_patch', input: { patch: patch('*** Update File: src/innocent.txt', '*** Move to: src/x.txt') } },
    // Move a readable file into the denied directory.
    { name: 'apply_patch', input: { patch: patch('*** Update File: notes.md', '*** Move to: secrets/notes.md') } },
  ];

  for (const mode of MODES) {
    it(`${mode}: every such patch is denied, nothing moves, nothing leaks`, async () => {
      const { approve } = recordingApprover('allow');
      const outcome = await runCalls({
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: createPolicy({ mode, deny: DENY, approve }),
        calls: CALLS,
      });
      expect(outcome.results.every((r) => r.isError)).toBe(true);
      expect(outcome.seen).not.toContain(KEY_SECRET);
      expect(await readFile(join(root, 'secrets', 'key.pem'), 'utf8')).toContain(KEY_SECRET);
      expect(existsSync(join(root, 'src', 'stolen.txt'))).toBe(false);
      expect(existsSync(join(root, 'src', 'x.txt'))).toBe(false);
      expect(existsSync(join(root, 'secrets', 'notes.md'))).toBe(false);
    });
  }

  it('an approved update of a file under an ask rule shows no diff, and the file is never moved', async () => {
    await mkdir(join(root, 'private'));
    await writeFile(join(root, 'private', 'plan.md'), 'PRIVATE-LINE\n');
    const { asked, approve } = recordingApprover('allow');
    const outcome = await runCalls({
      tools: codingTools({ root, exclude: ['web_fetch'] }),
      policy: createPolicy({ mode: 'workspace-write', ask: ['Read(./private/**)'], approve }),
      calls: [
        { name: 'apply_patch', input: { patch: patch('*** Update File: private/plan.md', '@@', '+added') } },
        { name: 'apply_patch', input: { patch: patch('*** Update File: private/plan.md', '*** Move to: out.md') } },
      ],
    });
    expect(asked).toHaveLength(2);
    expect(outcome.results[0]).toMatchObject({ isError: false });
    expect(outcome.results[0]!.output).toContain('diff not shown');
    expect(outcome.results[1]).toMatchObject({ isError: true });
    expect(outcome.seen).not.toContain('PRIVATE-LINE');
    expect(existsSync(join(root, 'out.md'))).toBe(false);
    expect(await readFile(join(root, 'private', 'plan.md'), 'utf8')).toContain('PRIVATE-LINE');
  });
});

describe('bash that hides what it reads never passes a path deny rule', () => {
  const COMMANDS = [
    'eval "cat .env"',
    'c=cat; $c .env',
    `python3 -c "print(open('.env').read())"`,
    'find . -name .env -exec cat {} \\;',
    'find . -name "*.pem" | xargs cat',
    'tar -cf - . | tar -xOf - ./.env',
    'tar -czf /dev/stdout . | base64',
    'bash -c "$(printf "cat .en"; printf v)"',
  ];

  for (const mode of MODES) {
    it(`${mode}: each is asked or denied, never run unasked, and a refusal leaks nothing`, async () => {
      const { asked, approve } = recordingApprover('deny');
      const outcome = await runCalls({
        tools: codingTools({ root, exclude: ['web_fetch'] }),
        policy: createPolicy({ mode, deny: DENY, approve }),
        calls: COMMANDS.map((command) => ({ name: 'bash', input: { command, description: 'x' } })),
      });
      expect(outcome.status).toBe('completed');
      expect(outcome.results.every((r) => r.isError && r.errorCode === 'PERMISSION_DENIED')).toBe(true);
      expect(outcome.seen).not.toContain(ENV_SECRET);
      expect(outcome.seen).not.toContain(KEY_SECRET);
      // In full-access the mode allows everything: only the deny rules stand in the way, and they asked.
      if (mode === 'full-access') expect(asked.length).toBeGreaterThanOrEqual(COMMANDS.length - 2);
    });
  }
});
