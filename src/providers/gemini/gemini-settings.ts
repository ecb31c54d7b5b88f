/**
 * Checks of the Gemini adapter's own settings, made at construction: a thinking budget the model refuses or
 * a thinking level that does not exist would otherwise fail every call with a 400, far from its cause.
 *
 * Model families are recognised by id; an id outside the known families (a tuned model, an alias such as
 * `gemini-flash-latest`) gets only the checks that hold for every model.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { GeminiRequestSettings } from './gemini-request.js';

const LEVELS = ['minimal', 'low', 'medium', 'high'] as const;

/** The budgets a Gemini 2.5 model accepts besides `-1` (dynamic). */
interface BudgetRange {
  readonly family: string;
  readonly pattern: RegExp;
  readonly min: number;
  readonly max: number;
  /** Whether `0` turns thinking off on this model. */
  readonly canDisable: boolean;
}

// Order matters: Flash-Lite before Flash. Ranges as Google documents them for `thinkingBudget`.
const BUDGETS: readonly BudgetRange[] = [
  { family: 'Gemini 2.5 Pro', pattern: /^gemini-2\.5-pro/, min: 128, max: 32_768, canDisable: false },
  { family: 'Gemini 2.5 Flash-Lite', pattern: /^gemini-2\.5-flash-lite/, min: 512, max: 24_576, canDisable: true },
  { family: 'Gemini 2.5 Flash', pattern: /^gemini-2\.5-flash/, min: 1, max: 24_576, canDisable: true },
];

function bareId(modelId: string): string {
  return modelId.replace(/^models\//, '').toLowerCase();
}

/**
 * The generation a Gemini model id names (`gemini-2.5-flash` → 2, `models/gemini-3-pro-preview` → 3), or
 * `undefined` for an id that names none (an alias, a tuned model).
 *
 * @example
 * ```ts
 * geminiGeneration('gemini-3.1-flash-lite'); // 3
 * geminiGeneration('gemini-flash-latest'); // undefined
 * ```
 */
export function geminiGeneration(modelId: string): number | undefined {
  const match = /^gemini-(\d+)(?:[.-]|$)/.exec(bareId(modelId));
  return match ? Number(match[1]) : undefined;
}

function checkBudget(modelId: string, budget: unknown): void {
  if (!(Number.isSafeInteger(budget) && (budget as number) >= -1)) {
    throw new ConfigError(
      `gemini: \`thinking.budgetTokens\` must be a whole number of tokens, -1 (dynamic) or 0 (off, where the model allows it), got ${JSON.stringify(budget)}.`,
    );
  }
  const value = budget as number;
  const range = BUDGETS.find((candidate) => candidate.pattern.test(bareId(modelId)));
  if (range === undefined || value === -1) return;
  if (value === 0 && range.canDisable) return;
  if (value === 0 || value < range.min || value > range.max) {
    const off = range.canDisable ? ', 0 (off)' : ' (thinking cannot be turned off)';
    throw new ConfigError(
      `gemini: ${range.family} (${modelId}) takes a \`thinking.budgetTokens\` of -1 (dynamic)${off} or ${range.min}–${range.max}, got ${value}.`,
    );
  }
}

function checkLevel(modelId: string, level: unknown): void {
  if (!LEVELS.includes(level as (typeof LEVELS)[number])) {
    throw new ConfigError(
      `gemini: \`thinking.level\` must be one of ${LEVELS.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(level)}.`,
    );
  }
  const generation = geminiGeneration(modelId);
  if (generation !== undefined && generation < 3) {
    throw new ConfigError(
      `gemini: ${modelId} does not take \`thinking.level\` (Gemini 3 and later do); use \`thinking.budgetTokens\`.`,
    );
  }
  if (level === 'minimal' && /^gemini-\d+(\.\d+)?-pro/.test(bareId(modelId))) {
    throw new ConfigError(`gemini: ${modelId} does not take \`thinking.level: 'minimal'\` (Flash models do).`);
  }
}

/**
 * Throws a {@link ConfigError} for a Gemini setting the API would refuse on every call: a thinking budget
 * outside the model's range (or not a whole number), an unknown thinking level, a level on a Gemini 2.5
 * model, both a level and a budget, an unknown `toolSchemas` mode, a `baseURL` that is not a URL, an
 * empty `apiVersion`.
 *
 * @example
 * ```ts
 * checkGeminiSettings('gemini-2.5-pro', { thinking: { budgetTokens: 0 } }); // throws: 2.5 Pro cannot turn thinking off
 * ```
 */
export function checkGeminiSettings(
  modelId: string,
  settings: GeminiRequestSettings & { readonly baseURL?: string; readonly apiVersion?: string },
): void {
  const thinking: unknown = settings.thinking;
  if (thinking !== undefined) {
    if (typeof thinking !== 'object' || thinking === null) {
      throw new ConfigError(
        'gemini: `thinking` must be an object, for example { level: "low" } or { budgetTokens: 1024 }.',
      );
    }
    const { budgetTokens, level, includeThoughts } = thinking as Record<string, unknown>;
    if (budgetTokens !== undefined && level !== undefined) {
      throw new ConfigError('gemini: set `thinking.level` or `thinking.budgetTokens`, not both (Gemini refuses both).');
    }
    if (budgetTokens !== undefined) checkBudget(modelId, budgetTokens);
    if (level !== undefined) checkLevel(modelId, level);
    if (includeThoughts !== undefined && typeof includeThoughts !== 'boolean') {
      throw new ConfigError(
        `gemini: \`thinking.includeThoughts\` must be a boolean, got ${JSON.stringify(includeThoughts)}.`,
      );
    }
  }
  const schemas: unknown = settings.toolSchemas;
  if (schemas !== undefined && schemas !== 'openapi' && schemas !== 'json-schema') {
    throw new ConfigError(
      `gemini: \`toolSchemas\` must be 'openapi' or 'json-schema', got ${JSON.stringify(schemas)}.`,
    );
  }
  const baseURL: unknown = settings.baseURL;
  if (baseURL !== undefined && !(typeof baseURL === 'string' && URL.canParse(baseURL))) {
    throw new ConfigError(`gemini: \`baseURL\` must be an absolute URL, got ${JSON.stringify(baseURL)}.`);
  }
  const apiVersion: unknown = settings.apiVersion;
  if (apiVersion !== undefined && !(typeof apiVersion === 'string' && /^[\w.-]+$/.test(apiVersion))) {
    throw new ConfigError(
      `gemini: \`apiVersion\` must be a version such as 'v1beta', got ${JSON.stringify(apiVersion)}.`,
    );
  }
}
