/**
 * Skills through a whole agent: `SKILL.md` folders found on disk, their names and descriptions in the
 * instructions, a skill loaded on demand by the `skill` tool and its files read by the real file tools
 * under the real policy and sandbox; `allowed-tools` widens nothing. Then the strict front matter parser.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { discoverSkills, parseFrontMatter, skillInstructions, skills } from '../../src/plugins/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const cleanups: string[] = [];
afterEach(async () => {
  for (const dir of cleanups.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'icode-skills-')));
  cleanups.push(dir);
  return dir;
}

async function writeSkill(folder: string, skillMd: string, files: Record<string, string> = {}): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'SKILL.md'), skillMd);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), content);
  }
}

const PDF_SKILL = `---
name: pdf-report
description: >
  Builds PDF reports from CSV data.
  Use it whenever a report is asked for.
allowed-tools: [read, bash]
---
# PDF reports

Read \`template.md\` in this skill's folder and fill it in.
`;

async function drain(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

const toolResults = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'tool-result' ? [e] : []));

describe('skills through an agent', () => {
  it('lists skills in the instructions and loads one on demand; its files are read by the file tools', async () => {
    const root = await tempDir();
    await writeSkill(join(root, '.icode/skills/pdf-report'), PDF_SKILL, { 'template.md': '# Report of {{month}}\n' });
    await writeSkill(join(root, '.icode/skills/broken'), '---\nname: broken\ndescription: &anchor x\n---\n');
    const found = await discoverSkills({ paths: [join(root, '.icode/skills')] });
    expect(found.skills.map((s) => s.name)).toEqual(['pdf-report']);
    expect(found.problems).toHaveLength(1);
    expect(found.problems[0]!.error).toMatch(/SKILL\.md:3: "&" starts an anchor/);

    const folder = join(root, '.icode/skills/pdf-report');
    const model = mockProvider([
      { toolCalls: [{ name: 'skill', input: { name: 'pdf-report' } }] },
      { toolCalls: [{ name: 'read', input: { file_path: join(folder, 'template.md') } }] },
      { text: 'Report built.' },
    ]);
    const sandbox = localSandbox({ root });
    const agent = createAgent({
      provider: model,
      sandbox,
      instructions: `You write reports.\n\n${skillInstructions(found)}`,
      tools: [...codingTools({ sandbox }), skills({ skills: found.skills })],
      policy: createPolicy({ mode: 'workspace-write', root }),
    });
    const events = await drain(agent.run('Build the March report'));
    const first = model.requests[0]!;
    expect(first.system).toContain(
      '- pdf-report: Builds PDF reports from CSV data. Use it whenever a report is asked for.',
    );
    expect(first.tools.find((t) => t.name === 'skill')!.description).toContain('pdf-report');

    const [loaded, read] = toolResults(events);
    expect(loaded).toMatchObject({ name: 'skill', isError: false });
    expect(loaded!.output).toContain(`<skill name="pdf-report" folder="${folder}">`);
    expect(loaded!.output).toContain('- template.md');
    expect(loaded!.output).toContain("Read `template.md` in this skill's folder and fill it in.");
    expect(loaded!.output).toContain('Tools this skill uses: read, bash.');
    expect(loaded!.output).not.toContain('allowed-tools');
    expect(read).toMatchObject({ name: 'read', isError: false });
    expect(String(read!.output)).toContain('# Report of {{month}}');
    model.assertComplete();
  });

  it('reaches a skill folder outside the workspace only where additionalDirectories grants it', async () => {
    const root = await tempDir();
    const userSkills = await tempDir();
    await writeSkill(
      join(userSkills, 'deploy'),
      '---\nname: deploy\ndescription: Deploys the app.\n---\nRun `notes.md` steps.\n',
      {
        'notes.md': 'step one: build\n',
      },
    );
    const notes = join(userSkills, 'deploy', 'notes.md');
    const script = () =>
      mockProvider([
        { toolCalls: [{ name: 'skill', input: { name: 'deploy' } }] },
        { toolCalls: [{ name: 'read', input: { file_path: notes } }] },
        { text: 'ok' },
      ]);
    const run = async (granted: boolean) => {
      const model = script();
      const grant = granted ? { additionalDirectories: [userSkills] } : {};
      const sandbox = localSandbox({ root, ...grant });
      const agent = createAgent({
        provider: model,
        sandbox,
        tools: [...codingTools({ sandbox }), skills({ paths: [userSkills] })],
        policy: createPolicy({ mode: 'workspace-write', root, ...grant }),
      });
      const results = toolResults(await drain(agent.run('deploy')));
      model.assertComplete();
      return results;
    };
    const refused = await run(false);
    expect(refused[0]).toMatchObject({ name: 'skill', isError: false });
    expect(refused[1]).toMatchObject({ name: 'read', isError: true, errorCode: 'WORKSPACE_ESCAPE' });
    const granted = await run(true);
    expect(granted[1]).toMatchObject({ name: 'read', isError: false });
    expect(String(granted[1]!.output)).toContain('step one: build');
  });

  it('never widens the policy: a skill that lists bash in allowed-tools does not get past a deny rule', async () => {
    const root = await tempDir();
    await writeSkill(
      join(root, 'skills/shell'),
      '---\nname: shell\ndescription: Runs things.\nallowed-tools: bash, read\n---\nRun `ls`.\n',
    );
    const model = mockProvider([
      { toolCalls: [{ name: 'skill', input: { name: 'shell' } }] },
      { toolCalls: [{ name: 'bash', input: { command: 'ls' } }] },
      { toolCalls: [{ name: 'skill', input: { name: 'nope' } }] },
      { text: 'done' },
    ]);
    const sandbox = localSandbox({ root });
    const agent = createAgent({
      provider: model,
      sandbox,
      tools: [...codingTools({ sandbox }), skills({ paths: [join(root, 'skills')] })],
      policy: createPolicy({ mode: 'workspace-write', root, deny: ['Bash'] }),
    });
    const results = toolResults(await drain(agent.run('list files')));
    expect(results[0]!.output).toContain('Tools this skill uses: bash, read.');
    expect(results[1]).toMatchObject({ name: 'bash', isError: true, errorCode: 'PERMISSION_DENIED' });
    expect(results[2]).toMatchObject({ name: 'skill', isError: true });
    expect(String(results[2]!.output)).toContain('there is no skill named "nope"; skills: shell');
    model.assertComplete();
  });
});

describe('the front matter parser', () => {
  it('reads scalars, quoted strings, block scalars and both list forms', () => {
    const doc = parseFrontMatter(
      [
        '---',
        'name: pdf # a comment',
        'title: "A \\"quoted\\" title"',
        "owner: 'it''s me'",
        'literal: |',
        '  line one',
        '    indented',
        '',
        'folded: >-',
        '  joined',
        '  words',
        'flow: [read, "bash", \'grep\']',
        'block:',
        '  - one',
        '  - "two, three"',
        'empty: []',
        '---',
        'Body here.',
      ].join('\n'),
      'SKILL.md',
    );
    expect(doc.data).toEqual({
      name: 'pdf',
      title: 'A "quoted" title',
      owner: "it's me",
      literal: 'line one\n  indented\n',
      folded: 'joined words',
      flow: ['read', 'bash', 'grep'],
      block: ['one', 'two, three'],
      empty: [],
    });
    expect(doc.body).toBe('Body here.');
    expect(doc.bodyLine).toBe(18);
  });

  it.each([
    ['metadata:\n  author: me', /SKILL\.md:3: expected a "- item" list line \(nested mappings are not supported\)/],
    ['name: *alias', /SKILL\.md:2: "\*" starts an anchor, alias, tag or mapping/],
    ['name: !tag x', /SKILL\.md:2: "!" starts/],
    ['meta: {a: 1}', /SKILL\.md:2: "\{" starts/],
    ['list: [a, [b]]', /SKILL\.md:2: nested lists or mappings are not supported/],
    ['name: x\nname: y', /SKILL\.md:3: "name" is given twice/],
    ['name: "open', /SKILL\.md:2: a double-quoted string that does not end on its line/],
    ['desc: one\n  two', /SKILL\.md:3: a value that goes on over several lines/],
    ['just text', /SKILL\.md:2: expected "key: value"/],
    ['  name: x', /SKILL\.md:2: unexpected indentation/],
  ])('refuses %j with the file and line', (front, error) => {
    expect(() => parseFrontMatter(`---\n${front}\n---\nbody`, 'SKILL.md')).toThrow(error);
  });

  it('refuses a file without front matter or without its end', () => {
    expect(() => parseFrontMatter('# Title', 'a/SKILL.md')).toThrow(/a\/SKILL\.md:1: no front matter/);
    expect(() => parseFrontMatter('---\nname: x\n', 'a/SKILL.md')).toThrow(/no closing "---"/);
  });
});
