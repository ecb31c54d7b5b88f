/**
 * Skills: folders with a `SKILL.md` (front matter `name`, `description`, `allowed-tools`; instructions
 * below), found in given folders.
 *
 * @packageDocumentation
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { parseFrontMatter, type FrontMatterValue } from './front-matter.js';

/**
 * The file that makes a folder a skill.
 *
 * @example
 * ```ts
 * const file = join(folder, SKILL_FILE); // …/SKILL.md
 * ```
 */
export const SKILL_FILE = 'SKILL.md';
const SKILL_NAME = /^[A-Za-z0-9]+(?:[-_.:][A-Za-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1_024;
/**
 * A SKILL.md larger than this is refused: it is instructions, loaded whole into the context.
 *
 * @example
 * ```ts
 * if (size > MAX_SKILL_FILE_BYTES) console.warn('too big for a skill');
 * ```
 */
export const MAX_SKILL_FILE_BYTES = 256 * 1024;

/**
 * A skill found on disk. Its instructions are read when the `skill` tool loads it.
 *
 * @example
 * ```ts
 * const { skills } = await discoverSkills({ paths: ['.icode/skills'] });
 * skills.map((s) => `${s.name}: ${s.description}`);
 * ```
 */
export interface Skill {
  readonly name: string;
  readonly description: string;
  /**
   * The tools the skill says it uses (`allowed-tools`). Advisory in icode: shown to the model when the
   * skill loads, never a permission: the agent's policy decides every call as before.
   */
  readonly allowedTools?: readonly string[];
  /** The skill's folder, real absolute path. */
  readonly folder: string;
  /** Its `SKILL.md`. */
  readonly file: string;
  /** Every front matter key, as parsed. */
  readonly metadata: Readonly<Record<string, FrontMatterValue>>;
}

/**
 * A folder that was given but holds no usable skill, or a skill file that is wrong: reported, never fatal.
 *
 * @example
 * ```ts
 * for (const p of problems) console.warn(`${p.path}: ${p.error}`);
 * ```
 */
export interface SkillProblem {
  readonly path: string;
  readonly error: string;
}

/**
 * What {@link discoverSkills} found.
 *
 * @example
 * ```ts
 * const found: SkillDiscovery = await discoverSkills({ paths });
 * ```
 */
export interface SkillDiscovery {
  readonly skills: readonly Skill[];
  readonly problems: readonly SkillProblem[];
}

/**
 * Options of {@link discoverSkills}.
 *
 * @example
 * ```ts
 * const options: DiscoverSkillsOptions = { paths: ['~/.config/icode/skills', '.icode/skills'] };
 * ```
 */
export interface DiscoverSkillsOptions {
  /** Skill folders, or folders of skill folders, in order of precedence (a name found twice keeps the first). */
  readonly paths: readonly string[];
}

function text(value: FrontMatterValue | undefined, key: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ConfigError(`${file}: "${key}" must be a string, not a list.`);
  return value.trim();
}

/**
 * Reads one skill file's front matter.
 *
 * @example
 * ```ts
 * const skill = await readSkill('/repo/.icode/skills/pdf');
 * ```
 * @throws ConfigError naming the file (and line) of what is wrong.
 */
export async function readSkill(folder: string): Promise<Skill> {
  const real = await realpath(folder);
  const file = join(real, SKILL_FILE);
  const info = await lstat(file).catch(() => undefined);
  // A symbolic link is refused: the `skill` tool reads this file without asking the policy, so a link
  // shipped in a skill folder would read any file it names (a private skill, notes outside the workspace).
  if (info?.isSymbolicLink()) throw new ConfigError(`${file}: a symbolic link; ${SKILL_FILE} must be a file.`);
  if (!info?.isFile()) throw new ConfigError(`${file}: no ${SKILL_FILE} here.`);
  if (info.size > MAX_SKILL_FILE_BYTES)
    throw new ConfigError(`${file}: larger than ${MAX_SKILL_FILE_BYTES / 1024} KB.`);
  const { data } = parseFrontMatter(await readFile(file, 'utf8'), file);
  const name = text(data.name, 'name', file) ?? real.split(/[\\/]/).pop()!;
  if (!SKILL_NAME.test(name) || name.length > MAX_NAME) {
    throw new ConfigError(
      `${file}: the name "${name}" is not a skill name (letters, digits, "-", "_", ".", ":"; at most ${MAX_NAME}).`,
    );
  }
  const description = text(data.description, 'description', file);
  if (!description) throw new ConfigError(`${file}: "description" is missing; the model picks skills by it.`);
  if (description.length > MAX_DESCRIPTION) {
    throw new ConfigError(`${file}: the description is longer than ${MAX_DESCRIPTION} characters.`);
  }
  const allowed = data['allowed-tools'];
  const allowedTools =
    allowed === undefined
      ? undefined
      : (typeof allowed === 'string' ? allowed.split(/[,\s]+/) : allowed).map((t) => t.trim()).filter(Boolean);
  return { name, description, ...(allowedTools ? { allowedTools } : {}), folder: real, file, metadata: data };
}

/**
 * Finds the skills in `paths`: each path is a skill folder (it has a `SKILL.md`) or a folder whose
 * sub-folders are skills. A skill whose file is wrong, a missing path or a second skill of the same name is
 * reported in `problems` and left out; the others are found.
 *
 * @example
 * ```ts
 * const { skills, problems } = await discoverSkills({ paths: ['.icode/skills'] });
 * ```
 */
export async function discoverSkills(options: DiscoverSkillsOptions): Promise<SkillDiscovery> {
  if (!Array.isArray(options?.paths)) throw new ConfigError('skills: `paths` must be an array of folders.');
  const skills: Skill[] = [];
  const problems: SkillProblem[] = [];
  const add = async (folder: string): Promise<void> => {
    try {
      const skill = await readSkill(folder);
      const taken = skills.find((s) => s.name === skill.name);
      if (taken)
        problems.push({ path: skill.file, error: `a skill named "${skill.name}" was found first in ${taken.folder}` });
      else skills.push(skill);
    } catch (error) {
      problems.push({ path: folder, error: error instanceof Error ? error.message : String(error) });
    }
  };
  for (const given of options.paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      problems.push({ path, error: 'not a folder' });
      continue;
    }
    if (await stat(join(path, SKILL_FILE)).catch(() => undefined)) {
      await add(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() || entry.isSymbolicLink()) {
        const sub = join(path, entry.name);
        if (await stat(join(sub, SKILL_FILE)).catch(() => undefined)) await add(sub);
      }
    }
  }
  return { skills, problems };
}
