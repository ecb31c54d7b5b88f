import type { RunResult } from '../events/run-result.js';

/**
 * Every error code icode throws. Each error class documents which codes it uses and which fields it fills.
 *
 * - `CONFIG_INVALID`: a bad option or rule given to a factory ({@link ConfigError}).
 * - `PROVIDER_ERROR`: a model call failed ({@link ProviderError}).
 * - `WORKSPACE_ESCAPE`: a path left the sandbox root ({@link WorkspaceEscapeError}).
 * - `STORE_ERROR`, `STORE_CONFLICT`, `SESSION_NOT_FOUND`: session storage ({@link StoreError}).
 * - `SESSION_LOCKED`: a session's run lock stayed held past the wait allowed ({@link SessionLockedError}).
 * - `UNEXPECTED_MODEL_CALL`: a mock model was called past its script ({@link UnexpectedModelCallError}).
 * - `BUDGET_EXCEEDED`: the next model call would pass `maxCostUsd` ({@link BudgetExceededError}).
 * - `OUTPUT_INVALID`: the final answer did not match the run's `output` schema, after one repair turn
 *   ({@link OutputValidationError}).
 * - `RUN_STATE`: an API was used in a state that does not allow it, e.g. iterating a run twice
 *   ({@link RunStateError}).
 * - `GUARDRAIL_TRIPPED`: a guardrail or a hook stopped the run ({@link GuardrailError}).
 * - `RUN_FAILED`: a run ended on an error that is not an icode error; the original is its `cause`.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'PROVIDER_ERROR'
  | 'WORKSPACE_ESCAPE'
  | 'STORE_ERROR'
  | 'STORE_CONFLICT'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_LOCKED'
  | 'UNEXPECTED_MODEL_CALL'
  | 'BUDGET_EXCEEDED'
  | 'OUTPUT_INVALID'
  | 'RUN_STATE'
  | 'GUARDRAIL_TRIPPED'
  | 'RUN_FAILED';

/** Options every icode error takes. */
export interface AgentErrorOptions {
  readonly message: string;
  readonly cause?: unknown;
  /** The partial result of the run this error ended, if it ended one. */
  readonly result?: RunResult;
}

type Branded = { readonly brand: symbol };

/**
 * The root of every error icode throws. Catch it to handle them all; check a family with its
 * `isInstance`, which works across duplicated installs of the package (unlike `instanceof`).
 *
 * When a run fails, `run.result` rejects with an `AgentError` whose `result` holds everything the run
 * produced before the failure, so nothing is lost.
 *
 * @example
 * ```ts
 * try {
 *   await agent.run('Refactor utils.ts').result;
 * } catch (error) {
 *   if (ProviderError.isInstance(error) && error.kind === 'rate-limit') retryLater();
 *   else if (AgentError.isInstance(error)) console.error(error.code, error.result?.messages.length);
 *   else throw error;
 * }
 * ```
 */
export class AgentError extends Error {
  /** Marks instances across bundles; each subclass has its own. */
  static readonly brand: symbol = Symbol.for('icode.error.AgentError');

  /** Machine-readable kind of error. */
  readonly code: ErrorCode;
  /** The partial result of the run this error ended, if any. */
  result?: RunResult;

  constructor(code: ErrorCode, options: AgentErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.result) this.result = options.result;
    // Stamp the brand of every class in the chain, so `ProviderError.isInstance` and
    // `AgentError.isInstance` both hold for a ProviderError made by another copy of icode.
    for (let ctor: unknown = new.target; ctor && Object.hasOwn(ctor, 'brand'); ctor = Object.getPrototypeOf(ctor)) {
      Object.defineProperty(this, (ctor as Branded).brand, { value: true });
    }
  }

  /**
   * Whether `error` is an instance of this class, also when it comes from another copy of icode.
   *
   * @example
   * ```ts
   * if (StoreConflictError.isInstance(error)) reloadAndRetry();
   * ```
   */
  static isInstance<T extends abstract new (...args: never[]) => AgentError>(
    this: T & Branded,
    error: unknown,
  ): error is InstanceType<T> {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[this.brand] === true;
  }
}

/**
 * Wraps any thrown value as an {@link AgentError}: icode errors pass through, others become `RUN_FAILED`
 * with the original as `cause`.
 */
export function toAgentError(error: unknown): AgentError {
  if (AgentError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError('RUN_FAILED', { message: `Run failed: ${message}`, cause: error });
}
