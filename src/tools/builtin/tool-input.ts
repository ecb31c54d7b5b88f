/**
 * Input normalisation shared by the built-in tools. The JSON Schema the model sees stays snake_case (what
 * Claude-trained models expect); camelCase spellings (what GPT- and opencode-trained prompts produce) are
 * accepted as aliases, and `null` for an optional field means "not given".
 */
import { z } from 'zod';

/**
 * Wraps an object schema so that `aliases` (alias → field) are renamed before validation and `null` values
 * are dropped. The JSON Schema derived from the result is the inner schema's.
 *
 * @example
 * ```ts
 * const input = withAliases(z.object({ file_path: z.string() }), { filePath: 'file_path' });
 * input.parse({ filePath: 'a.ts' }); // { file_path: 'a.ts' }
 * ```
 */
export function withAliases<T extends z.ZodObject>(
  schema: T,
  aliases: Readonly<Record<string, string>>,
): z.ZodPipe<z.ZodTransform, T> {
  return z.preprocess((value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (field === null) continue;
      const target = aliases[key] ?? key;
      if (target !== key && Object.hasOwn(value, target)) continue;
      out[target] = field;
    }
    return out;
  }, schema) as unknown as z.ZodPipe<z.ZodTransform, T>;
}

/** The camelCase spellings of the file tools' fields. */
export const FILE_ALIASES: Readonly<Record<string, string>> = {
  filePath: 'file_path',
  oldString: 'old_string',
  newString: 'new_string',
  replaceAll: 'replace_all',
};
