import { ConfigError } from '../errors/config-error.js';
import { isInside } from './config-path-value.js';
import { projectInstructions } from './instructions/project-instructions.js';
import { readInstructionFile } from './instructions/read-instruction-file.js';
import type { IcodeConfig } from './types.js';

/**
 * The instructions of an agent built from `config`, in this order: `text` (the code's, else the config's),
 * the config's `instructions.files` (each marked with its path), then the project instruction files
 * (`AGENTS.md`, `CLAUDE.md`: the user's, then from the root down to `cwd`) unless turned off.
 *
 * Files in the workspace go through `canRead` (the agent's read rules): a file the agent may not read
 * never reaches the model through its instructions.
 *
 * @throws ConfigError for an `instructions.files` entry that does not exist, is not a regular file, may
 *   not be read, or (set by a project file) leads out of the project.
 */
export async function configInstructions(
  config: IcodeConfig,
  text: string | undefined,
  project: boolean,
  canRead: (path: string) => Promise<boolean>,
): Promise<string | undefined> {
  const parts: string[] = [];
  const own = text ?? config.instructions.text;
  if (own !== undefined && own !== '') parts.push(own);
  const userFile = config.files.find(({ scope }) => scope === 'user')?.file;
  for (const [index, path] of config.instructions.files.entries()) {
    const source = config.sources[`instructions.files[${index}]`];
    const fromProject = source !== userFile || isInside(config.root, path);
    let file = await readInstructionFile(path, config.instructions.maxBytes, fromProject ? config.root : undefined);
    if (file && 'realPath' in file && isInside(config.root, path) && !(await canRead(path)))
      file = { path, reason: 'the policy does not allow reading it' };
    if (!file || !('realPath' in file))
      throw new ConfigError(
        `instructions.files[${index}] (${source}): ${path} ${file ? `is not used: ${file.reason}` : 'does not exist'}.`,
      );
    parts.push(`<instructions path="${path}">\n${file.text.trimEnd()}\n</instructions>`);
  }
  if (project && config.instructions.projectFiles !== false) {
    const merged = await projectInstructions({
      root: config.root,
      cwd: config.cwd,
      userDir: config.userDir,
      files: config.instructions.projectFiles,
      maxBytes: config.instructions.maxBytes,
      canRead,
    });
    if (merged !== '') parts.push(merged);
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}
