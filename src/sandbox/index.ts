/**
 * `icode/sandbox`: where tools read and write files and run commands.
 *
 * @packageDocumentation
 */
export type { AccessIntent, ExecOptions, ExecResult, Sandbox, SandboxDirEntry, SandboxStat } from './types.js';
export type { IsolatedSandbox, LocalSandboxOptions } from './local-sandbox.js';
export { localSandbox } from './local-sandbox.js';
export type { ScrubEnvOption } from './scrub-env.js';
export { DEFAULT_SECRET_PATTERNS, scrubEnv } from './scrub-env.js';
export type { BubblewrapSandbox, BubblewrapSandboxOptions } from './bubblewrap-sandbox.js';
export { bubblewrapSandbox, isBubblewrapAvailable } from './bubblewrap-sandbox.js';
