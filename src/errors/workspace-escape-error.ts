import { AgentError } from './agent-error.js';

/**
 * A path that leads outside the sandbox root: by `..`, an absolute path, or a symlink whose target is
 * outside. Code `WORKSPACE_ESCAPE`. A tool that throws it produces an error result with that `errorCode`.
 *
 * @example
 * ```ts
 * await sandbox.resolve('../../etc/passwd', 'read'); // throws WorkspaceEscapeError
 * ```
 */
export class WorkspaceEscapeError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.WorkspaceEscapeError');

  /** The path as it was asked for. */
  readonly path: string;
  /** The sandbox root. */
  readonly root: string;

  constructor(options: { path: string; root: string; reason?: string }) {
    super('WORKSPACE_ESCAPE', {
      message: `Path "${options.path}" is outside the workspace ${options.root}${options.reason ? `: ${options.reason}` : ''}. Use a path inside the workspace.`,
    });
    this.path = options.path;
    this.root = options.root;
  }
}
