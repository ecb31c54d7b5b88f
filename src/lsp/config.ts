/**
 * The options of `lspTools`, checked once at construction: a bad server entry is a `ConfigError` the user
 * sees at once, not a tool error the model sees later.
 */
import { ConfigError } from '../errors/config-error.js';
import type { LspServerConfig, LspToolsOptions } from './types.js';

/** One server's settings, checked, with the extensions normalised (no dot, lower case). */
export interface ResolvedServer extends LspServerConfig {
  readonly name: string;
  readonly languages: readonly string[];
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly servers: readonly ResolvedServer[];
  /** Extension → server name. */
  readonly byExtension: ReadonlyMap<string, string>;
  readonly feedback: { readonly maxPerFile: number; readonly maxOtherFiles: number } | false;
  readonly requestTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly diagnosticsTimeoutMs: number;
  readonly quietMs: number;
  readonly maxRestarts: number;
  readonly restartDelayMs: number;
}

const EXTENSION = /^[a-z0-9][a-z0-9_+-]*$/;

/**
 * Checks `options` and fills in the defaults.
 *
 * @throws ConfigError for a missing or empty `servers`, a server without a command or languages, an
 *   extension claimed by two servers, or a duration or count that is not positive.
 */
export function resolveOptions(options: LspToolsOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new ConfigError('lspTools takes an options object.');
  const entries = Object.entries(options.servers ?? {});
  if (options.servers === null || typeof options.servers !== 'object' || entries.length === 0) {
    throw new ConfigError(
      'lspTools: `servers` must name at least one language server, e.g. { typescript: { command, args, languages: ["ts"] } }.',
    );
  }
  const byExtension = new Map<string, string>();
  const servers = entries.map(([name, config]) => resolveServer(name, config, byExtension));
  const feedback = options.feedback;
  return {
    servers,
    byExtension,
    feedback:
      feedback === false
        ? false
        : {
            maxPerFile: count(
              'feedback.maxPerFile',
              typeof feedback === 'object' ? feedback.maxPerFile : undefined,
              20,
            ),
            maxOtherFiles: count(
              'feedback.maxOtherFiles',
              typeof feedback === 'object' ? feedback.maxOtherFiles : undefined,
              5,
              0,
            ),
          },
    requestTimeoutMs: count('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    startTimeoutMs: count('startTimeoutMs', options.startTimeoutMs, 60_000),
    diagnosticsTimeoutMs: count('diagnosticsTimeoutMs', options.diagnosticsTimeoutMs, 15_000),
    quietMs: count('quietMs', options.quietMs, 200, 0),
    maxRestarts: count('maxRestarts', options.maxRestarts, 3, 0),
    restartDelayMs: count('restartDelayMs', options.restartDelayMs, 500, 0),
  };
}

function resolveServer(name: string, config: LspServerConfig, byExtension: Map<string, string>): ResolvedServer {
  if (config === null || typeof config !== 'object')
    throw new ConfigError(`lspTools: server "${name}" must be an object.`);
  if (typeof config.command !== 'string' || config.command.trim() === '') {
    throw new ConfigError(`lspTools: server "${name}" needs a \`command\` (the program to start).`);
  }
  if (
    config.args !== undefined &&
    (!Array.isArray(config.args) || config.args.some((arg) => typeof arg !== 'string'))
  ) {
    throw new ConfigError(`lspTools: server "${name}": \`args\` must be an array of strings.`);
  }
  if (!Array.isArray(config.languages) || config.languages.length === 0) {
    throw new ConfigError(
      `lspTools: server "${name}" needs \`languages\`: the file extensions it handles, e.g. ["ts", "tsx"].`,
    );
  }
  const languages = config.languages.map((language) => {
    const extension = typeof language === 'string' ? language.replace(/^\./, '').toLowerCase() : '';
    if (!EXTENSION.test(extension)) {
      throw new ConfigError(`lspTools: server "${name}": ${JSON.stringify(language)} is not a file extension.`);
    }
    const owner = byExtension.get(extension);
    if (owner !== undefined && owner !== name) {
      throw new ConfigError(
        `lspTools: .${extension} files are claimed by both "${owner}" and "${name}"; give each extension to one server.`,
      );
    }
    byExtension.set(extension, name);
    return extension;
  });
  return { ...config, name, languages };
}

function count(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`lspTools: ${name} must be a number ≥ ${min}, got ${String(value)}.`);
  }
  return value;
}
