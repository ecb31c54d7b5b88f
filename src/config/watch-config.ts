/**
 * `watchConfig`: a config that reloads when its files change.
 *
 * @packageDocumentation
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors/config-error.js';
import { configFiles, loadConfig, type LoadConfigOptions } from './load-config.js';
import type { IcodeConfig } from './types.js';

/**
 * Options of {@link watchConfig}.
 *
 * @example
 * ```ts
 * const options: WatchConfigOptions = { cwd, onChange: (config) => log.info('config reloaded', config.files) };
 * ```
 */
export interface WatchConfigOptions extends LoadConfigOptions {
  /** Called with each new valid config (not for a change that leaves the merged config as it was). */
  readonly onChange?: (config: IcodeConfig) => void;
  /** Called when a changed file is invalid; the last good config stays current. @defaultValue `console.warn` */
  readonly onError?: (error: unknown) => void;
  /** Quiet time after the last change before reloading, in ms (editors write in several steps). @defaultValue 100 */
  readonly debounceMs?: number;
}

/**
 * A config kept up to date with its files.
 *
 * @example
 * ```ts
 * const watcher: ConfigWatcher = await watchConfig({ cwd });
 * const agent = await createAgentFromConfig(watcher.current); // for the next run
 * ```
 */
export interface ConfigWatcher {
  /** The last valid config. */
  readonly current: IcodeConfig;
  /** Reloads now; resolves with the current config (the last good one when the files are invalid). */
  reload(): Promise<IcodeConfig>;
  /** Stops watching. Safe to call more than once. */
  close(): void;
}

/**
 * Loads the config of `cwd` (as {@link loadConfig}), then watches its three files and reloads when one
 * changes, is created or is removed. A new config that is invalid is reported to `onError` and the last
 * good one stays current: a typo saved in an editor never breaks a running service. Runs already started
 * are never touched; build the next run's agent from `current` (or use {@link configuredAgent}).
 *
 * @example
 * ```ts
 * const watcher = await watchConfig({ cwd: process.cwd(), onChange: (config) => console.log('reloaded', config.provider.model) });
 * // … later
 * watcher.close();
 * ```
 * @throws ConfigFileError when the files are invalid at the start (there is no good config to keep yet).
 */
export async function watchConfig(options: WatchConfigOptions): Promise<ConfigWatcher> {
  const debounceMs = options.debounceMs ?? 100;
  if (!Number.isFinite(debounceMs) || debounceMs < 0)
    throw new ConfigError(`watchConfig: debounceMs must be a number ≥ 0, got ${String(debounceMs)}.`);
  let current = await loadConfig(options);
  const onError = options.onError ?? ((error: unknown) => console.warn(`icode config not reloaded: ${String(error)}`));
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let loading: Promise<IcodeConfig> = Promise.resolve(current);

  const reload = (): Promise<IcodeConfig> => {
    // Reloads run one after another, so an older read never replaces a newer one.
    loading = loading.then(async () => {
      if (closed) return current;
      arm();
      try {
        const next = await loadConfig(options);
        if (!closed && !isDeepStrictEqual(next, current)) {
          current = next;
          options.onChange?.(next);
        }
      } catch (error) {
        if (!closed) onError(error);
      }
      return current;
    });
    return loading;
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  const files = configFiles(current.userDir, current.root);
  const folders: readonly (readonly [string, readonly string[]])[] = [
    [current.userDir, [basename(files.user)]],
    // The folders may appear later: their parents are watched for them.
    [dirname(current.userDir), [basename(current.userDir)]],
    [join(current.root, '.icode'), [basename(files.project), basename(files.local)]],
    [current.root, ['.icode']],
  ];
  let watchers: FSWatcher[] = [];
  // (Re)made before each reload, so a folder created, removed or replaced since is watched as it is now.
  const arm = (): void => {
    for (const watcher of watchers) watcher.close();
    watchers = folders
      .map(([folder, names]) => watchFolder(folder, names, schedule))
      .filter((watcher): watcher is FSWatcher => watcher !== undefined);
  };
  arm();

  return {
    get current() {
      return current;
    },
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Watches `folder` for changes to `names`; `undefined` when the folder does not exist. */
function watchFolder(folder: string, names: readonly string[], onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(folder, { persistent: false }, (_event, name) => {
      // Some platforms give no name: reload to be safe.
      if (name === null || names.includes(String(name))) onChange();
    });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
