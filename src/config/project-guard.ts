/**
 * What a project file (`.icode/config.json`, `.icode/config.local.json`) may not do. Both live in the
 * project's folder, which may come from anyone (a cloned repository, a pull request), so neither is
 * trusted like the user's own file:
 *
 * - the mode can only be narrowed: a mode wider than the user file's (else `workspace-write`) is an error;
 * - `provider.apiKeyEnv` and `trustProject` are user-file settings;
 * - `provider.baseURL` would send the user's API key and conversations to another server: only with the
 *   user file's `trustProject.baseURL`;
 * - `policy.additionalDirectories` would open folders outside the project: only with
 *   `trustProject.additionalDirectories`;
 * - `mcpServers`, `lspServers`, `hooks` and `plugins` start programs or reach servers: only with
 *   `trustProject.commands`.
 *
 * Allow rules are taken (teams share them), but deny and ask rules from any file still win over them.
 *
 * @packageDocumentation
 */
import { MODES } from '../policy/policy-options.js';
import type { PermissionMode } from '../policy/types.js';
import { ConfigFileError } from './config-file-error.js';
import { formatJsonPath } from './json-path.js';
import type { ParsedConfigFile } from './read-config-file.js';
import type { TrustProject } from './schema.js';

/** The widest mode a project file may set when the user file sets none. */
export const DEFAULT_MODE_CEILING: PermissionMode = 'workspace-write';

/**
 * Throws when the project file `parsed` sets something only the user may.
 *
 * @throws ConfigFileError naming the file, the setting and how the user can allow it.
 */
export function guardProjectFile(
  parsed: ParsedConfigFile,
  userFile: string,
  ceiling: PermissionMode,
  trust: TrustProject,
): void {
  const { settings } = parsed;
  const refuse = (path: (string | number)[], problem: string): never => {
    throw new ConfigFileError({ file: parsed.file, path: formatJsonPath(path), ...parsed.locate(path) }, problem);
  };
  if (settings.trustProject) refuse(['trustProject'], `only the user config (${userFile}) can set this.`);
  if (settings.provider?.apiKeyEnv !== undefined)
    refuse(['provider', 'apiKeyEnv'], `only the user config (${userFile}) can choose where the API key comes from.`);
  const mode = settings.policy?.mode;
  if (mode !== undefined && MODES.indexOf(mode) > MODES.indexOf(ceiling)) {
    refuse(
      ['policy', 'mode'],
      `"${mode}" is wider than the user config allows ("${ceiling}"); a project file can only narrow the mode. ` +
        `Set policy.mode in ${userFile} to widen it.`,
    );
  }
  const needs = (key: keyof TrustProject, what: string): string =>
    `a project file may not ${what} unless the user config (${userFile}) sets trustProject.${key}: true.`;
  if (settings.provider?.baseURL !== undefined && !trust.baseURL)
    refuse(['provider', 'baseURL'], needs('baseURL', 'send requests (and the API key) to another server'));
  if (settings.policy?.additionalDirectories !== undefined && !trust.additionalDirectories)
    refuse(['policy', 'additionalDirectories'], needs('additionalDirectories', 'open folders outside the project'));
  for (const key of ['mcpServers', 'lspServers', 'hooks', 'plugins'] as const) {
    if (settings[key] !== undefined && !trust.commands)
      refuse([key], needs('commands', 'start programs or connect to servers'));
  }
}
