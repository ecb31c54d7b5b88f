/**
 * Where config files live: the user's config folder and the project root.
 *
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The environment a config is read in: `loadConfig` reads `XDG_CONFIG_HOME` and `HOME`,
 * `createAgentFromConfig` the variable `provider.apiKeyEnv` names.
 *
 * @example
 * ```ts
 * const env: ConfigEnv = { HOME: '/home/ada', XDG_CONFIG_HOME: undefined };
 * ```
 */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * The user's config folder: `$XDG_CONFIG_HOME/icode`, else `~/.config/icode`.
 *
 * @example
 * ```ts
 * userConfigDir({ XDG_CONFIG_HOME: '/home/ada/.xdg' }); // '/home/ada/.xdg/icode'
 * ```
 */
export function userConfigDir(env: ConfigEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec: a relative value is invalid and is ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'icode');
  return join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.config', 'icode');
}

/**
 * The project root of `cwd`: the nearest folder, from `cwd` up, that holds a `.icode` folder or a `.git`
 * entry (a repository or a worktree). The search stops at the first of either, so a `.icode` folder above
 * the repository is never picked up, and it never goes above the home folder when `cwd` is inside it. A
 * `.icode` folder owned by another user (planted in a shared folder such as `/tmp`) is passed over. Without
 * either, the root is `cwd`.
 *
 * @example
 * ```ts
 * await findProjectRoot('/srv/app/src/utils'); // '/srv/app' when /srv/app/.git exists
 * ```
 */
export async function findProjectRoot(cwd: string, home: string = homedir()): Promise<string> {
  const start = resolve(cwd);
  const insideHome = start === home || start.startsWith(home.endsWith('/') ? home : `${home}/`);
  for (let dir = start; ; dir = dirname(dir)) {
    if (await isOwnDirectory(join(dir, '.icode'))) return dir;
    if (await exists(join(dir, '.git'))) return dir;
    if ((insideHome && dir === home) || dirname(dir) === dir) return start;
  }
}

async function isOwnDirectory(path: string): Promise<boolean> {
  const uid = process.getuid?.();
  return stat(path).then(
    (info) => info.isDirectory() && (uid === undefined || uid === 0 || info.uid === uid),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
