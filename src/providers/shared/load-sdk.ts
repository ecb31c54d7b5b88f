/**
 * Lazy loading of the official SDKs, which are optional peer dependencies: importing an adapter's subpath
 * costs nothing, and the SDK is loaded on the first model call.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';

/** Whether an import failed because the package is not installed (Node's code, or a bundler's message). */
export function isModuleNotFound(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
    if (typeof message === 'string' && /cannot find (package|module)/i.test(message)) return true;
    e = cause;
  }
  return false;
}

/**
 * Runs `load` (a literal `import('<package>')`, so bundlers see it) once and caches the module. A missing
 * package becomes a {@link ConfigError} that says what to install. With `provider`, the message names the
 * provider, and any other failure to load is a `ConfigError` too; without it, that failure is thrown as it
 * came.
 */
export function lazySdk<T>(packageName: string, load: () => Promise<T>, provider?: string): () => Promise<T> {
  const who = provider === undefined ? 'This provider' : `The ${provider} provider`;
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      if (isModuleNotFound(error)) {
        throw new ConfigError(`${who} needs the "${packageName}" package: npm install ${packageName}`, {
          cause: error,
        });
      }
      if (provider === undefined) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`${who} could not load "${packageName}": ${reason}`, { cause: error });
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
