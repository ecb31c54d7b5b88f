import { AgentError } from './agent-error.js';

/**
 * A bad option, rule or argument given to an icode factory: the caller's fault, found before anything ran.
 * Code `CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * createAgent({ model, policy: { deny: ['Bash(rm -rf'] } }); // throws ConfigError: malformed rule
 * ```
 */
export class ConfigError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.ConfigError');

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', { message, cause: options.cause });
  }
}

/**
 * An API used in a state that does not allow it: a run iterated twice, a resume of a session that waits
 * for nothing. Code `RUN_STATE`.
 */
export class RunStateError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.RunStateError');

  constructor(message: string) {
    super('RUN_STATE', { message });
  }
}
