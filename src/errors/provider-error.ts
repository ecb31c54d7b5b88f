import { AgentError } from './agent-error.js';

/**
 * What went wrong in a model call.
 *
 * - `rate-limit` (HTTP 429), `overloaded` (529, Anthropic `overloaded_error`), `server` (5xx), `network`
 *   (connection reset, stream cut short) and `timeout` are retryable.
 * - `auth` (401/403), `quota` (billing or credit exhausted), `invalid-request` (400), `model-not-found`,
 *   `context-length` (the prompt is longer than the window) and `request-too-large` (413) are not.
 */
export type ProviderErrorKind =
  | 'rate-limit'
  | 'overloaded'
  | 'auth'
  | 'quota'
  | 'invalid-request'
  | 'model-not-found'
  | 'context-length'
  | 'request-too-large'
  | 'server'
  | 'network'
  | 'timeout';

const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'rate-limit',
  'overloaded',
  'server',
  'network',
  'timeout',
]);

/** Options of a {@link ProviderError}. */
export interface ProviderErrorOptions {
  readonly message: string;
  readonly kind: ProviderErrorKind;
  /** `'anthropic'`, `'openai'`, … */
  readonly provider?: string;
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** Defaults from `kind`. */
  readonly retryable?: boolean;
  /** How long the server asked us to wait (`retry-after`, `retry-after-ms`). */
  readonly retryAfterMs?: number;
  /** The provider's request id, for support tickets. */
  readonly requestId?: string;
  readonly cause?: unknown;
}

/**
 * A failed model call, classified. Messages never contain an API key.
 *
 * Code `PROVIDER_ERROR`; `kind`, `retryable` always set; `status`, `retryAfterMs`, `requestId` when known.
 *
 * @example
 * ```ts
 * throw new ProviderError({ kind: 'rate-limit', message: 'Too many requests', status: 429, retryAfterMs: 2000 });
 * ```
 */
export class ProviderError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.ProviderError');

  readonly kind: ProviderErrorKind;
  readonly provider?: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly requestId?: string;

  constructor(options: ProviderErrorOptions) {
    super('PROVIDER_ERROR', { message: options.message, cause: options.cause });
    this.kind = options.kind;
    this.retryable = options.retryable ?? RETRYABLE_KINDS.has(options.kind);
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }
}

/**
 * A run stopped before a model call whose cost would pass `maxCostUsd`. Code `BUDGET_EXCEEDED`; `result`
 * holds the run so far.
 */
export class BudgetExceededError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.BudgetExceededError');

  readonly spentUsd: number;
  readonly limitUsd: number;

  constructor(options: { spentUsd: number; limitUsd: number }) {
    super('BUDGET_EXCEEDED', {
      message: `Budget exceeded: spent $${options.spentUsd.toFixed(4)} of $${options.limitUsd.toFixed(4)}; the next model call would pass the limit.`,
    });
    this.spentUsd = options.spentUsd;
    this.limitUsd = options.limitUsd;
  }
}

/**
 * A mock model was called more times than its script has steps. Code `UNEXPECTED_MODEL_CALL`.
 */
export class UnexpectedModelCallError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.UnexpectedModelCallError');

  /** The 1-based number of the call that had no step. */
  readonly call: number;

  constructor(options: { call: number; scriptLength: number }) {
    super('UNEXPECTED_MODEL_CALL', {
      message: `Unexpected model call #${options.call}: the mock script has only ${options.scriptLength} step(s).`,
    });
    this.call = options.call;
  }
}
