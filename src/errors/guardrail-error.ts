import { AgentError } from './agent-error.js';

/** Where a guardrail stopped the run. */
export type GuardrailStage = 'input' | 'output' | 'hook';

/** Options of {@link GuardrailError}. */
export interface GuardrailErrorOptions {
  /** The guardrail (or hook) that stopped the run. */
  readonly guardrail: string;
  /** Why, in its own words. */
  readonly reason: string;
  /** An input guardrail, an output guardrail, or a hook that blocked (`userPromptSubmit`, `continue: false`). */
  readonly stage: GuardrailStage;
}

/**
 * A guardrail or a hook stopped the run: an input guardrail or `userPromptSubmit` blocked the user's input,
 * an output guardrail blocked the final output, or a command hook answered `continue: false`. The run fails
 * with it (status `failed`, the partial result in `error.result`). Code `GUARDRAIL_TRIPPED`.
 *
 * @example
 * ```ts
 * try {
 *   await agent.run(input).result;
 * } catch (error) {
 *   if (GuardrailError.isInstance(error)) reply(`Refused by ${error.guardrail}: ${error.reason}`);
 *   else throw error;
 * }
 * ```
 */
export class GuardrailError extends AgentError {
  static override readonly brand: symbol = Symbol.for('icode.error.GuardrailError');

  readonly guardrail: string;
  readonly reason: string;
  readonly stage: GuardrailStage;

  constructor(options: GuardrailErrorOptions) {
    const what =
      options.stage === 'output' ? 'output guardrail' : options.stage === 'input' ? 'input guardrail' : 'hook';
    super('GUARDRAIL_TRIPPED', { message: `The ${what} "${options.guardrail}" stopped the run: ${options.reason}` });
    this.guardrail = options.guardrail;
    this.reason = options.reason;
    this.stage = options.stage;
  }
}
