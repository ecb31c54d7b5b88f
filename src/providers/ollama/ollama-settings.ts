/**
 * Checks of the Ollama adapter's own settings, made at construction: Ollama refuses a bad `think` or
 * `keep_alive` value with a 400 on every call, and a host that is not a URL fails as a network error.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import type { OllamaRequestSettings } from './ollama-request.js';

/** The `think` levels Ollama takes besides `true` and `false`. */
export const THINK_LEVELS: readonly string[] = ['high', 'medium', 'low', 'max'];

/** A Go duration as Ollama parses `keep_alive` (`time.ParseDuration`): `'5m'`, `'1h30m'`, `'-1s'`, `'0'`. */
export const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * Throws a {@link ConfigError} for an Ollama setting the server would refuse on every call: a `think` that
 * is neither a boolean nor a level, a `keepAlive` that is neither a number nor a Go duration, a `host` that
 * is not a URL.
 *
 * @example
 * ```ts
 * checkOllamaSettings({ keepAlive: '5 minutes' }); // throws: Ollama wants a Go duration such as '5m'
 * ```
 */
export function checkOllamaSettings(settings: OllamaRequestSettings & { readonly host?: string }): void {
  const think: unknown = settings.think;
  if (think !== undefined && typeof think !== 'boolean' && !THINK_LEVELS.includes(think as string)) {
    throw new ConfigError(
      `ollama: \`think\` must be true, false or one of ${THINK_LEVELS.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(think)}.`,
    );
  }
  const keepAlive: unknown = settings.keepAlive;
  const validKeepAlive =
    keepAlive === undefined ||
    (typeof keepAlive === 'number' && Number.isFinite(keepAlive)) ||
    (typeof keepAlive === 'string' && GO_DURATION.test(keepAlive));
  if (!validKeepAlive) {
    throw new ConfigError(
      `ollama: \`keepAlive\` must be seconds (-1 keeps the model loaded) or a duration such as '5m' or '1h30m', got ${JSON.stringify(keepAlive)}.`,
    );
  }
  const host: unknown = settings.host;
  if (host !== undefined && !(typeof host === 'string' && hostUrl(host) !== undefined)) {
    throw new ConfigError(
      `ollama: \`host\` must be a URL such as 'http://127.0.0.1:11434', got ${JSON.stringify(host)}.`,
    );
  }
}

/**
 * The host as a URL, read as the `ollama` SDK reads it (a bare `host:port` is `http://`, a bare `:port` is
 * on 127.0.0.1), or `undefined` when it is not one.
 */
export function hostUrl(host: string): URL | undefined {
  const full = host.startsWith(':') ? `http://127.0.0.1${host}` : host.includes('://') ? host : `http://${host}`;
  try {
    return new URL(full);
  } catch {
    return undefined;
  }
}
