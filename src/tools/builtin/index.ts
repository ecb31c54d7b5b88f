/**
 * `icode/tools`: the built-in coding tools (Node only).
 *
 * @packageDocumentation
 */
export type { CodingToolName, CodingToolsOptions } from './coding-tools.js';
export { CODING_TOOL_NAMES, codingTools } from './coding-tools.js';
export type { BuiltinToolOptions } from './tool-sandbox.js';
export { sandboxFor } from './tool-sandbox.js';
export { withAliases } from './tool-input.js';

export {
  DEFAULT_READ_LIMIT,
  MAX_LINE_CHARS,
  MAX_READ_FILE_BYTES,
  MAX_READ_OUTPUT_BYTES,
  readTool,
} from './files/read.js';
export { writeTool } from './files/write.js';
export { editTool } from './edit/edit.js';
export { multiEditTool } from './edit/multi-edit.js';
export { applyPatchTool } from './patch/apply-patch.js';
export type { PatchChunk, PatchOperation } from './patch/patch-parser.js';
export { parsePatch, PatchParseError } from './patch/patch-parser.js';
export type { FindResult, MatchSpan, MatchStrategy } from './edit/fuzzy-match.js';
export { BLOCK_ANCHOR_FLOOR, findReplacement } from './edit/fuzzy-match.js';
export type { CompactDiffOptions } from './files/compact-diff.js';
export { compactDiff } from './files/compact-diff.js';
export type { ReadRecord } from './files/file-tracker.js';
export { FILES_READ_KEY } from './files/file-tracker.js';

export type { GrepToolOptions } from './grep/grep.js';
export { DEFAULT_HEAD_LIMIT, grepTool } from './grep/grep.js';
export { FILE_TYPES } from './grep/rg-types.js';
export type { GlobToolOptions } from './files/glob.js';
export { globTool } from './files/glob.js';
export type { ListToolOptions } from './files/list.js';
export { DEFAULT_LIST_IGNORES, listTool } from './files/list.js';

export type { BashInput, BashToolOptions } from './bash/bash.js';
export { bashTool, DEFAULT_BASH_OUTPUT_CHARS, DEFAULT_BASH_TIMEOUT_MS, MAX_BASH_TIMEOUT_MS } from './bash/bash.js';
export type { BashJobToolOptions } from './bash/bash-output.js';
export { bashOutputTool } from './bash/bash-output.js';
export { bashKillTool } from './bash/bash-kill.js';
export { bashTools } from './bash/bash-tools.js';
export type { BackgroundJob, BackgroundJobsOptions, BackgroundJobStatus } from './bash/background-jobs.js';
export { BackgroundJobs, createBackgroundJobs } from './bash/background-jobs.js';
export { taskTools } from '../../tasks/task-tools.js';
export type { TaskTools, TaskToolsOptions } from '../../tasks/task-tools.js';
export type { Todo, TodoStatus } from './todo-write.js';
export { readTodos, TODO_STATE_KEY, todoWriteTool } from './todo-write.js';
export type { WebFetchOptions } from './web-fetch/web-fetch.js';
export { webFetchTool } from './web-fetch/web-fetch.js';
export { exitPlanModeTool, planTools } from './plan/exit-plan-mode.js';
export type { ToolSearchOptions } from './tool-search/tool-search.js';
export { TOOL_SEARCH_NAME, toolSearch } from './tool-search/tool-search.js';
