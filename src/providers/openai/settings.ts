/**
 * The settings of the OpenAI provider, and their check at construction.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { CommonProviderSettings } from '../shared/settings.js';

/** The values of {@link OpenAiSettings.reasoningEffort}. */
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const APIS = ['chat', 'responses'] as const;

/**
 * Settings of `openai()`.
 *
 * @example
 * ```ts
 * const settings: OpenAiSettings = { model: 'gpt-5', api: 'responses', reasoningEffort: 'low' };
 * ```
 */
export interface OpenAiSettings extends CommonProviderSettings {
  /** The model id, for example `gpt-4.1-mini` or `gpt-5`. */
  readonly model: string;
  /**
   * `'chat'` (Chat Completions, the default, which every OpenAI-compatible server speaks) or
   * `'responses'` (the Responses API, with reasoning summaries). @defaultValue 'chat'
   */
  readonly api?: 'chat' | 'responses';
  /** The `OpenAI-Organization` header. */
  readonly organization?: string;
  /** The `OpenAI-Project` header. */
  readonly project?: string;
  /**
   * Strict function schemas (arguments guaranteed to match). A tool whose schema strict mode cannot express
   * (`z.any()`, `z.unknown()`, `z.date()`, a record, `uniqueItems`…) is sent non-strict, the others stay
   * strict; turn it off for servers that do not support it. @defaultValue true
   */
  readonly strict?: boolean;
  /** Reasoning effort of reasoning models (`reasoning_effort`, or `reasoning.effort` for Responses). */
  readonly reasoningEffort?: (typeof REASONING_EFFORTS)[number];
  /**
   * Responses API: whether OpenAI stores the responses (`store`). Stored, the reasoning of earlier steps goes
   * back by reference; with `false` (zero data retention), the adapter asks for the encrypted reasoning
   * (`include: ['reasoning.encrypted_content']`) and sends it back instead. `providerOptions.openai.store`
   * overrides it for one call. @defaultValue the API's (stored)
   */
  readonly store?: boolean;
  /**
   * Chat Completions: send the model's reasoning back as `reasoning_content` on assistant messages, as
   * DeepSeek's thinking mode (and other servers that stream `reasoning_content`, such as Kimi) require after
   * tool calls. @defaultValue true for model ids starting with `deepseek`, else false
   */
  readonly sendReasoningContent?: boolean;
}

function checkOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    const list = allowed.map((item) => `'${item}'`).join(', ');
    throw new ConfigError(`openai: \`${name}\` must be one of ${list}, got ${JSON.stringify(value)}.`);
  }
}

/**
 * Throws a {@link ConfigError} for an OpenAI-specific setting that would only fail at the first call (or
 * never, silently): an unknown `api`, a reasoning effort the API does not know, a flag that is not a
 * boolean, an organization that is not a string. The common settings are checked by `modelFields`.
 *
 * @example
 * ```ts
 * checkOpenAiSettings({ model: 'gpt-5', api: 'completions' as never }); // throws ConfigError
 * ```
 */
export function checkOpenAiSettings(settings: OpenAiSettings): void {
  checkOneOf('api', settings.api, APIS);
  checkOneOf('reasoningEffort', settings.reasoningEffort, REASONING_EFFORTS);
  for (const key of ['strict', 'store', 'sendReasoningContent'] as const) {
    const value: unknown = settings[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ConfigError(`openai: \`${key}\` must be true or false, got ${JSON.stringify(value)}.`);
    }
  }
  for (const key of ['organization', 'project', 'apiKey', 'baseURL'] as const) {
    const value: unknown = settings[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new ConfigError(`openai: \`${key}\` must be a string, got ${JSON.stringify(value)}.`);
    }
  }
}
