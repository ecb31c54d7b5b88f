/**
 * The zod schema of one config file. Every object is strict: an unknown key is an error naming its path,
 * so a typo (`"alow"`) is never silently ignored.
 *
 * @packageDocumentation
 */
import { z } from 'zod';

/**
 * The provider names a config file may choose; each maps to `icode/providers/<name>`.
 *
 * @example
 * ```ts
 * PROVIDER_NAMES.includes('ollama'); // true
 * ```
 */
export const PROVIDER_NAMES = ['anthropic', 'openai', 'gemini', 'ollama'] as const;

/**
 * The events a command hook in a config file may name: Claude Code's names (`PreToolUse`, …), so hook
 * settings copied from Claude Code work as they are, or the names of icode's hook points
 * (`beforeToolCall`, …). Both run `commandHook` with the Claude Code hook contract.
 *
 * @example
 * ```ts
 * const hook = { command: './hooks/guard.sh', events: ['PreToolUse'] satisfies HookEvent[], matcher: 'bash' };
 * ```
 */
export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'UserPromptSubmit',
  'Stop',
  'SubagentStop',
  'SessionStart',
  'SessionEnd',
  'PreCompact',
  'beforeToolCall',
  'afterToolCall',
  'userPromptSubmit',
  'stop',
  'subagentStop',
  'sessionStart',
  'sessionEnd',
  'beforeCompact',
] as const;

/**
 * Provider options that would move the API key or the traffic elsewhere: they have their own settings
 * (`provider.baseURL`, `provider.apiKeyEnv`) with their own rules, so `options` may not carry them.
 */
const GUARDED_OPTIONS = ['apiKey', 'baseURL', 'host', 'headers', 'fetch'] as const;

const positiveInt = z.number().int().positive();
const nonEmpty = z.string().min(1);
const ruleList = z.union([z.string(), z.array(z.string())]);
const stringMap = z.record(z.string(), z.string());

const providerOptions = z.record(z.string(), z.json()).superRefine((options, ctx) => {
  for (const key of GUARDED_OPTIONS) {
    if (key in options) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message:
          key === 'apiKey'
            ? 'API keys are never read from config files; set the provider environment variable (or provider.apiKeyEnv in the user config).'
            : `not allowed in provider.options; use provider.baseURL (${key} would redirect or alter every request).`,
      });
    }
  }
});

const provider = z.strictObject({
  name: z.enum(PROVIDER_NAMES).optional(),
  model: nonEmpty.optional(),
  /** Another endpoint (`host` for Ollama). Project files need the user's `trustProject.baseURL`. */
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  /** The environment variable holding the API key. User file only. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** Further settings of the provider factory (`maxRetries`, `timeoutMs`, `api`, `thinking`, …). */
  options: providerOptions.optional(),
});

const additionalDirectory = z.union([
  nonEmpty,
  z.strictObject({ path: nonEmpty, access: z.enum(['read', 'read-write']) }),
]);

const policy = z.strictObject({
  mode: z.enum(['plan', 'read-only', 'workspace-write', 'full-access']).optional(),
  /** With `mode: 'plan'`: the mode once a person approved the plan. @defaultValue 'read-only' */
  afterPlan: z.enum(['read-only', 'workspace-write', 'full-access']).optional(),
  allow: ruleList.optional(),
  ask: ruleList.optional(),
  deny: ruleList.optional(),
  additionalDirectories: z.array(additionalDirectory).optional(),
});

const mcpCommon = {
  startup: z.enum(['lazy', 'eager']).optional(),
  timeoutMs: positiveInt.optional(),
  includeTools: z.array(z.string()).optional(),
  excludeTools: z.array(z.string()).optional(),
  resources: z.boolean().optional(),
};

const mcpServer = z.union([
  z.strictObject({
    command: nonEmpty,
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    cwd: z.string().optional(),
    ...mcpCommon,
  }),
  z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    headers: stringMap.optional(),
    transport: z.enum(['auto', 'streamable-http', 'sse']).optional(),
    ...mcpCommon,
  }),
]);

const lspServer = z.strictObject({
  command: nonEmpty,
  args: z.array(z.string()).optional(),
  languages: z.array(nonEmpty).min(1),
  env: stringMap.optional(),
  cwd: z.string().optional(),
  initializationOptions: z.json().optional(),
  settings: z.record(z.string(), z.json()).optional(),
  languageIds: stringMap.optional(),
});

const hook = z.strictObject({
  command: nonEmpty,
  args: z.array(z.string()).optional(),
  events: z.array(z.enum(HOOK_EVENTS)).min(1),
  /** Tool names the hook applies to (a regular expression over the tool name, as in Claude Code). */
  matcher: z.string().optional(),
  timeoutMs: positiveInt.optional(),
  /** What an exit code other than 0 and 2 means for a guard: `'block'` makes it fail closed. @defaultValue 'warn' */
  onError: z.enum(['warn', 'block']).optional(),
});

const instructions = z.strictObject({
  /** Text added to the instructions. */
  text: z.string().optional(),
  /** Further instruction files (relative to the file's folder for the user file, to the project root else). */
  files: z.array(nonEmpty).optional(),
  /** File names looked for from the workspace root down to cwd; `false` turns project instructions off. */
  projectFiles: z
    .union([z.literal(false), z.array(z.string().regex(/^[^/\\]+$/, 'must be a file name, not a path')).min(1)])
    .optional(),
  /** Cap on the project instructions, in bytes. */
  maxBytes: positiveInt.optional(),
});

const trustProject = z.strictObject({
  /** Project files may start programs: `mcpServers`, `lspServers`, `hooks`, `plugins`. */
  commands: z.boolean().optional(),
  /** Project files may set `provider.baseURL`. */
  baseURL: z.boolean().optional(),
  /** Project files may add `policy.additionalDirectories`. */
  additionalDirectories: z.boolean().optional(),
});

/**
 * The zod schema of one config file, for tools that check or generate config files.
 *
 * @example
 * ```ts
 * configFileSchema.parse({ provider: { name: 'openai', model: 'gpt-5-mini' }, maxTurns: 20 });
 * ```
 */
export const configFileSchema = z.strictObject({
  /** For editors; ignored. */
  $schema: z.string().optional(),
  provider: provider.optional(),
  policy: policy.optional(),
  mcpServers: z.record(z.string().regex(/^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/), mcpServer).optional(),
  lspServers: z.record(nonEmpty, lspServer).optional(),
  /** Command hooks, run with the Claude Code hook contract in the project root. Project files need trust. */
  hooks: z.array(hook).optional(),
  /**
   * Plugins the agent uses: a path (`./plugins/lint`, `~/dev/lint`, a `.tgz`) is installed from, again when
   * a folder's manifest version changes; a name is an installed plugin, or else an npm package to install.
   * Project files need trust.
   */
  plugins: z.array(nonEmpty).optional(),
  /** Skill folders, or folders of skill folders. A project file's stay inside the project. */
  skills: z.array(nonEmpty).optional(),
  instructions: instructions.optional(),
  maxTurns: positiveInt.optional(),
  maxParallelTools: positiveInt.optional(),
  toolTimeoutMs: positiveInt.optional(),
  maxToolOutputChars: positiveInt.optional(),
  maxCostUsd: z.number().positive().optional(),
  maxOutputTokens: positiveInt.optional(),
  temperature: z.number().min(0).max(2).optional(),
  /** User file only: what project files may do beyond rules and narrowing. */
  trustProject: trustProject.optional(),
});

/**
 * One config file, as validated; the section types below are its parts.
 *
 * @example
 * ```ts
 * const file: ConfigFile = { policy: { deny: ['Read(./.env)'] }, trustProject: { commands: true } };
 * ```
 */
export type ConfigFile = z.infer<typeof configFileSchema>;
/** The `provider` section. */
export type ProviderSection = z.infer<typeof provider>;
/** The `policy` section. */
export type PolicySection = z.infer<typeof policy>;
/** One entry of `mcpServers`. */
export type McpServerSection = z.infer<typeof mcpServer>;
/** One entry of `lspServers`. */
export type LspServerSection = z.infer<typeof lspServer>;
/** One command hook, as data. */
export type HookSection = z.infer<typeof hook>;
/** The `instructions` section. */
export type InstructionsSection = z.infer<typeof instructions>;
/** The `trustProject` section of the user file. */
export type TrustProject = z.infer<typeof trustProject>;
/** A provider name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** A hook point name. */
export type HookEvent = (typeof HOOK_EVENTS)[number];
