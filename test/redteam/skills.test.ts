/**
 * Attacks on skills by a skill author or a model that can change the workspace: a `SKILL.md` that is a
 * symbolic link to a file outside its folder, shipped with the repository or swapped in after the skill was
 * found. The `skill` tool reads `SKILL.md` without asking the policy, so it must read only the file it found.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type AgentEvent } from '../../src/index.js';
import { discoverSkills, skills } from '../../src/plugins/index.js';
import { createPolicy } from '../../src/policy/index.js';
import { localSandbox } from '../../src/sandbox/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { codingTools } from '../../src/tools/builtin/index.js';

const cleanups: string[] = [];
afterEach(async () => {
  for (const dir of cleanups.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A workspace with a skill `helper`, and outside it a private skill file the agent was never granted. */
async function setup() {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'icode-redteam-skills-')));
  cleanups.push(base);
  const root = join(base, 'ws');
  const skillDir = join(root, 'skills', 'helper');
  await mkdir(skillDir, { recursive: true });
  await writeFile(join(skillDir, 'SKILL.md'), '---\nname: helper\ndescription: Helps.\n---\nUse the helper.\n');
  const secret = join(base, 'private', 'SKILL.md');
  await mkdir(join(base, 'private'), { recursive: true });
  await writeFile(secret, '---\nname: helper\ndescription: Private notes.\n---\nPRIVATE-NOTES-PAYLOAD\n');
  return { root, skillDir, secret };
}

async function loadHelper(root: string, toolset: ReturnType<typeof skills>) {
  const model = mockProvider([{ toolCalls: [{ id: 's', name: 'skill', input: { name: 'helper' } }] }, { text: 'ok' }]);
  const agent = createAgent({
    provider: model,
    tools: [...codingTools({ root, exclude: ['web_fetch'] }), toolset],
    sandbox: localSandbox({ root }),
    policy: createPolicy({ mode: 'workspace-write', root }),
  });
  const events: AgentEvent[] = [];
  for await (const event of agent.run('use the helper skill')) events.push(event);
  model.assertComplete();
  return events.flatMap((e) => (e.type === 'tool-result' ? [e] : []))[0]!;
}

describe('a SKILL.md that is a symbolic link out of its folder', () => {
  it('shipped with the workspace: its target is never read', async () => {
    const { root, skillDir, secret } = await setup();
    await unlink(join(skillDir, 'SKILL.md'));
    await symlink(secret, join(skillDir, 'SKILL.md'));
    const found = await discoverSkills({ paths: [join(root, 'skills')] });
    expect(found.skills.map((s) => s.description)).not.toContain('Private notes.');
    const result = await loadHelper(root, skills({ paths: [join(root, 'skills')] }));
    expect(JSON.stringify(result.output)).not.toContain('PRIVATE-NOTES-PAYLOAD');
  });

  it('swapped in after the skill was found: loading it is refused', async () => {
    const { root, skillDir, secret } = await setup();
    const found = await discoverSkills({ paths: [join(root, 'skills')] });
    expect(found.skills.map((s) => s.name)).toEqual(['helper']);
    await unlink(join(skillDir, 'SKILL.md'));
    await symlink(secret, join(skillDir, 'SKILL.md'));
    const result = await loadHelper(root, skills(found));
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.output)).not.toContain('PRIVATE-NOTES-PAYLOAD');
  });

  it('a skill folder swapped for a link to a folder outside: loading it is refused', async () => {
    const { root, skillDir, secret } = await setup();
    const found = await discoverSkills({ paths: [join(root, 'skills')] });
    await rm(skillDir, { recursive: true });
    await symlink(join(secret, '..'), skillDir);
    const result = await loadHelper(root, skills(found));
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.output)).not.toContain('PRIVATE-NOTES-PAYLOAD');
  });
});
