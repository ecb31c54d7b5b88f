import { parseRule } from '../policy/rules.js';
import { ConfigFileError } from './config-file-error.js';
import { formatJsonPath } from './json-path.js';
import type { ParsedConfigFile } from './read-config-file.js';

/**
 * Parses every permission rule of a file, so a malformed rule is reported with its file, JSON path and
 * position when the config loads, not later as a bare error from the policy.
 *
 * @throws ConfigFileError for the first rule that does not parse.
 */
export function checkRules(parsed: ParsedConfigFile): void {
  for (const list of ['allow', 'ask', 'deny'] as const) {
    const value = parsed.settings.policy?.[list];
    const rules = value === undefined ? [] : typeof value === 'string' ? [value] : value;
    for (const [index, rule] of rules.entries()) {
      try {
        parseRule(rule);
      } catch (error) {
        const path = typeof value === 'string' ? ['policy', list] : ['policy', list, index];
        throw new ConfigFileError(
          { file: parsed.file, path: formatJsonPath(path), ...parsed.locate(path) },
          (error as Error).message,
          { cause: error },
        );
      }
    }
  }
}
