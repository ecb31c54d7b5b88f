import { AgentError } from './agent-error.js';

/**
 * One problem with a structured answer: a zod issue (`code`, `path`, `message`), or `invalid_json` with an
 * empty path when the answer was not JSON at all.
 *
 * @example
 * ```ts
 * const issue: OutputIssue = { code: 'invalid_type', path: ['confidence'], message: 'Expected number' };
 * ```
 */
export interface OutputIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The model's final answer did not match the run's `output` schema, also after the one repair turn the
 * agent gives it: it was not JSON, or zod found `issues` in it. The run fails with this error (status
 * `failed`); `rawText` is the answer as the model wrote it, and `error.result` the partial result. Code
 * `OUTPUT_INVALID`.
 *
 * @example
 * ```ts
 * try {
 *   const { output } = await agent.run('Rate this PR', { output: z.object({ score: z.number() }) }).result;
 * } catch (error) {
 *   if (OutputValidationError.isInstance(error)) log.warn(error.rawText, error.issues);
 * }
 * ```
 */
export class OutputValidationError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.OutputValidationError');

  /** The final answer's text, as the model wrote it. */
  readonly rawText: string;
  /** What was wrong with it. */
  readonly issues: readonly OutputIssue[];

  constructor(options: { message: string; rawText: string; issues: readonly OutputIssue[] }) {
    super('OUTPUT_INVALID', { message: options.message });
    this.rawText = options.rawText;
    this.issues = options.issues;
  }
}
