/**
 * The settings of the Anthropic adapter, and the checks they get at construction.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { CommonProviderSettings } from '../shared/settings.js';

/** The smallest thinking budget the Messages API takes. */
export const MIN_THINKING_BUDGET_TOKENS = 1024;

/**
 * Settings of {@link anthropic}.
 *
 * @example
 * ```ts
 * const settings: AnthropicSettings = { model: 'claude-sonnet-4-6', thinking: { budgetTokens: 4000 } };
 * ```
 */
export interface AnthropicSettings extends CommonProviderSettings {
  /** The model id, for example `claude-sonnet-4-6` or `claude-haiku-4-5`. */
  readonly model: string;
  /**
   * Prompt caching: `cache_control` breakpoints on the system prompt, the tools and the conversation
   * tail, so each turn re-reads the conversation from the cache. @defaultValue true
   */
  readonly cache?: boolean;
  /**
   * Extended thinking: `{ budgetTokens }` for a fixed budget (a whole number, at least 1024; `max_tokens`
   * is raised above it when needed), or `'adaptive'` for models that size their own thinking (Opus 4.6 and
   * later). While it is on, `temperature` is not sent (the API accepts only the default then). A call that
   * forces a tool (`toolChoice: 'required'` or `{ name }`) goes without thinking, since the API refuses the
   * pair; with a budget, so does the rest of a tool turn begun without thinking. @defaultValue off
   */
  readonly thinking?: { readonly budgetTokens: number } | 'adaptive';
  /**
   * `max_tokens` when the request sets no `maxOutputTokens` (the API requires one): a whole number ≥ 1.
   * @defaultValue 8192
   */
  readonly maxOutputTokens?: number;
  /**
   * How structured output (`request.output`) is asked for: `'auto'` uses `output_config.format` where the
   * model has it and the schema fits its subset (closed objects, no recursion), else a forced final tool;
   * `'native'` always uses `output_config.format` (a gateway's model ids the adapter does not know);
   * `'tool'` always the forced tool. The caller gets JSON text either way. @defaultValue 'auto'
   */
  readonly structuredOutput?: 'auto' | 'native' | 'tool';
}

/**
 * Throws a {@link ConfigError} for an Anthropic setting the API would refuse at the first call: a thinking
 * budget under 1024 or not a whole number, a `thinking` that is neither a budget nor `'adaptive'`, a
 * `maxOutputTokens` that is not a whole number ≥ 1, a `cache` that is not a boolean.
 */
export function checkAnthropicSettings(settings: AnthropicSettings): void {
  const fail = (message: string): never => {
    throw new ConfigError(`anthropic: ${message}`);
  };
  const { thinking, maxOutputTokens, cache, structuredOutput } = settings as {
    [K in keyof AnthropicSettings]?: unknown;
  };
  if (structuredOutput !== undefined && !['auto', 'native', 'tool'].includes(structuredOutput as string)) {
    fail(`\`structuredOutput\` must be 'auto', 'native' or 'tool', got ${JSON.stringify(structuredOutput)}.`);
  }
  if (maxOutputTokens !== undefined && !(Number.isSafeInteger(maxOutputTokens) && (maxOutputTokens as number) >= 1)) {
    fail(`\`maxOutputTokens\` must be a whole number ≥ 1, got ${JSON.stringify(maxOutputTokens)}.`);
  }
  if (cache !== undefined && typeof cache !== 'boolean') {
    fail(`\`cache\` must be true or false, got ${JSON.stringify(cache)}.`);
  }
  if (thinking === undefined || thinking === 'adaptive') return;
  const budget: unknown =
    typeof thinking === 'object' && thinking !== null ? (thinking as Obj).budgetTokens : undefined;
  if (budget === undefined) {
    fail(`\`thinking\` must be { budgetTokens } or 'adaptive', got ${JSON.stringify(thinking)}.`);
  }
  if (!(Number.isSafeInteger(budget) && (budget as number) >= MIN_THINKING_BUDGET_TOKENS)) {
    fail(
      `\`thinking.budgetTokens\` must be a whole number of at least ${MIN_THINKING_BUDGET_TOKENS} (the API's minimum), got ${JSON.stringify(budget)}.`,
    );
  }
}

type Obj = Record<string, unknown>;
