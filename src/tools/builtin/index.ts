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

export { DEFAULT_READ_LIMIT, MAX_LINE_CHARS, MAX_READ_FILE_BYTES, MAX_READ_OUTPUT_BYTES, readTool } from './read.js';
export { writeTool } from './write.js';
export { editTool } from './edit.js';
export { multiEditTool } from './multi-edit.js';
export { applyPatchTool } from './apply-patch.js';
export type { PatchChunk, PatchOperation } from './patch-parser.js';
export { parsePatch, PatchParseError } from './patch-parser.js';
export type { FindResult, MatchSpan, MatchStrategy } from './fuzzy-match.js';
export { BLOCK_ANCHOR_FLOOR, findReplacement } from './fuzzy-match.js';
export type { CompactDiffOptions } from './compact-diff.js';
export { compactDiff } from './compact-diff.js';
export type { ReadRecord } from './file-tracker.js';
export { FILES_READ_KEY } from './file-tracker.js';

export type { GrepToolOptions } from './grep.js';
export { DEFAULT_HEAD_LIMIT, grepTool } from './grep.js';
export { FILE_TYPES } from './rg-types.js';
export type { GlobToolOptions } from './glob.js';
export { globTool } from './glob.js';
export type { ListToolOptions } from './list.js';
export { DEFAULT_LIST_IGNORES, listTool } from './list.js';

export type { BashInput, BashToolOptions } from './bash.js';
export { bashTool, DEFAULT_BASH_OUTPUT_CHARS, DEFAULT_BASH_TIMEOUT_MS, MAX_BASH_TIMEOUT_MS } from './bash.js';
export type { BashJobToolOptions } from './bash-output.js';
export { bashOutputTool } from './bash-output.js';
export { bashKillTool } from './bash-kill.js';
export { bashTools } from './bash-tools.js';
export type { BackgroundJob, BackgroundJobsOptions, BackgroundJobStatus } from './background-jobs.js';
export { BackgroundJobs, createBackgroundJobs } from './background-jobs.js';
export type { Todo, TodoStatus } from './todo-write.js';
export { readTodos, TODO_STATE_KEY, todoWriteTool } from './todo-write.js';
export type { WebFetchOptions } from './web-fetch.js';
export { webFetchTool } from './web-fetch.js';
