/**
 * `projectInstructions`: the AGENTS.md / CLAUDE.md files that apply to a working folder, merged.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import {
  foldersDown,
  joinPath,
  readInstructionFile,
  type InstructionFile,
  type SkippedFile,
} from './read-instruction-file.js';

/**
 * Options of {@link projectInstructions}.
 *
 * @example
 * ```ts
 * const options: ProjectInstructionsOptions = { root: '/srv/app', cwd: '/srv/app/packages/api', maxBytes: 16_384 };
 * ```
 */
export interface ProjectInstructionsOptions {
  /** The workspace root: the first folder looked in; no file may lead out of it. */
  readonly root: string;
  /** The working folder, inside `root`: the last folder looked in. @defaultValue `root` */
  readonly cwd?: string;
  /** The user's config folder, for the user's global files (read first). @defaultValue none */
  readonly userDir?: string;
  /** The file names looked for in each folder, in this order. @defaultValue `['AGENTS.md', 'CLAUDE.md']` */
  readonly files?: readonly string[];
  /** Cap on the text of all files together, in bytes (markers not counted). @defaultValue 32768 */
  readonly maxBytes?: number;
  /**
   * Whether a workspace file may be read (the policy's read rules, so a file the agent may not read never
   * reaches the model through its instructions); refused files are left out with a marker. The user's
   * global files are not checked. @defaultValue every file inside `root`
   */
  readonly canRead?: (path: string) => boolean | Promise<boolean>;
}

const DEFAULT_FILES = ['AGENTS.md', 'CLAUDE.md'];
const DEFAULT_MAX_BYTES = 32 * 1024;

/**
 * The project instruction files for `cwd`, as one text for an agent's instructions:
 *
 * 1. the user's global files (`userDir/AGENTS.md`, then `userDir/CLAUDE.md`);
 * 2. the files of `root`, then of each folder down to `cwd` (closer to `cwd` = later = wins where they
 *    disagree, as the text tells the model).
 *
 * Each file is marked with its path. A file reached twice (`CLAUDE.md` a symlink to `AGENTS.md`) is used
 * once. Files in the workspace whose real path leads out of `root` (a symlink to `~/.ssh/…`) are refused,
 * as are FIFOs, devices and files `canRead` refuses; a marker says so. Over `maxBytes`, the closest files are kept: files are taken
 * from `cwd` upwards, the one that crosses the cap is cut (its start kept), and every farther one is left
 * out, with a marker at the top naming them. `''` when there is no file.
 *
 * @example
 * ```ts
 * import { createAgent, projectInstructions } from 'icode';
 *
 * const agent = createAgent({
 *   provider,
 *   instructions: `You are a careful coding agent.\n\n${await projectInstructions({ root, cwd: process.cwd() })}`,
 * });
 * ```
 * @throws ConfigError when `cwd` is not inside `root`, or `maxBytes` is not a positive integer.
 */
export async function projectInstructions(options: ProjectInstructionsOptions): Promise<string> {
  const names = options.files ?? DEFAULT_FILES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new ConfigError(`projectInstructions: maxBytes must be a positive integer, got ${String(maxBytes)}.`);
  if (names.some((name) => typeof name !== 'string' || name === '' || /[\\/]/.test(name)))
    throw new ConfigError('projectInstructions: files must be plain file names such as "AGENTS.md".');
  const folders = await foldersDown(options.root, options.cwd ?? options.root);
  if (!folders) throw new ConfigError(`projectInstructions: cwd ${options.cwd} is not inside root ${options.root}.`);

  const found: (InstructionFile | SkippedFile)[] = [];
  const seen = new Set<string>();
  const look = async (folder: string, within?: string): Promise<void> => {
    for (const name of names) {
      const path = await joinPath(folder, name);
      let file = await readInstructionFile(path, maxBytes, within);
      if (file && 'realPath' in file && within !== undefined && options.canRead && !(await options.canRead(path)))
        file = { path, reason: 'the policy does not allow reading it' };
      if (!file || ('realPath' in file && seen.has(file.realPath))) continue;
      if ('realPath' in file) seen.add(file.realPath);
      found.push(file);
    }
  };
  if (options.userDir !== undefined) await look(options.userDir);
  for (const folder of folders) await look(folder, options.root);
  return render(found, maxBytes);
}

/** The marked text of `found` (farthest first), keeping the closest files within `maxBytes`. */
function render(found: readonly (InstructionFile | SkippedFile)[], maxBytes: number): string {
  const blocks: string[] = [];
  const dropped: string[] = [];
  let budget = maxBytes;
  for (const file of [...found].reverse()) {
    if (!('realPath' in file)) {
      blocks.push(`[Instruction file ${file.path} not used: ${file.reason}.]`);
      continue;
    }
    if (budget <= 0) {
      dropped.push(file.path);
      continue;
    }
    const bytes = Buffer.byteLength(file.text);
    const cut = bytes > budget || file.size > Buffer.byteLength(file.text);
    const text =
      bytes > budget
        ? Buffer.from(file.text)
            .subarray(0, budget)
            .toString('utf8')
            .replace(/\uFFFD$/, '')
        : file.text;
    budget -= Math.min(bytes, budget);
    const note = cut
      ? `\n[… cut: only the first ${Buffer.byteLength(text)} of ${file.size} bytes fit the size cap.]`
      : '';
    blocks.push(`<instructions path="${file.path}">\n${text.trimEnd()}${note}\n</instructions>`);
  }
  if (blocks.length === 0 && dropped.length === 0) return '';
  blocks.reverse();
  if (dropped.length > 0)
    blocks.unshift(
      `[Left out over the ${maxBytes}-byte cap on instruction files (the closest ones are kept): ${dropped.reverse().join(', ')}.]`,
    );
  const intro =
    "Instructions from the user's own files, then the workspace's from its root down; where they disagree, a later (closer) file wins.";
  return [intro, ...blocks].join('\n\n');
}
