/**
 * The plugin directory's state file, `plugins.json`: which plugins are installed, from where, and whether
 * they are enabled. Written atomically (temporary file, then rename), so a crash never leaves half a file.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { PLUGIN_NAME } from './manifest.js';

/** The version of the state file's format. */
export const PLUGIN_STATE_VERSION = 1;

const entrySchema = z.strictObject({
  enabled: z.boolean(),
  /** What it was installed from, as given. */
  source: z.string(),
  version: z.string(),
  /** ISO time; also tells one installation from the next (module caches are keyed by it). */
  installedAt: z.string(),
});
const stateSchema = z.strictObject({
  version: z.literal(PLUGIN_STATE_VERSION),
  // Keys name folders under installed/: only plugin names, never a path.
  plugins: z.record(z.string().regex(PLUGIN_NAME, 'not a plugin name'), entrySchema),
});

/** One installed plugin, as the state file records it. */
export type PluginStateEntry = z.infer<typeof entrySchema>;
/** The state file's content. */
export type PluginState = z.infer<typeof stateSchema>;

/**
 * The default plugin directory: `$XDG_CONFIG_HOME/icode/plugins`, else `~/.config/icode/plugins`
 * (`%APPDATA%\icode\plugins` on Windows).
 *
 * @example
 * ```ts
 * defaultPluginDir(); // '/home/me/.config/icode/plugins'
 * ```
 */
export function defaultPluginDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  if (xdg) return join(xdg, 'icode', 'plugins');
  if (process.platform === 'win32' && process.env.APPDATA) return join(process.env.APPDATA, 'icode', 'plugins');
  return join(homedir(), '.config', 'icode', 'plugins');
}

/**
 * Reads the state file; a missing file is an empty state.
 *
 * @throws ConfigError for a file that is not valid (never overwritten: what it holds is not lost).
 */
export async function readPluginState(file: string): Promise<PluginState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: PLUGIN_STATE_VERSION, plugins: {} };
    throw new ConfigError(`${file}: cannot be read.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON; fix or remove it.`, { cause: error });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      `${file}: not a plugin state file (${issue.path.join('.')}: ${issue.message}); fix or remove it.`,
    );
  }
  return parsed.data;
}

/** Writes the state file atomically. */
export async function writePluginState(file: string, state: PluginState): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
