import { ConfigError } from '../errors/config-error.js';
import type { McpHttpServer, McpServersOptions, McpStdioServer } from './options.js';

/** A server's options, checked, with every default applied. */
export type ResolvedServer = {
  readonly name: string;
  readonly startup: 'lazy' | 'eager';
  readonly timeoutMs: number;
  readonly includeTools?: ReadonlySet<string>;
  readonly excludeTools: ReadonlySet<string>;
} & (
  | { readonly kind: 'stdio'; readonly config: McpStdioServer }
  | { readonly kind: 'http'; readonly url: URL; readonly config: McpHttpServer }
);

/** The toolset-wide settings, checked. */
export interface ResolvedSettings {
  readonly name: string;
  readonly connectTimeoutMs: number;
  readonly maxRestarts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly stableAfterMs: number;
}

// Single underscores only: permission rules split `mcp__<server>__<tool>` on double ones.
const SERVER_NAME = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/;

function duration(what: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigError(`mcpServers: ${what} must be a ${allowZero ? 'non-negative' : 'positive'} number of ms.`);
  }
  return value;
}

function names(server: string, what: string, value: readonly string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigError(`mcpServers: ${what} of server "${server}" must be an array of tool names.`);
  }
  return new Set(value);
}

/** Checks one server's options. */
function resolveServer(options: McpServersOptions, name: string, raw: unknown): ResolvedServer {
  if (!SERVER_NAME.test(name) || name.length > 32) {
    throw new ConfigError(
      `mcpServers: the server name "${name}" is invalid: use 1-32 letters, digits, "-" and single "_" (tools are named mcp__<server>__<tool>).`,
    );
  }
  if (typeof raw !== 'object' || raw === null) {
    throw new ConfigError(`mcpServers: server "${name}" must be { command, args?, env?, cwd? } or { url, headers? }.`);
  }
  const config = raw as Partial<McpStdioServer & McpHttpServer>;
  const startup = config.startup ?? options.startup ?? 'lazy';
  if (startup !== 'lazy' && startup !== 'eager') {
    throw new ConfigError(`mcpServers: startup must be 'lazy' or 'eager', got ${String(startup)}.`);
  }
  const timeoutMs = duration(`timeoutMs of "${name}"`, config.timeoutMs, options.timeoutMs ?? 120_000);
  const includeTools = names(name, 'includeTools', config.includeTools);
  const common = {
    name,
    startup,
    timeoutMs,
    ...(includeTools ? { includeTools } : {}),
    excludeTools: names(name, 'excludeTools', config.excludeTools) ?? new Set<string>(),
  };
  if ((config.command === undefined) === (config.url === undefined)) {
    throw new ConfigError(`mcpServers: server "${name}" needs exactly one of \`command\` (stdio) and \`url\` (HTTP).`);
  }
  if (config.command !== undefined) {
    if (typeof config.command !== 'string' || config.command === '') {
      throw new ConfigError(`mcpServers: the command of server "${name}" must be a non-empty string.`);
    }
    if (config.args !== undefined && (!Array.isArray(config.args) || config.args.some((a) => typeof a !== 'string'))) {
      throw new ConfigError(`mcpServers: the args of server "${name}" must be an array of strings.`);
    }
    for (const [key, value] of Object.entries(config.env ?? {})) {
      if (typeof value !== 'string')
        throw new ConfigError(`mcpServers: env.${key} of server "${name}" must be a string.`);
    }
    return { ...common, kind: 'stdio', config: config as McpStdioServer };
  }
  let url: URL;
  try {
    url = new URL(String(config.url));
  } catch {
    throw new ConfigError(`mcpServers: the url of server "${name}" is not a URL: ${String(config.url)}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`mcpServers: the url of server "${name}" must be http: or https:, got ${url.protocol}.`);
  }
  const transport = config.transport ?? 'auto';
  if (!['auto', 'streamable-http', 'sse'].includes(transport)) {
    throw new ConfigError(`mcpServers: transport of "${name}" must be 'auto', 'streamable-http' or 'sse'.`);
  }
  for (const [key, value] of Object.entries(config.headers ?? {})) {
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new ConfigError(`mcpServers: the header "${key}" of server "${name}" must be a string on one line.`);
    }
  }
  return { ...common, kind: 'http', url, config: config as McpHttpServer };
}

/**
 * Checks `mcpServers`' options and applies the defaults.
 *
 * @throws ConfigError for a missing or malformed server, an invalid name, or a bad duration.
 */
export function resolveOptions(options: McpServersOptions): {
  servers: ResolvedServer[];
  settings: ResolvedSettings;
} {
  if (typeof options !== 'object' || options === null || typeof options.servers !== 'object' || !options.servers) {
    throw new ConfigError('mcpServers needs `servers`: { name: { command, args } | { url, headers } }.');
  }
  const servers = Object.entries(options.servers).map(([name, raw]) => resolveServer(options, name, raw));
  const restart = options.restart ?? {};
  const maxRestarts = restart.maxRestarts ?? 3;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) {
    throw new ConfigError(`mcpServers: restart.maxRestarts must be a non-negative integer, got ${maxRestarts}.`);
  }
  const name = options.name ?? 'mcp';
  if (typeof name !== 'string' || name === '') throw new ConfigError('mcpServers: name must be a non-empty string.');
  return {
    servers,
    settings: {
      name,
      connectTimeoutMs: duration('connectTimeoutMs', options.connectTimeoutMs, 30_000),
      maxRestarts,
      initialDelayMs: duration('restart.initialDelayMs', restart.initialDelayMs, 500, true),
      maxDelayMs: duration('restart.maxDelayMs', restart.maxDelayMs, 10_000, true),
      stableAfterMs: duration('restart.stableAfterMs', restart.stableAfterMs, 60_000, true),
    },
  };
}
