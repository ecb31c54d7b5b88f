/**
 * nock, loaded on the first cassette: it is the user's dev dependency, not icode's, and importing it
 * patches Node's HTTP stack, which nothing else in `icode/testing` should pay for.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../errors/config-error.js';
import { isModuleNotFound } from '../../providers/shared/load-sdk.js';

/** The nock module. */
export type Nock = typeof import('nock');

let loading: Promise<Nock> | undefined;

/**
 * nock, imported once and active.
 *
 * @throws ConfigError when nock is not installed, saying what to install.
 */
export function loadNock(): Promise<Nock> {
  loading ??= import('nock').then(
    (module) => {
      const nock = (module as { default?: Nock }).default ?? (module as unknown as Nock);
      if (!nock.isActive()) nock.activate();
      return nock;
    },
    (error: unknown) => {
      loading = undefined;
      if (!isModuleNotFound(error)) throw error;
      throw new ConfigError('cassette() needs the "nock" package (14.x): npm install --save-dev nock@14', {
        cause: error,
      });
    },
  );
  return loading;
}
