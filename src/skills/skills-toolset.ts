/**
 * `skills()`: a toolset with a `skill` tool that loads a skill's instructions on demand, and
 * `skillInstructions()`: the block of names and descriptions for the agent's instructions.
 *
 * @packageDocumentation
 */
import { constants, open, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import { tool } from '../tools/define-tool.js';
import type { Tool } from '../tools/tool.js';
import type { Toolset, ToolsetStatus } from '../tools/toolset.js';
import { discoverSkills, MAX_SKILL_FILE_BYTES, type Skill, type SkillDiscovery } from './discover.js';
import { parseFrontMatter } from './front-matter.js';

/**
 * The name of the tool that loads a skill.
 *
 * @example
 * ```ts
 * createPolicy({ mode: 'read-only', deny: [SKILL_TOOL_NAME] }); // no skills for this agent
 * ```
 */
export const SKILL_TOOL_NAME = 'skill';
/** Files of a skill folder listed when it loads, at most. */
const MAX_LISTED_FILES = 100;

/**
 * Options of {@link skills}: folders to find skills in, skills found already, or both; and plugins whose
 * enabled ones' skill folders count too.
 *
 * @example
 * ```ts
 * const options: SkillsOptions = { paths: ['.icode/skills'], plugins: manager };
 * ```
 */
export interface SkillsOptions {
  /** Skill folders, or folders of skill folders, in order of precedence. */
  readonly paths?: readonly string[];
  /** Skills found already (by {@link discoverSkills}); they come before those of `paths`. */
  readonly skills?: readonly Skill[];
  /** The skill folders of the enabled plugins of this manager are searched after `paths`. */
  readonly plugins?: PluginManager;
}

/**
 * The toolset {@link skills} returns.
 *
 * @example
 * ```ts
 * const set: SkillsToolset = skills({ paths });
 * const { skills: found } = await set.discover();
 * ```
 */
export interface SkillsToolset extends Toolset {
  /** The skills offered now (found once, again after {@link SkillsToolset.refresh}). */
  discover(): Promise<SkillDiscovery>;
  /** Finds the skills again at the next turn (a skill added or edited on disk). */
  refresh(): void;
}

/**
 * The block to add to an agent's instructions: what skills are and the name and description of each, so
 * the model knows when to load one with the `skill` tool. Empty when there are no skills.
 *
 * @example
 * ```ts
 * const found = await discoverSkills({ paths: ['.icode/skills'] });
 * createAgent({ provider, instructions: `You are careful.\n\n${skillInstructions(found)}`, tools: [skills(found)] });
 * ```
 */
export function skillInstructions(source: SkillDiscovery | readonly Skill[]): string {
  const list = Array.isArray(source) ? (source as readonly Skill[]) : (source as SkillDiscovery).skills;
  if (list.length === 0) return '';
  const lines = list.map((s) => `- ${s.name}: ${s.description.replace(/\s+/g, ' ')}`);
  return [
    '# Skills',
    `Skills are folders of instructions, scripts and resources for particular tasks. When a task matches a skill's description, call the \`${SKILL_TOOL_NAME}\` tool with its name first, then follow what it says.`,
    '<available_skills>',
    ...lines,
    '</available_skills>',
  ].join('\n');
}

/** The files of a skill folder (relative), breadth first, `.git` and `node_modules` left out. */
async function filesOf(folder: string): Promise<string[]> {
  const files: string[] = [];
  const queue = [''];
  while (queue.length > 0 && files.length < MAX_LISTED_FILES) {
    const dir = queue.shift()!;
    const entries = await readdir(join(folder, dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') queue.push(path);
      } else if (path !== 'SKILL.md') files.push(path);
    }
  }
  return files.slice(0, MAX_LISTED_FILES);
}

/**
 * The text of a skill's `SKILL.md`, read only while it is still the file that was found: no path component
 * swapped for a symbolic link since (the folder, or the file itself). The `skill` tool reads it without the
 * policy, so a link put there after discovery would read any file it names.
 */
async function readSkillFile(skill: Skill): Promise<string> {
  const moved = new Error(
    `the skill "${skill.name}" is no longer where it was found (${skill.file}); it was not loaded.`,
  );
  if ((await realpath(skill.file).catch(() => undefined)) !== skill.file) throw moved;
  // O_NOFOLLOW: a link swapped in between the check and the read fails the open (ELOOP).
  const handle = await open(skill.file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => {
    throw moved;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_SKILL_FILE_BYTES) throw moved;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** The text the `skill` tool returns: where the skill is, its files, its advisory tools, its instructions. */
async function loadSkill(skill: Skill): Promise<string> {
  const { body } = parseFrontMatter(await readSkillFile(skill), skill.file);
  const files = await filesOf(skill.folder);
  return [
    `<skill name="${skill.name}" folder="${skill.folder}">`,
    ...(files.length > 0
      ? [
          'Files of this skill (paths relative to its folder; read them with the file tools when the instructions call for them):',
          ...files.map((f) => `- ${f}`),
        ]
      : []),
    ...(skill.allowedTools ? [`Tools this skill uses: ${skill.allowedTools.join(', ')}.`] : []),
    '',
    body.trim(),
    '</skill>',
  ].join('\n');
}

/**
 * A toolset with one tool, `skill`, which loads a skill's instructions (the body of its `SKILL.md`) on
 * demand, with the list of its files. Pair it with {@link skillInstructions}, which tells the model which
 * skills exist.
 *
 * Files of a skill are read with the agent's own file tools, so the policy and the sandbox decide: a skill
 * folder inside the workspace is readable as is; one outside (the user's skills, a plugin's) must be
 * granted read-only, `policy: { additionalDirectories: [folder] }` (and the same on the sandbox), or the
 * reads are refused with `WORKSPACE_ESCAPE`. The `skill` tool itself only reads `SKILL.md` files of the
 * folders it was given.
 *
 * `allowed-tools` is advisory: the loaded skill names them to the model; nothing is allowed that the
 * policy would not allow anyway.
 *
 * @example
 * ```ts
 * import { discoverSkills, skillInstructions, skills } from 'icode/plugins';
 *
 * const found = await discoverSkills({ paths: [join(root, '.icode/skills')] });
 * const agent = createAgent({
 *   provider,
 *   instructions: `You are a careful coding agent.\n\n${skillInstructions(found)}`,
 *   tools: [...codingTools({ root }), skills({ skills: found.skills })],
 * });
 * ```
 * @throws ConfigError for options of the wrong shape.
 */
export function skills(options: SkillsOptions | SkillDiscovery = {}): SkillsToolset {
  const settings: SkillsOptions = 'problems' in options ? { skills: options.skills } : options;
  if (settings.paths !== undefined && !Array.isArray(settings.paths)) {
    throw new ConfigError('skills: `paths` must be an array of folders.');
  }
  const statusListeners = new Set<(status: ToolsetStatus) => void>();
  const reported = new Set<string>();
  let found: Promise<SkillDiscovery> | undefined;
  let last: { readonly discovery: SkillDiscovery; readonly tools: readonly Tool[] } | undefined;
  const offChange = settings.plugins?.onChange(() => (found = undefined));

  const discover = (): Promise<SkillDiscovery> =>
    (found ??= (async () => {
      const pluginPaths = settings.plugins ? (await settings.plugins.load()).plugins.flatMap((p) => p.skills) : [];
      const fromPaths = await discoverSkills({ paths: [...(settings.paths ?? []), ...pluginPaths] });
      const given = settings.skills ?? [];
      const taken = new Set(given.map((s) => s.name));
      return {
        skills: [...given, ...fromPaths.skills.filter((s) => !taken.has(s.name))],
        problems: fromPaths.problems,
      };
    })());

  const build = (list: readonly Skill[]): Tool => {
    const byName = new Map(list.map((s) => [s.name, s]));
    return tool({
      name: SKILL_TOOL_NAME,
      description: `Loads a skill: its instructions, and the files it comes with. Call it before a task that one of these skills covers: ${list.map((s) => s.name).join(', ') || '(none)'}.`,
      input: z.object({ name: z.string().min(1).describe('The name of the skill.') }),
      readOnly: true,
      execute: async ({ name }) => {
        const skill = byName.get(name);
        if (!skill)
          throw new Error(`there is no skill named "${name}"; skills: ${[...byName.keys()].join(', ') || 'none'}.`);
        return loadSkill(skill);
      },
    });
  };

  return {
    kind: 'toolset',
    name: 'skills',
    discover,
    refresh: () => void (found = undefined),
    async tools() {
      const discovery = await discover();
      for (const problem of discovery.problems) {
        const key = `${problem.path}\n${problem.error}`;
        if (reported.has(key)) continue;
        reported.add(key);
        for (const listener of statusListeners)
          listener({ server: problem.path, status: 'degraded', message: problem.error });
      }
      if (last?.discovery === discovery) return last.tools;
      const same =
        last &&
        last.discovery.skills.length === discovery.skills.length &&
        last.discovery.skills.every(
          (s, i) => s.file === discovery.skills[i]!.file && s.description === discovery.skills[i]!.description,
        );
      last = { discovery, tools: same ? last!.tools : [build(discovery.skills)] };
      return last.tools;
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    close: async () => {
      offChange?.();
    },
  };
}
