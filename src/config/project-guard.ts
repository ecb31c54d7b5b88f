/**
 * What a project file (`.icode/config.json`, `.icode/config.local.json`) may not do. Both live in the
 * project's folder, which may come from anyone (a cloned repository, a pull request), so neither is
 * trusted like the user's own file:
 *
 * - the mode can only be narrowed: a mode wider than the user file's (else `workspace-write`) is an error,
 *   `plan` being the narrowest; an `afterPlan` wider than what the user file lets a plan lead to (its
 *   `afterPlan` when it sets `plan`, else its mode, else `workspace-write`) is an error too;
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
import { narrowerMode } from '../policy/plan-mode.js';
import type { PermissionMode } from '../policy/types.js';
import { ConfigFileError } from './config-file-error.js';
import { formatJsonPath } from './json-path.js';
import type { ParsedConfigFile } from './read-config-file.js';
import type { TrustProject } from './schema.js';

/** The widest mode a project file may set when the user file sets none. */
export const DEFAULT_MODE_CEILING: PermissionMode = 'workspace-write';

/** The widest modes a project file may set, from the user file's policy. */
export interface ModeCeiling {
  readonly mode: PermissionMode;
  readonly afterPlan: PermissionMode;
}

/**
 * What the user file's `policy` lets project files set: its mode (else `workspace-write`), and for
 * `afterPlan` the mode its own plan leads to (its `afterPlan`, else `read-only`) when it sets `plan`, else
 * its mode, narrowed by its `afterPlan` when it sets one.
 *
 * @example
 * ```ts
 * modeCeiling({ mode: 'plan', afterPlan: 'workspace-write' }); // { mode: 'plan', afterPlan: 'workspace-write' }
 * ```
 */
export function modeCeiling(user: { mode?: PermissionMode; afterPlan?: PermissionMode } = {}): ModeCeiling {
  const mode = user.mode ?? DEFAULT_MODE_CEILING;
  if (mode === 'plan') return { mode, afterPlan: user.afterPlan ?? 'read-only' };
  return { mode, afterPlan: user.afterPlan ? narrowerMode(mode, user.afterPlan) : mode };
}

const wider = (mode: PermissionMode, than: PermissionMode): boolean => MODES.indexOf(mode) > MODES.indexOf(than);

/**
 * Throws when the project file `parsed` sets something only the user may.
 *
 * @throws ConfigFileError naming the file, the setting and how the user can allow it.
 */
export function guardProjectFile(
  parsed: ParsedConfigFile,
  userFile: string,
  ceiling: ModeCeiling,
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
  if (mode !== undefined && wider(mode, ceiling.mode)) {
    refuse(
      ['policy', 'mode'],
      `"${mode}" is wider than the user config allows ("${ceiling.mode}"); a project file can only narrow the mode. ` +
        `Set policy.mode in ${userFile} to widen it.`,
    );
  }
  const afterPlan = settings.policy?.afterPlan;
  if (afterPlan !== undefined && wider(afterPlan, ceiling.afterPlan)) {
    refuse(
      ['policy', 'afterPlan'],
      `"${afterPlan}" is wider than the user config lets a plan lead to ("${ceiling.afterPlan}"); a project file ` +
        `can only narrow it. Set policy.mode (or policy.afterPlan) in ${userFile} to widen it.`,
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
