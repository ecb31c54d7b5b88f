/**
 * OpenAI usage (Chat Completions or Responses field names, and those of compatible servers) → `Usage`.
 *
 * @packageDocumentation
 */
import type { Usage } from '../../model/usage.js';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

/**
 * The usage an OpenAI answer reports, with its details where the server gives them:
 * - input and output tokens (`prompt_tokens`/`completion_tokens`, or `input_tokens`/`output_tokens`);
 *   the input count already includes cached tokens, the output count the reasoning tokens;
 * - cache reads: `…_tokens_details.cached_tokens`, or DeepSeek's `prompt_cache_hit_tokens`;
 * - cache writes: `…_tokens_details.cache_write_tokens`, where reported (left out at zero);
 * - reasoning tokens: `…_tokens_details.reasoning_tokens` (left out at zero, as for models that do not
 *   reason).
 *
 * @example
 * ```ts
 * openAiUsage({ prompt_tokens: 120, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 32 } });
 * // { inputTokens: 120, outputTokens: 40, reasoningTokens: 32 }
 * ```
 */
export function openAiUsage(raw: Obj): Usage {
  const inputDetails = isObj(raw.prompt_tokens_details) ? raw.prompt_tokens_details : raw.input_tokens_details;
  const outputDetails = isObj(raw.completion_tokens_details)
    ? raw.completion_tokens_details
    : raw.output_tokens_details;
  const input = isObj(inputDetails) ? inputDetails : {};
  const output = isObj(outputDetails) ? outputDetails : {};
  const cacheRead = num(input.cached_tokens) ?? num(raw.prompt_cache_hit_tokens);
  const cacheWrite = num(input.cache_write_tokens);
  const reasoning = num(output.reasoning_tokens);
  return {
    inputTokens: num(raw.prompt_tokens) ?? num(raw.input_tokens) ?? 0,
    outputTokens: num(raw.completion_tokens) ?? num(raw.output_tokens) ?? 0,
    ...(cacheRead !== undefined ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}
