/**
 * `codingTools`: every built-in tool of a coding agent, sharing one sandbox.
 */
import { ConfigError } from '../../errors/config-error.js';
import { autoSandbox } from '../../sandbox/auto-sandbox.js';
import type { AdditionalDirectory } from '../../sandbox/types.js';
import type { Tool } from '../tool.js';
import { applyPatchTool } from './patch/apply-patch.js';
import type { BashToolOptions } from './bash/bash.js';
import { bashTools } from './bash/bash-tools.js';
import { editTool } from './edit/edit.js';
import { globTool, type GlobToolOptions } from './files/glob.js';
import { grepTool, type GrepToolOptions } from './grep/grep.js';
import { listTool, type ListToolOptions } from './files/list.js';
import { multiEditTool } from './edit/multi-edit.js';
import { readTool } from './files/read.js';
import { todoWriteTool } from './todo-write.js';
import type { BuiltinToolOptions } from './tool-sandbox.js';
import { webFetchTool, type WebFetchOptions } from './web-fetch/web-fetch.js';
import { writeTool } from './files/write.js';

/** The names of the tools {@link codingTools} returns. */
export const CODING_TOOL_NAMES = [
  'read',
  'write',
  'edit',
  'multi_edit',
  'apply_patch',
  'grep',
  'glob',
  'list',
  'bash',
  'bash_output',
  'bash_kill',
  'todo_write',
  'web_fetch',
] as const;

/** A name of {@link CODING_TOOL_NAMES}. */
export type CodingToolName = (typeof CODING_TOOL_NAMES)[number];

/** Options of {@link codingTools}. */
export interface CodingToolsOptions extends BuiltinToolOptions {
  /**
   * Directories outside `root` the tools' own sandbox may reach (with `root`, not `sandbox`): give the
   * same list to the policy's `additionalDirectories`, which decides what the model may do there.
   */
  readonly additionalDirectories?: readonly AdditionalDirectory[];
  /** Leave these tools out (e.g. `['web_fetch']` offline, or `['apply_patch']` for models not trained on it). */
  readonly exclude?: readonly CodingToolName[];
  /** Options of the bash tools (timeouts, output sizes, where full outputs are saved). */
  readonly bash?: Omit<BashToolOptions, keyof BuiltinToolOptions>;
  /** Options of grep (the engine). */
  readonly grep?: Omit<GrepToolOptions, keyof BuiltinToolOptions>;
  /** Options of glob (result cap). */
  readonly glob?: Omit<GlobToolOptions, keyof BuiltinToolOptions>;
  /** Options of list (entry cap, default ignores). */
  readonly list?: Omit<ListToolOptions, keyof BuiltinToolOptions>;
  /** Options of web_fetch (private-network access, sizes, timeouts). */
  readonly webFetch?: WebFetchOptions;
}

/**
 * All built-in coding tools: `read`, `write`, `edit`, `multi_edit`, `apply_patch`, `grep`, `glob`, `list`,
 * `bash`, `bash_output`, `bash_kill`, `todo_write`, `web_fetch`. They share one sandbox: `options.sandbox`,
 * else one `autoSandbox({ root })` made here when `root` is given (bubblewrap where it works, no network;
 * else `localSandbox` with a one-time `ICODE_NO_OS_SANDBOX` warning), else the agent's sandbox at call time.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   provider,
 *   tools: [...codingTools({ root: process.cwd(), exclude: ['web_fetch'] }), myTool],
 * });
 * ```
 * @throws ConfigError when `exclude` names a tool that does not exist, or `root` is not a directory.
 */
export function codingTools(options: CodingToolsOptions = {}): Tool[] {
  const excluded = new Set<string>(options.exclude ?? []);
  for (const name of excluded) {
    if (!(CODING_TOOL_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(
        `codingTools: cannot exclude "${name}": no such tool. Known tools: ${CODING_TOOL_NAMES.join(', ')}.`,
      );
    }
  }
  const shared: BuiltinToolOptions = options.sandbox
    ? { sandbox: options.sandbox }
    : options.root !== undefined
      ? {
          sandbox: autoSandbox({
            root: options.root,
            ...(options.additionalDirectories ? { additionalDirectories: options.additionalDirectories } : {}),
          }),
        }
      : {};
  const tools: Tool[] = [
    readTool(shared),
    writeTool(shared),
    editTool(shared),
    multiEditTool(shared),
    applyPatchTool(shared),
    grepTool({ ...options.grep, ...shared }),
    globTool({ ...options.glob, ...shared }),
    listTool({ ...options.list, ...shared }),
    ...bashTools({ ...options.bash, ...shared }),
    todoWriteTool(),
    webFetchTool(options.webFetch),
  ];
  return tools.filter((entry) => !excluded.has(entry.name));
}
