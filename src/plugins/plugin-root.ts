/**
 * Paths a manifest names, kept inside the plugin folder: `${PLUGIN_ROOT}` substitution and real-path
 * containment checks.
 *
 * @packageDocumentation
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

/** The placeholder a manifest writes for the plugin's installed folder. */
export const PLUGIN_ROOT_VAR = '${PLUGIN_ROOT}';

/** Whether `path` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Replaces `${PLUGIN_ROOT}` with the plugin's folder. A value that starts with it names a path of the
 * plugin, so it must stay inside after normalisation (`${PLUGIN_ROOT}/../x` is refused).
 *
 * @throws ConfigError for a path that leads out of the plugin folder.
 */
export function withPluginRoot(value: string, root: string, where: string): string {
  if (!value.includes(PLUGIN_ROOT_VAR)) return value;
  const replaced = value.replaceAll(PLUGIN_ROOT_VAR, root);
  if (value.startsWith(PLUGIN_ROOT_VAR) && !isInside(root, normalize(replaced))) {
    throw new ConfigError(`${where}: ${JSON.stringify(value)} leads out of the plugin folder.`);
  }
  return replaced;
}

/**
 * The real path of `path` (relative to the plugin folder), which must exist and be inside the plugin's
 * real folder once every symbolic link is followed.
 *
 * @throws ConfigError when it does not exist or leads out.
 */
export async function realPathInside(root: string, path: string, where: string): Promise<string> {
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(resolve(realRoot, path));
  } catch (error) {
    throw new ConfigError(`${where}: ${JSON.stringify(path)} does not exist in the plugin folder.`, { cause: error });
  }
  if (!isInside(realRoot, real)) {
    throw new ConfigError(`${where}: ${JSON.stringify(path)} leads out of the plugin folder.`);
  }
  return real;
}
