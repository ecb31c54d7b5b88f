/**
 * The plugin manifest, `icode-plugin.json`: what a plugin offers, validated with zod so a broken file is
 * reported with the path of every problem.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';

/**
 * The manifest's file name, at the root of the plugin folder (or npm package).
 *
 * @example
 * ```ts
 * await writeFile(join(folder, PLUGIN_MANIFEST), JSON.stringify({ name: 'echo', version: '1.0.0' }));
 * ```
 */
export const PLUGIN_MANIFEST = 'icode-plugin.json';

/** Names joined by single `-` or `_`: never `__`, which separates the parts of `plugin__<name>__<tool>`. */
export const PLUGIN_NAME = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const TOOL_PART = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Providers refuse tool names longer than this. */
const MAX_TOOL_NAME = 64;

/**
 * A path inside the plugin folder, written relative to it: no absolute path, no `..`, no backslash. The
 * loader also checks the real path (after symlinks) is inside.
 */
const insidePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p), 'must be relative to the plugin folder')
  .refine((p) => !p.includes('\\') && !p.includes('\0'), 'must use "/" and no NUL')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".." (it must stay inside the plugin folder)');

const noNul = z.string().refine((s) => !s.includes('\0'), 'must not contain NUL');
const env = z.record(z.string().regex(ENV_NAME, 'not an environment variable name'), noNul);
const toolName = z.string().regex(TOOL_PART, 'use letters and digits joined by single "-" or "_"');

const commandTool = z.strictObject({
  name: toolName,
  description: z.string().min(1).optional(),
  /** The program (looked up on `PATH`, or `${PLUGIN_ROOT}/…`); never run through a shell's parsing. */
  command: noNul.min(1),
  args: z.array(noNul).optional(),
  env: env.optional(),
  /** JSON Schema of the input, an object schema. @defaultValue any object */
  inputSchema: z.record(z.string(), z.unknown()).optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  /** Honoured only as far as the sandbox enforces it: in `read-only` mode the program runs read-only. */
  readOnly: z.boolean().optional(),
  needsApproval: z.boolean().optional(),
});

const moduleTool = z.strictObject({
  name: toolName,
  description: z.string().min(1).optional(),
  /** The JavaScript module (ESM) that exports the tool, inside the plugin folder. */
  module: insidePath,
  /** The export holding the tool. @defaultValue 'default' */
  export: z
    .string()
    .regex(/^[A-Za-z_$][\w$]*$/, 'not an export name')
    .optional(),
});

const hook = z.strictObject({
  command: noNul.min(1),
  events: z.array(z.string().min(1)).min(1),
  matcher: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const mcpCommon = {
  timeoutMs: z.number().int().positive().optional(),
  includeTools: z.array(z.string()).optional(),
  excludeTools: z.array(z.string()).optional(),
  startup: z.enum(['lazy', 'eager']).optional(),
  resources: z.boolean().optional(),
};
const mcpServer = z.union([
  z.strictObject({
    command: noNul.min(1),
    args: z.array(noNul).optional(),
    env: env.optional(),
    cwd: z.string().optional(),
    ...mcpCommon,
  }),
  z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(z.string(), z.string()).optional(),
    transport: z.enum(['auto', 'streamable-http', 'sse']).optional(),
    ...mcpCommon,
  }),
]);

/**
 * The zod schema of `icode-plugin.json`. Unknown keys are errors, so a typo never silently drops a part.
 *
 * @example
 * ```ts
 * const result = pluginManifestSchema.safeParse(JSON.parse(text));
 * ```
 */
export const pluginManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().max(40).regex(PLUGIN_NAME, 'use lower-case letters and digits joined by single "-" or "_"'),
    version: z.string().min(1).max(64),
    description: z.string().optional(),
    tools: z.array(z.union([commandTool, moduleTool])).optional(),
    hooks: z.array(hook).optional(),
    mcpServers: z.record(z.string().regex(TOOL_PART, 'not a server name'), mcpServer).optional(),
    /** Folders holding skills (each a folder with a `SKILL.md`, or a folder of such folders). */
    skills: z.array(insidePath).optional(),
  })
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.tools?.forEach((tool, index) => {
      const full = pluginToolName(manifest.name, tool.name);
      if (full.length > MAX_TOOL_NAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', index, 'name'],
          message: `"${full}" is longer than ${MAX_TOOL_NAME} characters; shorten the plugin or tool name`,
        });
      }
      if (seen.has(tool.name)) {
        ctx.addIssue({ code: 'custom', path: ['tools', index, 'name'], message: `"${tool.name}" is given twice` });
      }
      seen.add(tool.name);
    });
  });

/**
 * A validated `icode-plugin.json`.
 *
 * @example
 * ```ts
 * const manifest: PluginManifest = {
 *   name: 'echo',
 *   version: '1.0.0',
 *   tools: [{ name: 'echo', command: 'node', args: ['${PLUGIN_ROOT}/echo.mjs'] }],
 * };
 * ```
 */
export type PluginManifest = z.infer<typeof pluginManifestSchema>;
/**
 * A tool of a manifest that runs a program.
 *
 * @example
 * ```ts
 * const echo: PluginCommandTool = { name: 'echo', command: 'node', args: ['${PLUGIN_ROOT}/echo.mjs'] };
 * ```
 */
export type PluginCommandTool = z.infer<typeof commandTool>;
/**
 * A tool of a manifest exported by a JavaScript module.
 *
 * @example
 * ```ts
 * const fmt: PluginModuleTool = { name: 'format', module: 'tools/format.mjs' };
 * ```
 */
export type PluginModuleTool = z.infer<typeof moduleTool>;
/**
 * A command hook of a plugin, as data (`commandHook` of `icode/config` takes this shape).
 *
 * @example
 * ```ts
 * const hook: PluginHook = { command: '${PLUGIN_ROOT}/check.sh', events: ['beforeToolCall'], matcher: 'bash' };
 * ```
 */
export type PluginHook = z.infer<typeof hook>;
/**
 * An MCP server of a plugin, in the shape `mcpServers({ servers })` of `icode/mcp` takes.
 *
 * @example
 * ```ts
 * const server: PluginMcpServer = { command: 'node', args: ['${PLUGIN_ROOT}/server.mjs'] };
 * ```
 */
export type PluginMcpServer = z.infer<typeof mcpServer>;

/**
 * The tool name a plugin's tool gets: `plugin__<plugin>__<tool>`, so rules such as `plugin__name__*` match.
 *
 * @example
 * ```ts
 * pluginToolName('github', 'open_issue'); // 'plugin__github__open_issue'
 * ```
 */
export function pluginToolName(plugin: string, tool: string): string {
  return `plugin__${plugin}__${tool}`;
}

/** The manifest's problems, one `path: message` per line. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Reads and validates the manifest of the plugin folder `root`.
 *
 * @example
 * ```ts
 * const manifest = await readPluginManifest('/home/me/plugins/echo');
 * ```
 * @throws ConfigError naming the file and every problem: missing, not JSON, or not a valid manifest.
 */
export async function readPluginManifest(root: string): Promise<PluginManifest> {
  const file = join(root, PLUGIN_MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `${file}: no plugin manifest (${PLUGIN_MANIFEST}) here.`
        : `${file}: cannot be read (${code}).`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = pluginManifestSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: invalid plugin manifest: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}
