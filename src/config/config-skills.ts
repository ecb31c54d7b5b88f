/**
 * The config's `skills` (and the plugins' skill folders): discovered once, offered through the `skill`
 * tool, described in the instructions, and their folders granted read-only when outside the project.
 *
 * @packageDocumentation
 */
import type { Skill, SkillProblem } from '../skills/discover.js';
import type { Toolset, ToolsetStatus } from '../tools/toolset.js';
import { canonicalPath, isInside } from './config-path-value.js';
import { reportingToolset } from './reporting-toolset.js';
import type { IcodeConfig } from './types.js';

/** What the config's skills bring to an agent. */
export interface ConfigSkills {
  /** The `skill` tool. */
  readonly toolset: Toolset;
  /** The `# Skills` block for the instructions. */
  readonly instructions: string;
  /** Skill folders outside the project, to grant read-only to the file tools. */
  readonly folders: readonly string[];
}

/**
 * Finds the skills of the config's `skills` paths, then of `pluginSkills`; a name found twice keeps the
 * first (user file, project files, plugins). The files of a skill are read with the agent's own file tools:
 * a skill folder outside the project, from the user file or a plugin (the user's choices), is granted
 * read-only, that folder alone. A project file's path cannot lead out of the project (`loadConfig` refuses
 * it); a skill it reaches through a symbolic link that leads out is left out and reported. Problems (a
 * missing folder, a broken `SKILL.md`) are reported as `toolset-status` events, never fatal.
 */
export async function configSkills(
  config: IcodeConfig,
  pluginSkills: readonly string[],
): Promise<ConfigSkills | undefined> {
  if (config.skills.length === 0 && pluginSkills.length === 0) return undefined;
  const [{ discoverSkills }, { skillInstructions, skills }] = await Promise.all([
    import('../skills/discover.js'),
    import('../skills/skills-toolset.js'),
  ]);
  const userFile = config.files.find(({ scope }) => scope === 'user')?.file;
  const fromUser = (index: number): boolean => config.sources[`skills[${index}]`] === userFile;
  const groups = [
    { trusted: true, paths: config.skills.filter((_, index) => fromUser(index)) },
    { trusted: false, paths: config.skills.filter((_, index) => !fromUser(index)) },
    { trusted: true, paths: pluginSkills },
  ];
  const root = await canonicalPath(config.root);
  const found: Skill[] = [];
  const problems: SkillProblem[] = [];
  for (const { trusted, paths } of groups) {
    if (paths.length === 0) continue;
    const discovery = await discoverSkills({ paths });
    problems.push(...discovery.problems);
    for (const skill of discovery.skills) {
      const taken = found.find((other) => other.name === skill.name);
      if (taken)
        problems.push({ path: skill.file, error: `a skill named "${skill.name}" was found first in ${taken.folder}` });
      else if (!trusted && !isInside(root, skill.folder))
        problems.push({ path: skill.folder, error: `leads out of the project (${config.root}); not used` });
      else found.push(skill);
    }
  }
  const statuses: ToolsetStatus[] = problems.map(({ path, error }) => ({
    server: path,
    status: 'degraded',
    message: error,
  }));
  return {
    toolset: reportingToolset(skills({ skills: found }), { problems: statuses }),
    instructions: skillInstructions(found),
    folders: found.map((skill) => skill.folder).filter((folder) => !isInside(root, folder)),
  };
}
