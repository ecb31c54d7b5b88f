/**
 * Lazy loading of the official SDKs, which are optional peer dependencies: importing an adapter's subpath
 * costs nothing, and the SDK is loaded on the first model call.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';

/**
 * Runs `load` (a literal `import('<package>')`, so bundlers see it) once and caches the module. A missing
 * package becomes a {@link ConfigError} that says what to install.
 */
export function lazySdk<T>(packageName: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new ConfigError(`This provider needs the "${packageName}" package: npm install ${packageName}`, {
          cause: error,
        });
      }
      throw error;
    });
    return loading;
  };
}

/** An environment variable, where the runtime has `process.env` (not in browsers or some edge runtimes). */
export function envVar(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === '' ? undefined : value;
}
