import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/config-error.js';
import { lazySdk } from '../../src/providers/shared/load-sdk.js';

describe('lazySdk', () => {
  it('names the package to install when it is missing', async () => {
    const load = lazySdk('@example/not-installed', () => import('@example/not-installed' as string));
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'This provider needs the "@example/not-installed" package: npm install @example/not-installed',
    );
  });

  it('loads once and caches the module', async () => {
    let loads = 0;
    const load = lazySdk('x', async () => {
      loads += 1;
      return { ok: true };
    });
    expect(await load()).toEqual({ ok: true });
    await load();
    expect(loads).toBe(1);
  });
});
