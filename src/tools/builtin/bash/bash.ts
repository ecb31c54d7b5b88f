/**
 * The `bash` tool: runs a shell command in the sandbox, in the foreground or as a background job.
 */
import { z } from 'zod';
import { ConfigError } from '../../../errors/config-error.js';
import { ToolFailure } from '../../../internal/tool-failure.js';
import { tool } from '../../define-tool.js';
import type { Tool, ToolContext } from '../../tool.js';
import { defaultBackgroundJobs, type BackgroundJobs } from './background-jobs.js';
import { displayLogPath, formatDuration, statusLine } from './bash-format.js';
import { LogFile, MAX_LOG_CHARS } from './bash-log-file.js';
import { boundSandbox, sandboxFor, type BuiltinToolOptions } from '../tool-sandbox.js';
import { withAliases } from '../tool-input.js';

/** Timeout of a foreground command when the model gives none. */
export const DEFAULT_BASH_TIMEOUT_MS = 120_000;
/** The longest timeout the model may ask for. */
export const MAX_BASH_TIMEOUT_MS = 600_000;
/** Output characters the model sees per command (head and tail). */
export const DEFAULT_BASH_OUTPUT_CHARS = 30_000;

/** Options of {@link bashTool} and {@link bashTools}. */
export interface BashToolOptions extends BuiltinToolOptions {
  /** Timeout of a foreground command when the model gives none. @defaultValue 120000 */
  readonly defaultTimeoutMs?: number;
  /** Output characters the model sees (head and tail kept). @defaultValue 30000 */
  readonly maxOutputChars?: number;
  /**
   * Where full outputs are saved: relative to the sandbox root (checked like any write), or absolute.
   * @defaultValue '.icode/outputs'
   */
  readonly outputDir?: string;
  /**
   * Output characters saved per command. A foreground command that produces more is stopped; a background
   * job just stops being saved. @defaultValue 67108864 (64 Mi)
   */
  readonly maxSavedOutputChars?: number;
  /** The background job registry, shared with `bash_output` and `bash_kill`. @defaultValue a shared default */
  readonly jobs?: BackgroundJobs;
}

const input = withAliases(
  z.object({
    command: z.string().min(1).describe('The command, run by `bash -c` in the workspace root (or `workdir`).'),
    description: z.string().optional().describe('What the command does, in 5-10 words, e.g. "Run the unit tests".'),
    timeout: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(`Timeout in ms (default ${DEFAULT_BASH_TIMEOUT_MS}, max ${MAX_BASH_TIMEOUT_MS}).`),
    workdir: z
      .string()
      .min(1)
      .optional()
      .describe('Directory to run in, inside the workspace. Use it instead of `cd dir && …`.'),
    run_in_background: z
      .boolean()
      .optional()
      .describe('Start the command and return a job id at once; read its output with bash_output.'),
  }),
  {
    runInBackground: 'run_in_background',
    background: 'run_in_background',
    workDir: 'workdir',
    cwd: 'workdir',
    timeoutMs: 'timeout',
    timeout_ms: 'timeout',
  },
);

/** The validated input of `bash`. */
export type BashInput = z.output<typeof input>;

function describe(defaultTimeoutMs: number, maxOutputChars: number): string {
  return [
    'Runs a bash command in the workspace and returns its combined stdout and stderr, the exit code and the duration.',
    '- Each call is a fresh non-interactive `bash -c` (no state carries over: cd, variables, functions). stdin is closed; commands that wait for input get end-of-file.',
    '- Set `workdir` instead of starting with `cd`. Quote paths with spaces.',
    `- Default timeout ${defaultTimeoutMs / 1000} s, at most ${MAX_BASH_TIMEOUT_MS / 1000} s; on timeout the whole process tree is killed. Processes left running when the command ends are killed too.`,
    `- Output longer than about ${maxOutputChars} characters is cut in the middle; the full output is saved to a file whose path is given.`,
    '- For servers, watchers and other long-running commands use `run_in_background: true` (do not append `&`), then bash_output to read and bash_kill to stop. Background jobs end with the run.',
    '- Prefer the dedicated tools to read (read), search (grep, glob) and edit (edit, write) files.',
  ].join('\n');
}

/**
 * The `bash` tool. Foreground commands return their output (head and tail kept, the full output saved to a
 * file in the workspace), exit code or signal, and duration; a timeout or abort kills the whole process
 * group and says so, and a command killed by its own timeout is an error result (`errorCode: 'TOOL_TIMEOUT'`). `run_in_background: true` returns a job id at once (see {@link bashOutputTool} and
 * {@link bashKillTool}); every job is killed when the run ends.
 *
 * Containment of commands is that of the sandbox: none with `localSandbox`, OS-level with
 * `bubblewrapSandbox`. In `read-only` mode (`ctx.permissionMode`) every command runs with `readOnly`: in a
 * read-only OS sandbox, or not at all where the sandbox cannot enforce it.
 *
 * @example
 * ```ts
 * const agent = createAgent({ provider, tools: [bashTool({ root: process.cwd(), defaultTimeoutMs: 60_000 })] });
 * ```
 * @throws ConfigError when a limit is out of range.
 */
export function bashTool(options: BashToolOptions = {}): Tool<BashInput> {
  const jobs = options.jobs ?? defaultBackgroundJobs;
  for (const [name, value, min] of [
    ['defaultTimeoutMs', options.defaultTimeoutMs, 1],
    ['maxOutputChars', options.maxOutputChars, 100],
    ['maxSavedOutputChars', options.maxSavedOutputChars, 1],
  ] as const) {
    if (value !== undefined && !(value >= min)) {
      throw new ConfigError(`bashTool: ${name} must be at least ${min}, got ${value}.`);
    }
  }
  return tool({
    ...boundSandbox(options),
    name: 'bash',
    description: describe(
      Math.min(options.defaultTimeoutMs ?? DEFAULT_BASH_TIMEOUT_MS, MAX_BASH_TIMEOUT_MS),
      options.maxOutputChars ?? DEFAULT_BASH_OUTPUT_CHARS,
    ),
    input,
    readOnly: false,
    // Above the longest command timeout, so the command's own timeout (which says what happened) wins
    // over a generic tool timeout configured on the agent.
    timeoutMs: MAX_BASH_TIMEOUT_MS + 60_000,
    access: (args) => [
      { kind: 'exec', command: args.command, ...(args.workdir === undefined ? {} : { cwd: args.workdir }) },
    ],
    execute: (args, ctx) =>
      args.run_in_background ? startJob(args, ctx, options, jobs) : runCommand(args, ctx, options),
  });
}

// Modes in which nothing may be written: the command then runs in a read-only OS sandbox, so a command the
// policy wrongly judged read-only still cannot write. A sandbox that cannot enforce it refuses the command.
const READ_ONLY_MODES: ReadonlySet<string> = new Set(['read-only', 'plan']);

function readOnlyMode(ctx: ToolContext): boolean {
  return ctx.permissionMode !== undefined && READ_ONLY_MODES.has(ctx.permissionMode);
}

async function runCommand(args: BashInput, ctx: ToolContext, options: BashToolOptions): Promise<string> {
  const { text, timedOut } = await execCommand(args, ctx, options);
  // A command killed by its own timeout did not do its job: the model and the embedding code get an error
  // result (`TOOL_TIMEOUT`), which still shows what the command printed before it was killed.
  if (timedOut) throw new ToolFailure('TOOL_TIMEOUT', text);
  return text;
}

/** Runs a foreground command: what the model reads, and whether the command's own timeout killed it. */
async function execCommand(
  args: BashInput,
  ctx: ToolContext,
  options: BashToolOptions,
): Promise<{ text: string; timedOut: boolean }> {
  const sandbox = sandboxFor(options, ctx);
  const timeoutMs = Math.min(args.timeout ?? options.defaultTimeoutMs ?? DEFAULT_BASH_TIMEOUT_MS, MAX_BASH_TIMEOUT_MS);
  const maxSaved = options.maxSavedOutputChars ?? MAX_LOG_CHARS;
  const created = await LogFile.create(sandbox, options.outputDir, maxSaved);
  const log = typeof created === 'string' ? undefined : created;

  // One signal for "the run was aborted" and "the command produced too much output".
  const stop = new AbortController();
  const forward = (): void => stop.abort(ctx.signal.reason);
  if (ctx.signal.aborted) forward();
  ctx.signal.addEventListener('abort', forward, { once: true });
  let produced = 0;
  let overflowed = false;
  try {
    const result = await sandbox.exec(args.command, {
      timeoutMs,
      readOnly: readOnlyMode(ctx),
      signal: stop.signal,
      maxOutputChars: options.maxOutputChars ?? DEFAULT_BASH_OUTPUT_CHARS,
      ...(args.workdir === undefined ? {} : { cwd: args.workdir }),
      onOutput: (chunk) => {
        produced += chunk.length;
        log?.write(chunk);
        if (produced > maxSaved && !overflowed) {
          overflowed = true;
          stop.abort();
        }
      },
    });
    const lines = [result.output === '' ? '(no output)' : result.output.replace(/\n$/, '')];
    if (result.truncated) {
      lines.push(
        log
          ? `[Output was ${result.totalChars} characters; only its start and end are shown. Full output saved to ${displayLogPath(sandbox, log.path)}: read it with read (offset/limit) or search it with grep.]`
          : `[Output was ${result.totalChars} characters; only its start and end are shown. The full output could not be saved: ${String(created)}.]`,
      );
    }
    lines.push(
      statusLine(result, {
        ...(overflowed ? { outputCapChars: maxSaved } : {}),
        ...(result.timedOut ? { timedOutMs: timeoutMs } : {}),
        ...(result.aborted && !overflowed ? { aborted: true } : {}),
      }),
    );
    if (result.truncated) log?.close();
    else await log?.remove();
    return { text: lines.join('\n'), timedOut: result.timedOut };
  } catch (error) {
    await log?.remove();
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', forward);
  }
}

async function startJob(
  args: BashInput,
  ctx: ToolContext,
  options: BashToolOptions,
  jobs: BackgroundJobs,
): Promise<string> {
  const sandbox = sandboxFor(options, ctx);
  // Check the directory now, so a bad one is this call's error rather than a failed job found later.
  if (args.workdir !== undefined) await sandbox.resolve(args.workdir, 'read');
  const created = await LogFile.create(sandbox, options.outputDir, options.maxSavedOutputChars ?? MAX_LOG_CHARS);
  const log = typeof created === 'string' ? undefined : created;
  let job;
  try {
    job = jobs.start({
      sandbox,
      sessionId: ctx.sessionId,
      command: args.command,
      readOnly: readOnlyMode(ctx),
      ...(args.description === undefined ? {} : { description: args.description }),
      ...(args.workdir === undefined ? {} : { cwd: args.workdir }),
      ...(args.timeout === undefined ? {} : { timeoutMs: Math.min(args.timeout, MAX_BASH_TIMEOUT_MS) }),
      ...(log ? { log, logLabel: displayLogPath(sandbox, log.path) } : {}),
    });
  } catch (error) {
    await log?.remove();
    throw error;
  }
  const id = job.id;
  ctx.onRunEnd(() => jobs.dispose(id));
  return [
    `Started background job ${id}${args.timeout === undefined ? '' : ` (timeout ${formatDuration(Math.min(args.timeout, MAX_BASH_TIMEOUT_MS))})`}.`,
    `Read its new output and status with bash_output (bash_id "${id}"); stop it with bash_kill. It is killed when this run ends.`,
    log ? `Its full output is also saved to ${displayLogPath(sandbox, log.path)}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
