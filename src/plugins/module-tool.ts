/**
 * A plugin tool exported by a JavaScript module of the plugin. Such a tool is code the user chose to
 * install, imported and run in this process with all of its rights: nothing contains it but the policy's
 * decision on each call.
 *
 * @packageDocumentation
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { JsonSchema } from '../model/language-model.js';
import { tool } from '../tools/define-tool.js';
import { objectInputSchema } from '../tools/input-schema.js';
import type { Tool } from '../tools/tool.js';
import type { PluginPlace } from './command-tool.js';
import { pluginToolName, type PluginModuleTool } from './manifest.js';
import { realPathInside } from './plugin-root.js';

const ARGUMENTS = z.record(z.string(), z.unknown());
const ANY_OBJECT: JsonSchema = { type: 'object', properties: {}, additionalProperties: true };

/** What a module may export as a tool: an icode `Tool`, or a plain `{ description, inputSchema, execute }`. */
interface ExportedTool {
  readonly description?: unknown;
  readonly input?: { safeParse?: unknown };
  readonly inputSchema?: unknown;
  readonly readOnly?: unknown;
  readonly needsApproval?: unknown;
  readonly timeoutMs?: unknown;
  readonly access?: unknown;
  readonly execute?: unknown;
}

/** Options of {@link moduleTool}. */
export interface ModuleToolOptions {
  /** Keep the `readOnly` the module declares; otherwise it is `false`. @defaultValue false */
  readonly trustReadOnly?: boolean;
  /** Changes with each installation, so a reinstalled plugin's module is imported afresh. */
  readonly cacheKey: string;
}

/**
 * Imports the module of a manifest's module entry and builds the tool from its export, renamed
 * `plugin__<plugin>__<tool>`. The module must be inside the plugin folder (after symbolic links).
 *
 * `readOnly` is not taken on the module's word: in-process code cannot be held to it (a command tool's
 * can, by the sandbox). It is kept only with `trustReadOnly`.
 *
 * @throws ConfigError when the module is outside the plugin, fails to import, or exports no tool.
 */
export async function moduleTool(
  plugin: PluginPlace,
  entry: PluginModuleTool,
  options: ModuleToolOptions,
): Promise<Tool> {
  const where = `plugin "${plugin.name}", tool "${entry.name}"`;
  const file = await realPathInside(plugin.root, entry.module, where);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(`${pathToFileURL(file).href}?v=${encodeURIComponent(options.cacheKey)}`)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new ConfigError(`${where}: ${entry.module} failed to import: ${(error as Error).message}`, { cause: error });
  }
  const key = entry.export ?? 'default';
  const value = exports[key] as ExportedTool | undefined;
  if (typeof value !== 'object' || value === null || typeof value.execute !== 'function') {
    throw new ConfigError(`${where}: the export "${key}" of ${entry.module} is not a tool (an object with execute()).`);
  }
  // A Tool made by the plugin's own copy of zod is still a zod schema: used through safeParse only.
  const zodInput = typeof value.input?.safeParse === 'function' ? (value.input as z.ZodType) : undefined;
  const schema = (value.inputSchema as JsonSchema | undefined) ?? (zodInput ? undefined : ANY_OBJECT);
  if (schema === undefined || typeof schema !== 'object') {
    throw new ConfigError(`${where}: the tool has no inputSchema (JSON Schema) to send to the model.`);
  }
  const name = pluginToolName(plugin.name, entry.name);
  const description = entry.description ?? (typeof value.description === 'string' ? value.description : undefined);
  if (description === undefined || description === '') throw new ConfigError(`${where}: the tool has no description.`);
  const built = tool({
    name,
    description,
    input: ARGUMENTS,
    inputSchema: objectInputSchema(name, schema),
    readOnly: options.trustReadOnly === true && value.readOnly === true,
    ...(typeof value.needsApproval === 'boolean' || typeof value.needsApproval === 'function'
      ? { needsApproval: value.needsApproval as Tool['needsApproval'] }
      : {}),
    ...(typeof value.timeoutMs === 'number' && value.timeoutMs > 0 ? { timeoutMs: value.timeoutMs } : {}),
    ...(typeof value.access === 'function' ? { access: value.access.bind(value) as Tool['access'] } : {}),
    execute: (value.execute as Tool['execute']).bind(value),
  });
  return zodInput ? { ...built, input: zodInput } : built;
}
