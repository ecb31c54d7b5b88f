import { ConfigError } from '../errors/config-error.js';

/**
 * Where in a config file a problem is: the file, the JSON path, and the line and column when known.
 *
 * @example
 * ```ts
 * const at: ConfigLocation = { file: '/srv/app/.icode/config.json', path: 'policy.allow[1]', line: 4, column: 7 };
 * ```
 */
export interface ConfigLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** JSON path of the value, e.g. `policy.allow[1]`; `''` for the whole file. */
  readonly path: string;
  /** 1-based line, when the value (or the syntax error) could be located in the text. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
}

/**
 * A config file that cannot be used: a JSONC syntax error, a value of the wrong type, an unknown key, or a
 * setting the file is not allowed to make (a project file that widens the mode, points the provider at
 * another server or starts programs without the user's consent). The message starts with
 * `file:line:column` and names the JSON path, so an editor can jump to it. Code `CONFIG_INVALID`, like
 * every {@link ConfigError}.
 *
 * @example
 * ```ts
 * try {
 *   await loadConfig({ cwd: process.cwd() });
 * } catch (error) {
 *   if (ConfigFileError.isInstance(error)) console.error(`${error.file} at ${error.path}: ${error.message}`);
 *   else throw error;
 * }
 * ```
 */
export class ConfigFileError extends ConfigError {
  static override readonly brand: symbol = Symbol.for('icode.error.ConfigFileError');

  readonly file: string;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;

  constructor(location: ConfigLocation, problem: string, options: { cause?: unknown } = {}) {
    const where = location.line === undefined ? location.file : `${location.file}:${location.line}:${location.column}`;
    super(`${where}: ${location.path === '' ? '' : `${location.path}: `}${problem}`, options);
    this.file = location.file;
    this.path = location.path;
    if (location.line !== undefined) this.line = location.line;
    if (location.column !== undefined) this.column = location.column;
  }
}
