/**
 * `loadConfig`: the user, project and local config files of a folder, merged.
 *
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { checkRules } from './check-rules.js';
import { findProjectRoot, userConfigDir, type ConfigEnv } from './config-paths.js';
import { mergeConfig, type ConfigLayer } from './merge-config.js';
import { guardProjectFile, modeCeiling } from './project-guard.js';
import { readConfigFile } from './read-config-file.js';
import type { IcodeConfig } from './types.js';

/**
 * Options of {@link loadConfig}.
 *
 * @example
 * ```ts
 * const options: LoadConfigOptions = { cwd: process.cwd(), userDir: '/tmp/test-user-config' };
 * ```
 */
export interface LoadConfigOptions {
  /** The folder the agent works for; its project root is found from it. */
  readonly cwd: string;
  /** The user's config folder. @defaultValue `$XDG_CONFIG_HOME/icode`, else `~/.config/icode` */
  readonly userDir?: string;
  /** The environment `XDG_CONFIG_HOME` and `HOME` are read from. @defaultValue `process.env` */
  readonly env?: ConfigEnv;
}

/**
 * The three files of a config, lowest precedence first.
 *
 * @example
 * ```ts
 * configFiles('/home/ada/.config/icode', '/srv/app').local; // '/srv/app/.icode/config.local.json'
 * ```
 */
export function configFiles(userDir: string, root: string): { user: string; project: string; local: string } {
  return {
    user: join(userDir, 'config.json'),
    project: join(root, '.icode', 'config.json'),
    local: join(root, '.icode', 'config.local.json'),
  };
}

/**
 * Reads and merges the config files of `cwd`, user < project < local:
 *
 * 1. `config.json` in the user's config folder (`$XDG_CONFIG_HOME/icode`, default `~/.config/icode`);
 * 2. `.icode/config.json` in the project root (shared with the team);
 * 3. `.icode/config.local.json` there (personal, keep it out of version control).
 *
 * The project root is the nearest folder from `cwd` up with a `.icode` folder or a `.git` entry (else
 * `cwd`). Files are JSONC; missing files are skipped. Single values of a later file win; rule lists, hooks,
 * plugins and skills are joined; `mcpServers`/`lspServers` merge by name. A deny (or ask) rule from any file
 * beats an allow from any other, and project files can only narrow the mode and may not redirect the
 * provider or start programs unless the user file's `trustProject` allows it.
 *
 * @example
 * ```ts
 * import { createAgentFromConfig, loadConfig } from 'icode/config';
 *
 * const config = await loadConfig({ cwd: process.cwd() });
 * const agent = await createAgentFromConfig(config);
 * ```
 * @throws ConfigError when `cwd` is not a folder.
 * @throws ConfigFileError (a {@link ConfigError}) naming the file, JSON path, line and column of the
 *   first problem: a JSONC syntax error, an unknown key, a bad value, or a setting a project file may not make.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<IcodeConfig> {
  if (!options || typeof options.cwd !== 'string' || options.cwd === '')
    throw new ConfigError('loadConfig needs { cwd }: the folder the agent works for.');
  const env = options.env ?? process.env;
  const home = env.HOME && env.HOME.startsWith('/') ? env.HOME : homedir();
  const cwd = resolve(options.cwd);
  if (
    !(await stat(cwd).then(
      (info) => info.isDirectory(),
      () => false,
    ))
  )
    throw new ConfigError(`loadConfig: cwd ${cwd} is not a folder.`);
  const userDir = resolve(options.userDir ?? userConfigDir(env));
  const root = await findProjectRoot(cwd, home);
  const files = configFiles(userDir, root);

  const user = await readConfigFile(files.user);
  if (user) checkRules(user);
  const trust = user?.settings.trustProject ?? {};
  const ceiling = modeCeiling(user?.settings.policy);
  const layers: ConfigLayer[] = user ? [{ scope: 'user', parsed: user, baseDir: userDir }] : [];
  for (const scope of ['project', 'local'] as const) {
    const parsed = await readConfigFile(files[scope]);
    if (!parsed) continue;
    checkRules(parsed);
    guardProjectFile(parsed, files.user, ceiling, trust);
    layers.push({ scope, parsed, baseDir: root });
  }
  return mergeConfig(layers, { cwd, root, userDir, home });
}
