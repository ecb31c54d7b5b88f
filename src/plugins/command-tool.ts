/**
 * A plugin tool that runs a program: the JSON input on its stdin, its output back to the model.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import type { JsonSchema } from '../model/language-model.js';
import { tool } from '../tools/define-tool.js';
import type { Tool, ToolContext } from '../tools/tool.js';
import type { PluginCommandTool } from './manifest.js';
import { pluginToolName } from './manifest.js';
import { withPluginRoot } from './plugin-root.js';

/**
 * How long a command tool may run unless its manifest says otherwise, in ms.
 *
 * @example
 * ```ts
 * const entry = { name: 'slow', command: 'make', timeoutMs: 5 * DEFAULT_COMMAND_TOOL_TIMEOUT_MS };
 * ```
 */
export const DEFAULT_COMMAND_TOOL_TIMEOUT_MS = 60_000;
/**
 * The largest input (JSON characters) a command tool takes: the input travels in an environment variable,
 * and Linux caps one at 128 KiB.
 *
 * @example
 * ```ts
 * if (JSON.stringify(input).length > MAX_COMMAND_INPUT_CHARS) console.warn('too large for a command tool');
 * ```
 */
export const MAX_COMMAND_INPUT_CHARS = 120_000;
/** Output kept for the model (head and tail past it). */
const MAX_OUTPUT_CHARS = 100_000;
/**
 * Modes in which nothing may be written. `plan` is one: until its plan is approved a session only reads, and
 * a program that claims `readOnly` is let through by the policy there, so the sandbox must hold it to it.
 */
const READ_ONLY_MODES: ReadonlySet<string> = new Set(['read-only', 'plan']);

const ARGUMENTS = z.record(z.string(), z.unknown());
const ANY_OBJECT: JsonSchema = { type: 'object', properties: {}, additionalProperties: true };

/** Single-quotes a word for a POSIX shell: the shell then passes it as is, whatever it holds. */
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** Where a loaded plugin lives, for the tools built from its manifest. */
export interface PluginPlace {
  readonly name: string;
  /** The installed folder, absolute. */
  readonly root: string;
}

/**
 * Builds the tool of a manifest's command entry. The program runs through the agent's sandbox
 * (`ctx.sandbox.exec`, so an OS sandbox applies), in the workspace root, with no shell parsing of anything
 * the manifest or the model wrote: the command line is a fixed launcher, `printf '%s' "$ICODE_PLUGIN_INPUT" |
 * '<program>' '<arg>'…`, every word single-quoted, and the input passed in an environment variable.
 * Its combined stdout and stderr is the result; a non-zero exit is an error result.
 *
 * @throws ConfigError for a bad name, input schema or `${PLUGIN_ROOT}` path.
 */
export function commandTool(plugin: PluginPlace, entry: PluginCommandTool): Tool<Record<string, unknown>> {
  const name = pluginToolName(plugin.name, entry.name);
  const where = `plugin "${plugin.name}", tool "${entry.name}"`;
  const argv = [entry.command, ...(entry.args ?? [])].map((word) => withPluginRoot(word, plugin.root, where));
  const launcher = `printf '%s' "$ICODE_PLUGIN_INPUT" | ${argv.map(quote).join(' ')}`;
  const env = Object.fromEntries(
    Object.entries(entry.env ?? {}).map(([key, value]) => [key, withPluginRoot(value, plugin.root, where)]),
  );
  return tool({
    name,
    description: entry.description ?? `Tool "${entry.name}" of the plugin "${plugin.name}".`,
    input: ARGUMENTS,
    inputSchema: (entry.inputSchema as JsonSchema | undefined) ?? ANY_OBJECT,
    // A program that claims to change nothing runs read-only in `read-only` and `plan` mode, and the sandbox enforces
    // it (or refuses to run it): the claim cannot be abused.
    readOnly: entry.readOnly ?? false,
    ...(entry.needsApproval !== undefined ? { needsApproval: entry.needsApproval } : {}),
    timeoutMs: entry.timeoutMs ?? DEFAULT_COMMAND_TOOL_TIMEOUT_MS,
    execute: async (input, ctx: ToolContext) => {
      const json = JSON.stringify(input);
      if (json.length > MAX_COMMAND_INPUT_CHARS) {
        throw new Error(
          `the input is ${json.length} characters; a command tool takes at most ${MAX_COMMAND_INPUT_CHARS}.`,
        );
      }
      const result = await ctx.sandbox.exec(launcher, {
        signal: ctx.signal,
        maxOutputChars: MAX_OUTPUT_CHARS,
        ...(ctx.permissionMode !== undefined && READ_ONLY_MODES.has(ctx.permissionMode) ? { readOnly: true } : {}),
        env: {
          ...env,
          ICODE_PLUGIN_INPUT: json,
          ICODE_PLUGIN_ROOT: plugin.root,
          ICODE_PLUGIN_NAME: plugin.name,
        },
      });
      const output = result.output.trim();
      if (result.timedOut || result.aborted) throw new Error(`the program was stopped. ${output}`.trim());
      if (result.exitCode !== 0) {
        const how = result.exitCode === null ? `was killed (${result.signal})` : `exited with code ${result.exitCode}`;
        throw new Error(`the program ${how}${output ? `: ${output}` : '.'}`);
      }
      return output;
    },
  });
}
