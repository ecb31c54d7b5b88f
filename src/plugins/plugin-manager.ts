/**
 * `PluginManager`: installs plugins into a plugin directory, enables, disables, uninstalls and lists them,
 * and loads the enabled ones.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import { copyPluginFolder, type CopyReport } from './copy-folder.js';
import { loadPlugin, type LoadedPlugin } from './load-plugin.js';
import { readPluginManifest } from './manifest.js';
import { npmPack } from './npm-pack.js';
import { defaultPluginDir, readPluginState, writePluginState, type PluginState } from './plugin-state.js';
import { extractTarball, packageRoot } from './tarball.js';

/**
 * Options of {@link PluginManager}.
 *
 * @example
 * ```ts
 * const options: PluginManagerOptions = { dir: '/srv/agent/plugins', trustReadOnly: false };
 * ```
 */
export interface PluginManagerOptions {
  /** Where plugins and their state live. @defaultValue `$XDG_CONFIG_HOME/icode/plugins` (`~/.config/icode/plugins`) */
  readonly dir?: string;
  /**
   * Keep the `readOnly` flag module tools declare (in-process code, which nothing holds to it). Command
   * tools' `readOnly` is always kept: the sandbox enforces it. @defaultValue false
   */
  readonly trustReadOnly?: boolean;
  /** The npm executable `install` runs for a package spec. @defaultValue 'npm' */
  readonly npm?: string;
}

/**
 * Options of {@link PluginManager.install}.
 *
 * @example
 * ```ts
 * await manager.install('./my-plugin', { enable: false, replace: true });
 * ```
 */
export interface PluginInstallOptions {
  /** Enable it at once. @defaultValue true */
  readonly enable?: boolean;
  /** Replace an installed plugin of the same name (an update); otherwise that is an error. @defaultValue false */
  readonly replace?: boolean;
}

/**
 * What {@link PluginManager.install} did.
 *
 * @example
 * ```ts
 * const { name, skipped } = await manager.install('./my-plugin');
 * if (skipped.length > 0) console.warn(`not copied: ${skipped.join(', ')}`);
 * ```
 */
export interface PluginInstallResult {
  readonly name: string;
  readonly version: string;
  readonly path: string;
  /** Paths not copied from a folder: symbolic links and special files. */
  readonly skipped: readonly string[];
}

/**
 * One plugin as {@link PluginManager.list} reports it. A `broken` one (its manifest or a module is wrong)
 * carries the `error` and is skipped by `load()`.
 *
 * @example
 * ```ts
 * for (const p of await manager.list()) console.log(p.name, p.enabled ? 'on' : 'off', p.error ?? '');
 * ```
 */
export interface PluginStatus {
  readonly name: string;
  readonly version: string;
  readonly enabled: boolean;
  readonly source: string;
  readonly path: string;
  readonly status: 'ok' | 'broken';
  readonly error?: string;
}

/**
 * What {@link PluginManager.load} found: the enabled plugins that load, and the problems of those that do
 * not (reported, never fatal).
 *
 * @example
 * ```ts
 * const { plugins, problems } = await manager.load();
 * for (const p of problems) console.warn(`plugin ${p.name} skipped: ${p.error}`);
 * ```
 */
export interface PluginLoadResult {
  readonly plugins: readonly LoadedPlugin[];
  readonly problems: readonly { readonly name: string; readonly error: string }[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Installs, enables, disables, uninstalls, lists and loads plugins. State lives in `dir`: `plugins.json`
 * (what is installed and enabled) and `installed/<name>/` (a copy of each plugin). A plugin is a folder or
 * an npm package with an `icode-plugin.json` manifest.
 *
 * Installing copies: a folder (files and folders only, no links), a tarball (`.tgz`, extracted without
 * trusting its paths), or an npm package spec (fetched with `npm pack --ignore-scripts`: no install script
 * ever runs). The plugin's dependencies must be bundled in it.
 *
 * @example
 * ```ts
 * const manager = new PluginManager();                  // ~/.config/icode/plugins
 * await manager.install('./plugins/github');           // a folder
 * await manager.install('@acme/icode-plugin-jira');   // an npm package
 * await manager.disable('github');
 * console.table(await manager.list());
 * ```
 */
export class PluginManager {
  /** The plugin directory. */
  readonly dir: string;
  readonly #options: PluginManagerOptions;
  readonly #listeners = new Set<() => void>();
  /** Loaded plugins by `name@installedAt`, so tools keep their identity while nothing changes. */
  readonly #loaded = new Map<string, LoadedPlugin | { readonly error: string }>();
  /** Changes of this manager run one at a time, so two installs never lose each other's state entry. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: PluginManagerOptions = {}) {
    this.#options = options;
    this.dir = resolve(options.dir ?? defaultPluginDir());
  }

  get #stateFile(): string {
    return join(this.dir, 'plugins.json');
  }

  #folder(name: string): string {
    return join(this.dir, 'installed', name);
  }

  /** Calls `listener` after each change made through this manager; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #serial<T>(change: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(change, change);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /**
   * Installs a plugin from a folder, a `.tgz` tarball or an npm package spec.
   *
   * @throws ConfigError for a source without a valid manifest, a name already installed (without
   * `replace`), an archive with paths that lead out or links, or a failed `npm pack`. Nothing installed
   * is changed then.
   */
  install(source: string, options: PluginInstallOptions = {}): Promise<PluginInstallResult> {
    return this.#serial(() => this.#install(source, options));
  }

  async #install(source: string, options: PluginInstallOptions): Promise<PluginInstallResult> {
    if (typeof source !== 'string' || source === '')
      throw new ConfigError('install: give a folder, a .tgz file or a package spec.');
    const staging = join(this.dir, 'staging', randomUUID());
    await mkdir(staging, { recursive: true });
    try {
      const { root, report } = await this.#fetch(source, staging);
      const manifest = await readPluginManifest(root);
      const state = await readPluginState(this.#stateFile);
      const existing = Object.hasOwn(state.plugins, manifest.name) ? state.plugins[manifest.name] : undefined;
      if (existing && options.replace !== true) {
        throw new ConfigError(
          `A plugin named "${manifest.name}" is already installed (from ${existing.source}); pass { replace: true } to replace it.`,
        );
      }
      const target = this.#folder(manifest.name);
      await mkdir(join(this.dir, 'installed'), { recursive: true });
      // The old copy is moved aside, not deleted, until the new one is in place.
      const old = join(staging, 'previous');
      if (existing) await rename(target, old).catch(() => undefined);
      try {
        await rename(root, target);
      } catch (error) {
        if (existing) await rename(old, target).catch(() => undefined);
        throw error;
      }
      state.plugins[manifest.name] = {
        enabled: options.enable ?? existing?.enabled ?? true,
        source,
        version: manifest.version,
        installedAt: `${new Date().toISOString()}#${randomUUID().slice(0, 8)}`,
      };
      await writePluginState(this.#stateFile, state);
      this.#changed();
      return { name: manifest.name, version: manifest.version, path: target, skipped: report.skipped };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Copies or extracts `source` into `staging`; returns the plugin's folder there. */
  async #fetch(source: string, staging: string): Promise<{ root: string; report: CopyReport }> {
    const local = resolve(source);
    const found = await stat(local).catch(() => undefined);
    if (found?.isDirectory()) {
      const root = join(staging, 'plugin');
      return { root, report: await copyPluginFolder(local, root) };
    }
    let tarball = local;
    if (!found) {
      if (/^[./]/.test(source) || source.endsWith('.tgz')) throw new ConfigError(`install: ${source} does not exist.`);
      const packed = join(staging, 'packed');
      await mkdir(packed);
      tarball = await npmPack(source, packed, this.#options.npm);
    } else if (!found.isFile()) throw new ConfigError(`install: ${source} is neither a folder nor a tarball.`);
    const extracted = join(staging, 'extracted');
    const report = await extractTarball(tarball, extracted);
    return { root: await packageRoot(extracted), report };
  }

  /**
   * Enables an installed plugin: its tools appear at the next turn of agents using it.
   *
   * @throws ConfigError for a plugin that is not installed.
   */
  enable(name: string): Promise<void> {
    return this.#serial(() => this.#setEnabled(name, true));
  }

  /**
   * Disables an installed plugin: its tools are gone from the next turn on; it stays installed.
   *
   * @throws ConfigError for a plugin that is not installed.
   */
  disable(name: string): Promise<void> {
    return this.#serial(() => this.#setEnabled(name, false));
  }

  async #setEnabled(name: string, enabled: boolean): Promise<void> {
    const state = await readPluginState(this.#stateFile);
    const entry = Object.hasOwn(state.plugins, name) ? state.plugins[name] : undefined;
    if (!entry) throw new ConfigError(`No plugin named "${name}" is installed in ${this.dir}.`);
    if (entry.enabled === enabled) return;
    state.plugins[name] = { ...entry, enabled };
    await writePluginState(this.#stateFile, state);
    this.#changed();
  }

  /**
   * Removes an installed plugin and its folder.
   *
   * @throws ConfigError for a plugin that is not installed.
   */
  uninstall(name: string): Promise<void> {
    return this.#serial(() => this.#uninstall(name));
  }

  async #uninstall(name: string): Promise<void> {
    const state = await readPluginState(this.#stateFile);
    if (!Object.hasOwn(state.plugins, name))
      throw new ConfigError(`No plugin named "${name}" is installed in ${this.dir}.`);
    delete state.plugins[name];
    await writePluginState(this.#stateFile, state);
    await rm(this.#folder(name), { recursive: true, force: true });
    this.#changed();
  }

  /** Every installed plugin with its status; a broken one carries its error (its tools are not loaded). */
  async list(): Promise<PluginStatus[]> {
    const state = await readPluginState(this.#stateFile);
    const statuses: PluginStatus[] = [];
    for (const [name, entry] of Object.entries(state.plugins).sort(([a], [b]) => a.localeCompare(b))) {
      const base = {
        name,
        version: entry.version,
        enabled: entry.enabled,
        source: entry.source,
        path: this.#folder(name),
      };
      // Disabled plugins are checked too (manifest only: their modules are not imported).
      const error = entry.enabled
        ? this.#errorOf(await this.#load(name, state))
        : await readPluginManifest(this.#folder(name)).then(
            (manifest) => (manifest.name === name ? undefined : `the manifest claims the name "${manifest.name}"`),
            message,
          );
      statuses.push(error === undefined ? { ...base, status: 'ok' } : { ...base, status: 'broken', error });
    }
    return statuses;
  }

  #errorOf(loaded: LoadedPlugin | { readonly error: string }): string | undefined {
    return 'error' in loaded ? loaded.error : undefined;
  }

  /**
   * Loads the enabled plugins. One that fails (a broken manifest, a module that does not import) is left
   * out and reported in `problems`; the others load.
   *
   * @throws ConfigError only for an unreadable `plugins.json` (never overwritten).
   */
  async load(): Promise<PluginLoadResult> {
    const state = await readPluginState(this.#stateFile);
    const plugins: LoadedPlugin[] = [];
    const problems: { name: string; error: string }[] = [];
    for (const [name, entry] of Object.entries(state.plugins).sort(([a], [b]) => a.localeCompare(b))) {
      if (!entry.enabled) continue;
      const loaded = await this.#load(name, state);
      if ('error' in loaded) problems.push({ name, error: loaded.error });
      else plugins.push(loaded);
    }
    return { plugins, problems };
  }

  async #load(name: string, state: PluginState): Promise<LoadedPlugin | { readonly error: string }> {
    const entry = state.plugins[name]!;
    const key = `${name}@${entry.installedAt}`;
    let loaded = this.#loaded.get(key);
    if (!loaded) {
      loaded = await loadPlugin(this.#folder(name), {
        name,
        cacheKey: entry.installedAt,
        trustReadOnly: this.#options.trustReadOnly ?? false,
      }).catch((error: unknown) => ({ error: message(error) }));
      for (const old of this.#loaded.keys()) if (old.startsWith(`${name}@`)) this.#loaded.delete(old);
      this.#loaded.set(key, loaded);
    }
    return loaded;
  }
}

/**
 * A {@link PluginManager}, for code that prefers factories.
 *
 * @example
 * ```ts
 * const manager = createPluginManager({ dir: join(os.tmpdir(), 'plugins') });
 * ```
 */
export function createPluginManager(options: PluginManagerOptions = {}): PluginManager {
  return new PluginManager(options);
}
